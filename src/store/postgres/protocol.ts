/** Messages between the store thread and the PostgreSQL thread (worker.ts); all structured-clonable. */

export interface Statement {
  sql: string;
  params?: unknown[];
}

/** Statements that succeed or fail together inside a transaction (see worker.ts `write`). */
export interface WriteGroup {
  statements: Statement[];
  /** Run instead when the group's rollout is already stored; without it a duplicate fails the transaction. */
  onDuplicate?: Statement[];
}

export interface WriteResult {
  duplicate: boolean;
  /** Rows each statement changed (of `onDuplicate` when `duplicate`). */
  rowCounts: number[];
}

export type PgRequest =
  | { op: 'open'; url: string; readOnly: boolean }
  | { op: 'query'; sql: string; params?: unknown[] }
  | { op: 'read'; queries: Statement[] }
  | { op: 'write'; groups: WriteGroup[] }
  | { op: 'close' };

export interface PgError {
  message: string;
  /** SQLSTATE or a Node socket error code. */
  code: string | null;
  constraint: string | null;
  /** The database is not ours or too new (schema.ts SchemaRefusal). */
  refusal: boolean;
}

export type PgReply = { ok: true; value: unknown } | { ok: false; error: PgError };
