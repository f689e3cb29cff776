import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/index.js';
import { signerFromPem, type Signer, TrustAnchors } from './keys.js';

/**
 * The operator-only data directory. Everything here is 0700/0600 and owned by the controller's user;
 * agents run as other users and are never given a path into it.
 */
export interface GovernPaths {
  dir: string;
  log: string;
  trust: string;
  keys: string;
}

export function governPaths(dir: string): GovernPaths {
  return { dir, log: join(dir, 'audit.jsonl'), trust: join(dir, 'trust.json'), keys: join(dir, 'keys') };
}

export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

export function isInitialised(dir: string): boolean {
  return existsSync(governPaths(dir).trust);
}

export function loadTrust(path: string): TrustAnchors {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: cannot read trust anchors (${(err as Error).message})`);
  }
  const parsed = TrustAnchors.safeParse(raw);
  if (!parsed.success) throw new UserError(`${path}: not a trust anchor file (${parsed.error.issues[0]?.path.join('.')})`);
  return parsed.data;
}

const keyFile = (paths: GovernPaths, keyId: string): string => join(paths.keys, `${keyId.replace(':', '-')}.pem`);

export function writePrivateKey(paths: GovernPaths, keyId: string, pem: string): void {
  ensurePrivateDir(paths.keys);
  writeFileSync(keyFile(paths, keyId), pem, { flag: 'wx', mode: 0o600 });
}

export function hasPrivateKey(paths: GovernPaths, keyId: string): boolean {
  return existsSync(keyFile(paths, keyId));
}

export function loadSigner(paths: GovernPaths, keyId: string): Signer {
  const file = keyFile(paths, keyId);
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new UserError(`${file}: private key is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  return signerFromPem(keyId, readFileSync(file, 'utf8'));
}

/** A retired or revoked key's private half is removed, so it cannot sign by accident. */
export function removePrivateKey(paths: GovernPaths, keyId: string): void {
  rmSync(keyFile(paths, keyId), { force: true });
}
