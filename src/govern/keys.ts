import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../core/index.js';

/** `controller` keys sign log heads, checkpoints and key changes; `operator` keys sign decisions. */
export const KeyRole = z.enum(['controller', 'operator']);
export type KeyRole = z.infer<typeof KeyRole>;

export const PublicKeyEntry = z.strictObject({
  keyId: z.string().regex(/^ed25519:[0-9a-f]{16}$/),
  /** Who holds the private key (an operator name, or `controller`). */
  holder: z.string().min(1).max(100),
  role: KeyRole,
  /** Base64 of the SPKI DER encoding. */
  publicKey: z.string().min(1),
});
export type PublicKeyEntry = z.infer<typeof PublicKeyEntry>;

export const TrustAnchors = z.strictObject({ v: z.literal(1), keys: z.array(PublicKeyEntry).min(1) });
export type TrustAnchors = z.infer<typeof TrustAnchors>;

/** A key id names the exact public key, so a registry entry can never be swapped under its id. */
export function keyIdOf(spkiDer: Uint8Array): string {
  return `ed25519:${sha256Hex(spkiDer).slice(0, 16)}`;
}

export interface GeneratedKey {
  entry: PublicKeyEntry;
  privateKeyPem: string;
}

export function generateKey(holder: string, role: KeyRole): GeneratedKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return {
    entry: { keyId: keyIdOf(der), holder, role, publicKey: der.toString('base64') },
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Something that can sign as one key (the private key stays inside the closure). */
export interface Signer {
  readonly keyId: string;
  sign(message: string): string;
}

export function signerFromPem(keyId: string, privateKeyPem: string): Signer {
  const key: KeyObject = createPrivateKey(privateKeyPem);
  const derived = keyIdOf(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  if (derived !== keyId) throw new Error(`private key does not belong to ${keyId} (it is ${derived})`);
  return Object.freeze({ keyId, sign: (message: string) => sign(null, Buffer.from(message), key).toString('base64') });
}

const publicKeyCache = new Map<string, KeyObject>();

/**
 * Base64 exactly as it encodes: 88 characters for an Ed25519 signature, `==` padding, no spaces,
 * no extra `=`. Node's decoder stops at the first `=` and skips junk, so without this check many
 * spellings of one signature would all verify (and each could pass as a new decision).
 */
const CANONICAL_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

export function isCanonicalSignature(signatureB64: string): boolean {
  return CANONICAL_SIGNATURE.test(signatureB64) && Buffer.from(signatureB64, 'base64').toString('base64') === signatureB64;
}

export function verifySignature(publicKeyB64: string, message: string, signatureB64: string): boolean {
  if (typeof signatureB64 !== 'string' || !isCanonicalSignature(signatureB64)) return false;
  try {
    let key = publicKeyCache.get(publicKeyB64);
    if (!key) {
      key = createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' });
      publicKeyCache.set(publicKeyB64, key);
    }
    return verify(null, Buffer.from(message), key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

/** The bytes a key-change record is signed over (domain-separated from every other signature). */
export function keyChangeStatement(kind: string, body: unknown): string {
  return canonicalJson({ domain: 'peerwatch/key-change/v1', kind, body });
}

export type KeyStatus = 'active' | 'retired' | 'revoked';

export interface RegistryEntry {
  entry: PublicKeyEntry;
  status: KeyStatus;
  /** Log index from which the key may sign (-1: a trust anchor, valid from genesis). */
  since: number;
  /** Log index at which it stopped being valid (rotation or revocation), if it did. */
  until?: number;
  reason?: string;
}

export const KeyAdded = z.strictObject({
  body: z.strictObject({ key: PublicKeyEntry }),
  authorizedBy: z.string(),
  sig: z.string(),
});
export const KeyRotated = z.strictObject({
  body: z.strictObject({ oldKeyId: z.string(), key: PublicKeyEntry }),
  authorizedBy: z.string(),
  sig: z.string(),
});
export const KeyRevoked = z.strictObject({
  body: z.strictObject({ keyId: z.string(), reason: z.string().min(1).max(500) }),
  authorizedBy: z.string(),
  sig: z.string(),
});

export const KEY_RECORD_KINDS = ['key.added', 'key.rotated', 'key.revoked'] as const;

/**
 * Which keys may sign what, at each point of the log. It starts from the trust anchors (controller
 * keys the verifier trusts out of band) and changes only through key records that an active
 * controller key signed, so a log cannot vouch for a key it introduced itself.
 */
export class KeyRegistry {
  private readonly keys = new Map<string, RegistryEntry>();

  static fromAnchors(anchors: TrustAnchors): KeyRegistry {
    const registry = new KeyRegistry();
    for (const key of anchors.keys) {
      if (key.role !== 'controller') throw new Error(`trust anchor ${key.keyId} must be a controller key`);
      registry.keys.set(key.keyId, { entry: key, status: 'active', since: -1 });
    }
    return registry;
  }

  clone(): KeyRegistry {
    const copy = new KeyRegistry();
    for (const [id, e] of this.keys) copy.keys.set(id, { ...e });
    return copy;
  }

  get(keyId: string): RegistryEntry | undefined {
    return this.keys.get(keyId);
  }

  list(): RegistryEntry[] {
    return [...this.keys.values()].map((e) => ({ ...e }));
  }

  /** The key, if it is active and has `role`; undefined for unknown, retired or revoked keys. */
  active(keyId: string, role: KeyRole): PublicKeyEntry | undefined {
    const e = this.keys.get(keyId);
    return e && e.status === 'active' && e.entry.role === role ? e.entry : undefined;
  }

  activeFor(holder: string, role: KeyRole): PublicKeyEntry | undefined {
    return [...this.keys.values()].find((e) => e.status === 'active' && e.entry.role === role && e.entry.holder === holder)?.entry;
  }

  /** Apply one key record at log position `index`; throws with the reason when it is not valid. */
  apply(kind: string, payload: unknown, index: number): void {
    const parsed =
      kind === 'key.added' ? KeyAdded.parse(payload) : kind === 'key.rotated' ? KeyRotated.parse(payload) : KeyRevoked.parse(payload);
    const signer = this.active(parsed.authorizedBy, 'controller');
    if (!signer) throw new Error(`${kind} authorised by ${parsed.authorizedBy}, which is not an active controller key`);
    if (!verifySignature(signer.publicKey, keyChangeStatement(kind, parsed.body), parsed.sig)) {
      throw new Error(`${kind} has a bad signature`);
    }
    const body = parsed.body as Record<string, unknown>;
    if (kind === 'key.added' || kind === 'key.rotated') {
      const key = body.key as PublicKeyEntry;
      if (keyIdOf(Buffer.from(key.publicKey, 'base64')) !== key.keyId) throw new Error(`key id ${key.keyId} does not match its public key`);
      const existing = this.keys.get(key.keyId);
      // Re-announcing a trust anchor at genesis is allowed; anything else reusing an id is not.
      if (existing && !(existing.since === -1 && existing.entry.publicKey === key.publicKey)) {
        throw new Error(`key ${key.keyId} is already registered`);
      }
      if (kind === 'key.rotated') {
        const old = this.keys.get(body.oldKeyId as string)?.entry;
        if (old && (old.role !== key.role || old.holder !== key.holder)) {
          throw new Error(`rotation must keep holder and role (${old.holder}/${old.role})`);
        }
      }
      if (kind === 'key.rotated') this.end(body.oldKeyId as string, 'retired', index, `rotated to ${key.keyId}`);
      if (!existing) this.keys.set(key.keyId, { entry: key, status: 'active', since: index });
      return;
    }
    const remaining = [...this.keys.values()].filter((e) => e.status === 'active' && e.entry.role === 'controller');
    if (remaining.length === 1 && remaining[0]?.entry.keyId === body.keyId) {
      throw new Error('cannot revoke the last active controller key');
    }
    this.end(body.keyId as string, 'revoked', index, body.reason as string);
  }

  /**
   * Retire (rotation) or revoke a key. A key already rotated out can still be revoked: its holder
   * reporting it stolen is worth recording, and it changes nothing it signed while it was active.
   */
  private end(keyId: string, status: KeyStatus, index: number, reason: string): void {
    const e = this.keys.get(keyId);
    if (!e) throw new Error(`unknown key ${keyId}`);
    const revokingRetired = status === 'revoked' && e.status === 'retired';
    if (e.status !== 'active' && !revokingRetired) throw new Error(`key ${keyId} is already ${e.status}`);
    e.status = status;
    if (revokingRetired) {
      // It stopped signing at its rotation; that stays its end. The revocation is added to the story.
      e.reason = `${e.reason}; revoked at record ${index}: ${reason}`;
      return;
    }
    e.until = index;
    e.reason = reason;
  }
}
