import type Database from 'better-sqlite3';

/** Saves per commit at most, so one commit never grows large. */
export const MAX_BATCH = 16;

/**
 * Shared commits for a SQLite connection. A commit writes every page the transaction changed to the
 * WAL; one per rollout rewrote the same index and table pages rollout after rollout, which was the
 * largest part of a save's cost.
 *
 * Saves wait in memory and are written together, in one short IMMEDIATE transaction, when the batch
 * commits: the write lock is held for milliseconds, never for the whole window, so another process
 * writing to the same store is not held up. The store checks what it can when a save is queued
 * (validity, duplicates, the run) and commits the batch before any read, so reads see every save.
 */
export class CommitBatch {
  private windowMs = 0;
  private queue: Array<{ id: string; write: () => void }> = [];
  private readonly queued = new Set<string>();
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

  get batching(): boolean {
    return this.windowMs > 0;
  }

  /** Whether a save of this rollout id waits in the batch. */
  has(id: string): boolean {
    return this.queued.has(id);
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
   * Queues one save (batching must be on). `write` runs when the batch commits, inside its transaction;
   * it is a better-sqlite3 transaction function, so it runs as a savepoint and a failing one undoes
   * only itself before the error ends the whole commit.
   */
  save(id: string, write: () => void): void {
    this.throwFailure();
    if (this.queue.length === 0) {
      this.timer = setTimeout(() => this.commitFromTimer(), this.windowMs);
      this.timer.unref();
    }
    this.queue.push({ id, write });
    this.queued.add(id);
    if (this.queue.length >= MAX_BATCH) this.commit();
  }

  /** Writes and commits the waiting saves, if any; if that fails, none of them is stored. */
  commit(): void {
    this.throwFailure();
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.queued.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.begin.run();
      for (const item of items) item.write();
      this.commitStatement.run();
    } catch (e) {
      if (this.db.inTransaction) this.rollback.run();
      throw this.lostError(items.length, e);
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

  private lostError(n: number, cause: unknown): Error {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new Error(`${this.where}: ${n} saved rollout(s) could not be committed (${why}); resuming the run redoes them`, { cause });
  }
}
