import { UserError } from '../core/index.js';
import { AuditLog, type AuditLogOptions } from './audit-log.js';
import { type GovernPaths, governPaths, hasPrivateKey, isInitialised, loadSigner, loadTrust } from './data-dir.js';
import { withFileLock } from './file-lock.js';
import type { Signer } from './keys.js';
import { LogChecker } from './log-checker.js';
import type { GovernState } from './state.js';
import { verifyLog } from './verify-log.js';

/**
 * An opened data directory: the verified log, the state folded from it and the controller's signer.
 * A log that does not verify is refused, and every record read later (another process's appends)
 * passes the same checks plus the signed head before it can change state: fail closed, never act.
 */
export class GovernStore {
  private constructor(
    readonly paths: GovernPaths,
    readonly log: AuditLog,
    private readonly checker: LogChecker,
  ) {}

  get state(): GovernState {
    return this.checker.state;
  }

  static open(dir: string, options: AuditLogOptions = {}): GovernStore {
    if (!isInitialised(dir)) throw new UserError(`${dir}: no governance data here; run \`peerwatch keys init\` first`);
    const paths = governPaths(dir);
    const trust = loadTrust(paths.trust);
    return withFileLock(`${paths.log}.lock`, () => {
      const verdict = verifyLog(paths.log, trust);
      if (!verdict.ok) throw new UserError(`${paths.log}: record ${verdict.index}: ${verdict.reason}`);
      const checker = new LogChecker(trust);
      const log = AuditLog.open(paths.log, controllerSigner(paths, verdict.state), options);
      // Same bytes as just verified (same final hash, read under the same lock): fold without re-checking.
      if (log.lastHash !== verdict.hash) throw new Error(`${paths.log} changed while it was being opened`);
      let replaying = true;
      log.onRecord((r, own) => {
        const reason = checker.admit(r, own || replaying);
        if (reason) throw new Error(`${paths.log}: record ${r.index}: ${reason}`);
      });
      replaying = false;
      log.onCatchUp(() => {
        const head = log.readHead();
        const fault = head ? checker.checkHead(head) : { index: log.size, reason: 'head file missing' };
        if (fault) throw new Error(`${paths.log}: record ${fault.index}: ${fault.reason}`);
      });
      return new GovernStore(paths, log, checker);
    });
  }

  /** The private key of `holder`'s active operator key, from this data directory. */
  operatorSigner(holder: string): Signer {
    const key = this.state.registry.activeFor(holder, 'operator');
    if (!key) throw new UserError(`operator ${holder} has no active key; run \`peerwatch keys init --operator ${holder}\``);
    if (!hasPrivateKey(this.paths, key.keyId))
      throw new UserError(`the private key of ${key.keyId} (${holder}) is not in ${this.paths.keys}`);
    return loadSigner(this.paths, key.keyId);
  }
}

export function controllerSigner(paths: GovernPaths, state: GovernState): Signer {
  const key = state.registry
    .list()
    .find((e) => e.status === 'active' && e.entry.role === 'controller' && hasPrivateKey(paths, e.entry.keyId));
  if (!key) throw new UserError(`${paths.keys}: no private key for an active controller key`);
  return loadSigner(paths, key.entry.keyId);
}
