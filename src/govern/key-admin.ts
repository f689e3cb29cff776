import { writeFileSync } from 'node:fs';
import { UserError } from '../core/index.js';
import { AuditLog, type AuditLogOptions } from './audit-log.js';
import { ensurePrivateDir, governPaths, hasPrivateKey, isInitialised, loadSigner, removePrivateKey, writePrivateKey } from './data-dir.js';
import { generateKey, type KeyRole, keyChangeStatement, type PublicKeyEntry, type Signer, type TrustAnchors } from './keys.js';
import { GovernStore } from './store.js';

export interface InitResult {
  dir: string;
  controllerKeyId: string;
  operatorKeyId: string;
  /** True when the directory already existed and only the operator was enrolled. */
  enrolled: boolean;
}

function keyRecord(kind: string, body: unknown, by: Signer): unknown {
  return { body, authorizedBy: by.keyId, sig: by.sign(keyChangeStatement(kind, body)) };
}

/**
 * Create the data directory (0700) with a controller key (signs the log) and a key for `operator`
 * (signs decisions), or, if it exists, enrol `operator`. Every key change is a signed log record.
 */
export function initKeys(dir: string, operator = 'operator', options: AuditLogOptions = {}): InitResult {
  if (operator === 'controller') throw new UserError('--operator: "controller" is reserved for the controller key');
  const paths = governPaths(dir);
  if (isInitialised(dir)) {
    const store = GovernStore.open(dir, options);
    const existing = store.state.registry.activeFor(operator, 'operator');
    if (existing) throw new UserError(`operator ${operator} already has active key ${existing.keyId}; use \`peerwatch keys rotate\``);
    const key = enrolKey(store, operator, 'operator');
    const controller = store.log.signerKeyId;
    return { dir, controllerKeyId: controller, operatorKeyId: key.keyId, enrolled: true };
  }
  ensurePrivateDir(dir);
  ensurePrivateDir(paths.keys);
  const controller = generateKey('controller', 'controller');
  writePrivateKey(paths, controller.entry.keyId, controller.privateKeyPem);
  const anchors: TrustAnchors = { v: 1, keys: [controller.entry] };
  writeFileSync(paths.trust, `${JSON.stringify(anchors, null, 2)}\n`, { flag: 'wx', mode: 0o644 });
  const signer = loadSigner(paths, controller.entry.keyId);
  const log = AuditLog.create(paths.log, signer, options);
  const op = generateKey(operator, 'operator');
  writePrivateKey(paths, op.entry.keyId, op.privateKeyPem);
  log.transaction((append) => {
    append('key.added', keyRecord('key.added', { key: controller.entry }, signer));
    append('key.added', keyRecord('key.added', { key: op.entry }, signer));
  });
  return { dir, controllerKeyId: controller.entry.keyId, operatorKeyId: op.entry.keyId, enrolled: false };
}

function enrolKey(store: GovernStore, holder: string, role: KeyRole): PublicKeyEntry {
  const key = generateKey(holder, role);
  writePrivateKey(store.paths, key.entry.keyId, key.privateKeyPem);
  commitKeyChange(store, 'key.added', { key: key.entry });
  return key.entry;
}

/**
 * Append one key record, checked first against a copy of the registry so an invalid change never
 * reaches the log. `nextSigner` takes over heads and checkpoints before the record lands, because the
 * record itself may retire the current controller key.
 */
function commitKeyChange(store: GovernStore, kind: string, body: unknown, nextSigner?: Signer): void {
  const authority = loadSigner(store.paths, store.log.signerKeyId);
  const payload = keyRecord(kind, body, authority);
  store.log.transaction((append) => {
    try {
      store.state.registry.clone().apply(kind, payload, store.log.size);
    } catch (err) {
      throw new UserError(`${kind}: ${(err as Error).message}`);
    }
    if (nextSigner) store.log.useSigner(nextSigner);
    append(kind, payload);
  });
}

/** Replace `holder`'s active key with a fresh one; the old key can no longer sign anything new. */
export function rotateKey(store: GovernStore, holder: string): { oldKeyId: string; newKeyId: string } {
  const role: KeyRole = holder === 'controller' ? 'controller' : 'operator';
  const old = store.state.registry.activeFor(holder, role);
  if (!old) throw new UserError(`${holder} has no active ${role} key to rotate`);
  const fresh = generateKey(holder, role);
  writePrivateKey(store.paths, fresh.entry.keyId, fresh.privateKeyPem);
  const next = role === 'controller' ? loadSigner(store.paths, fresh.entry.keyId) : undefined;
  commitKeyChange(store, 'key.rotated', { oldKeyId: old.keyId, key: fresh.entry }, next);
  removePrivateKey(store.paths, old.keyId);
  return { oldKeyId: old.keyId, newKeyId: fresh.entry.keyId };
}

/**
 * Revoke a key, active or already rotated out: decisions it signs from now on are rejected; those
 * logged before stay valid.
 */
export function revokeKey(store: GovernStore, keyId: string, reason: string): void {
  const known = store.state.registry.get(keyId);
  if (!known) throw new UserError(`unknown key ${keyId}`);
  if (known.status === 'revoked') throw new UserError(`key ${keyId} is already revoked`);
  let next: Signer | undefined;
  if (keyId === store.log.signerKeyId) {
    const other = store.state.registry
      .list()
      .find(
        (e) =>
          e.status === 'active' && e.entry.role === 'controller' && e.entry.keyId !== keyId && hasPrivateKey(store.paths, e.entry.keyId),
      );
    if (!other) throw new UserError(`cannot revoke ${keyId}: it is the only controller key this directory can sign with`);
    next = loadSigner(store.paths, other.entry.keyId);
  }
  commitKeyChange(store, 'key.revoked', { keyId, reason }, next);
  removePrivateKey(store.paths, keyId);
}
