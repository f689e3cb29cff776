import type Database from 'better-sqlite3';
import type { Store } from './types.js';

/** A store whose saves can share commits (see {@link CommitBatch}). */
export interface BatchingStore {
  /**
   * From now on saves share commits: the first save opens a write transaction, which commits `windowMs`
   * later, or sooner when it holds {@link MAX_BATCH} saves, or when another write (a run's start or
   * end) or `close` comes. Each save is still all-or-nothing (a savepoint), and a failing one leaves the
   * others in place. 0 commits what is pending and goes back to one commit per save.
   *
   * A crash loses the saves of the open batch (at most `windowMs` of them); a resumed run redoes them.
   */
  batchCommits(windowMs: number): void;
}

export function hasBatchingStore(store: Store): store is Store & BatchingStore {
  return typeof (store as Partial<BatchingStore>).batchCommits === 'function';
}

/** Saves per commit at most, so one commit never grows large. */
export const MAX_BATCH = 16;

/**
 * Shared commits for a SQLite connection. A commit writes every page the transaction changed to the
 * WAL; one per rollout rewrote the same index and table pages rollout after rollout, which was the
 * largest part of a save's cost.
 */
export class CommitBatch {
  private windowMs = 0;
  private pending = 0;
  private timer: NodeJS.Timeout | null = null;
  /** A commit the timer could not make: the next call reports it. */
  private failure: Error | null = null;
  private readonly begin;
  private readonly commitStatement;
  private readonly rollback;

  constructor(
    private readonly db: Database.Database,
    private readonly where: string,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStatement = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  configure(windowMs: number): void {
    if (!Number.isFinite(windowMs) || windowMs < 0)
      throw new RangeError(`commit window must be a non-negative number of ms (got ${windowMs})`);
    try {
      this.commit();
    } finally {
      this.windowMs = windowMs;
    }
  }

  /**
   * Runs one save: `alone` (its own IMMEDIATE transaction) when batching is off, else `inBatch` (a
   * transaction function, which better-sqlite3 runs as a savepoint inside the open transaction).
   */
  save(alone: () => void, inBatch: () => void): void {
    this.throwFailure();
    if (this.windowMs === 0) {
      alone();
      return;
    }
    if (this.pending === 0) {
      this.begin.run();
      this.timer = setTimeout(() => this.commitFromTimer(), this.windowMs);
      this.timer.unref();
    }
    try {
      inBatch();
    } catch (e) {
      // A savepoint rolled back leaves the batch open; some errors (I/O, full disk) end the whole transaction.
      if (!this.db.inTransaction) {
        const lost = this.pending;
        this.clear();
        if (lost > 0) throw this.lostError(lost, e);
      } else if (this.pending === 0) {
        this.rollback.run();
        this.clear();
      }
      throw e;
    }
    this.pending++;
    if (this.pending >= MAX_BATCH) this.commit();
  }

  /** Commits the open batch, if any. */
  commit(): void {
    this.throwFailure();
    if (this.pending === 0) return;
    const n = this.pending;
    this.clear();
    if (!this.db.inTransaction) throw this.lostError(n, new Error('the transaction ended before its commit'));
    try {
      this.commitStatement.run();
    } catch (e) {
      if (this.db.inTransaction) this.rollback.run();
      throw this.lostError(n, e);
    }
  }

  private commitFromTimer(): void {
    try {
      this.commit();
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
    }
  }

  private throwFailure(): void {
    const f = this.failure;
    if (f === null) return;
    this.failure = null;
    throw f;
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = 0;
  }

  private lostError(n: number, cause: unknown): Error {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new Error(`${this.where}: ${n} saved rollout(s) could not be committed (${why}); resuming the run redoes them`, { cause });
  }
}
