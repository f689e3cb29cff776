import { existsSync } from 'node:fs';
import { UserError } from '../core/index.js';
import { AuditLog, type AuditLogOptions, REOPEN_HINT } from './audit-log.js';
import { type GovernPaths, governPaths, hasPrivateKey, isInitialised, loadSigner, loadTrust } from './data-dir.js';
import { headPathFor } from './checkpoint.js';
import { withFileLock } from './file-lock.js';
import type { Signer, TrustAnchors } from './keys.js';
import { LogChecker } from './log-checker.js';
import type { GovernState } from './state.js';
import { cutInterruptedWrite, journalNotes, removeJournal, unrecordedNotes } from './recovery.js';
import { type VerifyResult, verifyLog } from './verify-log.js';

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

  /**
   * Open (and recover, if a crash interrupted a write). `adoptUnsignedTail`: the operator has looked
   * at the valid records after the newest signed head (left by a crash of a peerwatch version that
   * wrote records before the head) and vouches for them: they are signed over and logged as adopted.
   */
  static open(dir: string, options: AuditLogOptions = {}, recovery: { adoptUnsignedTail?: boolean } = {}): GovernStore {
    if (!isInitialised(dir)) throw new UserError(`${dir}: no governance data here; run \`peerwatch keys init\` first`);
    const paths = governPaths(dir);
    const trust = loadTrust(paths.trust);
    if (!existsSync(paths.log)) throw new UserError(missingLogMessage(paths));
    return withFileLock(`${paths.log}.lock`, () => {
      const found = verifyOrRecover(paths, trust, options);
      const adopting = recovery.adoptUnsignedTail && !found.ok && found.unsignedTail ? found.unsignedTail : undefined;
      const verdict = adopting ? verifyLog(paths.log, trust, { acceptUnsignedTail: true }) : found;
      if (!verdict.ok) {
        const hint = !verdict.ok && verdict.unsignedTail ? ADOPT_HINT : '';
        throw new UserError(`${paths.log}: record ${verdict.index}: ${verdict.reason}${hint}`);
      }
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
        const ahead = head !== undefined && head.size > log.size ? REOPEN_HINT : '';
        if (fault) throw new Error(`${paths.log}: record ${fault.index}: ${fault.reason}${ahead}`);
      });
      // Re-sign the records that stay over the unfinished write's head, then log what was lost.
      if (verdict.interrupted) log.resignHead(verdict.interrupted.intentSlot);
      const pending = journalNotes(paths.log);
      const notes = unrecordedNotes(pending, log.records());
      if (notes.length > 0) {
        log.transaction(
          (append) => {
            for (const n of notes) append('log.recovered', n);
          },
          { lockHeld: true },
        );
      }
      if (pending.length > 0) removeJournal(paths.log);
      if (adopting) {
        // Sign over the tail into the slot that does not hold the last genuine head, then say so.
        log.resignHead(1 - adopting.headSlot);
        const adopted = log.records().slice(adopting.from, adopting.to + 1);
        log.transaction(
          (append) => {
            append('log.tail_adopted', {
              from: adopting.from,
              to: adopting.to,
              hashes: adopted.map((r) => r.hash),
              reason: 'records after the signed head adopted by the operator (audit adopt-tail)',
            });
          },
          { lockHeld: true },
        );
      }
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

/**
 * Verify the log; if a crash interrupted a write (a signed head ahead of the records), note what is
 * cut in the recovery journal, cut the unfinished write off and verify what stays. A tampered log is
 * never "recovered": it is refused as before.
 */
function verifyOrRecover(paths: GovernPaths, trust: TrustAnchors, options: AuditLogOptions): VerifyResult {
  const verdict = verifyLog(paths.log, trust);
  if (verdict.ok || verdict.cause !== 'interrupted' || !verdict.interrupted) return verdict;
  cutInterruptedWrite(paths.log, verdict.interrupted, (options.now ?? (() => new Date()))(), options.fsync);
  return verifyLog(paths.log, trust, { acceptInterrupted: true });
}

const ADOPT_HINT =
  '. If a crash of a peerwatch version that wrote records before the head left them, look at them ' +
  '(`peerwatch audit adopt-tail --dir DIR`) and adopt them with `--yes`; if nobody wrote them, they are forged';

function missingLogMessage(paths: GovernPaths): string {
  const head = existsSync(headPathFor(paths.log)) ? ' (its signed head is still there)' : '';
  return (
    `${paths.log}: the audit log is missing${head}, though ${paths.trust} shows this directory was initialised. ` +
    'The governance history (orders, objections, decisions, key changes) is in that file: restore it from a backup. ' +
    'peerwatch will not start a new log over existing keys.'
  );
}

export function controllerSigner(paths: GovernPaths, state: GovernState): Signer {
  const key = state.registry
    .list()
    .find((e) => e.status === 'active' && e.entry.role === 'controller' && hasPrivateKey(paths, e.entry.keyId));
  if (!key) throw new UserError(`${paths.keys}: no private key for an active controller key`);
  return loadSigner(paths, key.entry.keyId);
}
