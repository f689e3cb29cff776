import { type MessagePort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { migratePg, PG_SCHEMA_VERSION, currentPgVersion, SchemaRefusal } from './schema.js';
import type { PgError, PgReply, PgRequest, Statement, WriteGroup, WriteResult } from './protocol.js';

/**
 * The thread that owns the PostgreSQL connection (see sync-client.ts): it runs each request the store
 * sends, in order, and wakes the waiting store thread with the reply.
 */
const { port, flag } = workerData as { port: MessagePort; flag: SharedArrayBuffer };
const signal = new Int32Array(flag);

let pool: pg.Pool | null = null;

// bigint columns (keys, token counts, COUNT and SUM results) come back as numbers, as SQLite returns them;
// every value the store keeps is far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

port.on('message', (req: PgRequest) => {
  handle(req).then(
    (value) => reply({ ok: true, value }),
    (e) => reply({ ok: false, error: errorOf(e) }),
  );
});

function reply(r: PgReply): void {
  port.postMessage(r);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

async function handle(req: PgRequest): Promise<unknown> {
  switch (req.op) {
    case 'open':
      return open(req.url, req.readOnly);
    case 'query':
      return withClient(async (c) => (await c.query(req.sql, req.params)).rows);
    case 'read':
      return withClient(async (c) => {
        // One snapshot for several reads (a running run's aggregates must agree with each other).
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          const out: unknown[][] = [];
          for (const q of req.queries) out.push((await c.query(q.sql, q.params)).rows);
          await c.query('COMMIT');
          return out;
        } catch (e) {
          await c.query('ROLLBACK').catch(() => {});
          throw e;
        }
      });
    case 'write':
      return withClient((c) => write(c, req.groups));
    case 'close': {
      const p = pool;
      pool = null;
      await p?.end();
      return null;
    }
  }
}

async function open(url: string, readOnly: boolean): Promise<number> {
  pool = new pg.Pool({
    connectionString: url,
    max: 1,
    types,
    // A read-only store (the viewer) is refused every write by the server itself.
    options: readOnly ? '-c default_transaction_read_only=on' : undefined,
    connectionTimeoutMillis: 15_000,
  });
  // A connection that drops while idle is replaced at the next request; that request reports it if the server stays away.
  pool.on('error', () => {});
  return withClient(async (c) => {
    if (!readOnly) return migratePg(c);
    const version = await currentPgVersion(c);
    if (version !== PG_SCHEMA_VERSION)
      throw new SchemaRefusal(
        version === 0
          ? 'holds no peerwatch store yet; create one with: peerwatch run --db <this url>'
          : `schema ${version}, this peerwatch reads ${PG_SCHEMA_VERSION}; open it once with 'peerwatch runs --db <this url>' to upgrade it`,
      );
    return version;
  });
}

async function withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  if (!pool) throw new Error('the PostgreSQL store is closed');
  const client = await pool.connect();
  try {
    const value = await fn(client);
    client.release();
    return value;
  } catch (e) {
    // A broken connection is discarded (the pool connects anew next time); a statement error keeps it.
    client.release(isConnectionError(e) ? (e as Error) : undefined);
    throw e;
  }
}

/**
 * One transaction of groups. A group with `onDuplicate` runs under a savepoint: if its first statement
 * hits the rollouts' unique id (stored meanwhile by another process), the group is undone and its
 * `onDuplicate` statements run instead; any other failure undoes the whole transaction.
 */
async function write(c: pg.PoolClient, groups: WriteGroup[]): Promise<WriteResult[]> {
  await c.query('BEGIN');
  try {
    const results: WriteResult[] = [];
    for (const g of groups) {
      if (!g.onDuplicate) {
        results.push({ duplicate: false, rowCounts: await runAll(c, g.statements) });
        continue;
      }
      await c.query('SAVEPOINT item');
      try {
        const rowCounts = await runAll(c, g.statements);
        await c.query('RELEASE SAVEPOINT item');
        results.push({ duplicate: false, rowCounts });
      } catch (e) {
        if (!isDuplicateRollout(e)) throw e;
        await c.query('ROLLBACK TO SAVEPOINT item');
        results.push({ duplicate: true, rowCounts: await runAll(c, g.onDuplicate) });
      }
    }
    await c.query('COMMIT');
    return results;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

async function runAll(c: pg.PoolClient, statements: Statement[]): Promise<number[]> {
  const counts: number[] = [];
  for (const s of statements) counts.push((await c.query(s.sql, s.params)).rowCount ?? 0);
  return counts;
}

function isDuplicateRollout(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string };
  return err.code === '23505' && err.constraint === 'rollouts_id_key';
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  // Class 08 (connection exception), 57P0x (admin shutdown, crash), or a socket error.
  return typeof code !== 'string' || code.startsWith('08') || code.startsWith('57P') || code.startsWith('E');
}

function errorOf(e: unknown): PgError {
  const err = e as { message?: unknown; code?: unknown; constraint?: unknown };
  return {
    message: typeof err?.message === 'string' ? err.message : String(e),
    code: typeof err?.code === 'string' ? err.code : null,
    constraint: typeof err?.constraint === 'string' ? err.constraint : null,
    refusal: e instanceof SchemaRefusal,
  };
}
