import type Database from 'better-sqlite3';

/** Rows per statement: 32 rows x 10 columns stays far below SQLite's 32,766 bound parameters. */
const CHUNK = 32;

/**
 * Inserts many rows with one multi-row `INSERT ... VALUES (...), (...)` per chunk instead of one
 * statement per row: a rollout writes tens of events and findings, and per-statement overhead (bind,
 * step, reset, crossing into native code) was most of the save's CPU. One prepared statement per row
 * count, made on first use.
 */
export class MultiInsert {
  private readonly byCount = new Map<number, Database.Statement<unknown[]>>();
  private readonly row: string;

  constructor(
    private readonly db: Database.Database,
    /** e.g. `INSERT INTO findings (rollout_key, flag, ord, value, evidence, events, detail)` */
    private readonly head: string,
    width: number,
  ) {
    this.row = `(${new Array(width).fill('?').join(', ')})`;
  }

  /** Each row's values in column order. */
  run(rows: ReadonlyArray<readonly unknown[]>): void {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      this.statement(part.length).run(part.flat());
    }
  }

  private statement(count: number): Database.Statement<unknown[]> {
    let s = this.byCount.get(count);
    if (!s) {
      s = this.db.prepare<unknown[]>(`${this.head} VALUES ${new Array(count).fill(this.row).join(', ')}`);
      this.byCount.set(count, s);
    }
    return s;
  }
}
