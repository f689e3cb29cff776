import type { PoolClient } from 'pg';

/**
 * The PostgreSQL schema: the same tables, keys and checks as the SQLite store's latest schema
 * (migrations.ts), written fresh rather than replayed step by step, since no PostgreSQL store predates it.
 * Text that is sorted or compared by range uses the "C" collation, so PostgreSQL orders ids, models and
 * flags by code point exactly as SQLite does: reports list rows in the same order on both engines.
 */
export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

const C = 'TEXT COLLATE "C"';

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 6,
    description: 'runs, rollouts keyed by an insertion-ordered integer, transcripts, findings, model calls, run links, response cache',
    sql: `
      CREATE TABLE runs (
        seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id ${C} PRIMARY KEY,
        created_at ${C} NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('calibration', 'measurement', 'imported')),
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        spec TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE rollouts (
        key BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id ${C} NOT NULL UNIQUE,
        run_id ${C} NOT NULL REFERENCES runs(id),
        model ${C} NOT NULL,
        scenario ${C} NOT NULL,
        scenario_version TEXT NOT NULL,
        condition TEXT NOT NULL,
        condition_key ${C} NOT NULL,
        epoch INTEGER NOT NULL,
        seed BIGINT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('completed', 'error')),
        end_reason TEXT,
        error TEXT,
        temperature DOUBLE PRECISION,
        turns INTEGER NOT NULL,
        input_tokens BIGINT,
        output_tokens BIGINT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        transcript_digest TEXT NOT NULL
      );
      CREATE TABLE transcripts (
        rollout_key BIGINT PRIMARY KEY REFERENCES rollouts(key),
        events TEXT NOT NULL
      );
      CREATE TABLE findings (
        rollout_key BIGINT NOT NULL REFERENCES rollouts(key),
        flag ${C} NOT NULL,
        ord INTEGER NOT NULL,
        value TEXT NOT NULL CHECK (value IN ('true', 'false', 'unscored')),
        evidence TEXT NOT NULL,
        events TEXT NOT NULL,
        detail TEXT,
        PRIMARY KEY (rollout_key, flag)
      );
      CREATE TABLE model_calls (
        rollout_key BIGINT NOT NULL REFERENCES rollouts(key),
        ord INTEGER NOT NULL,
        attempts INTEGER NOT NULL CHECK (attempts >= 1),
        ok SMALLINT NOT NULL CHECK (ok IN (0, 1)),
        cached SMALLINT NOT NULL CHECK (cached IN (0, 1)),
        input_tokens BIGINT,
        output_tokens BIGINT,
        reasoning_tokens BIGINT,
        cost_usd DOUBLE PRECISION,
        error TEXT,
        PRIMARY KEY (rollout_key, ord)
      );
      CREATE TABLE run_rollouts (
        run_id ${C} NOT NULL REFERENCES runs(id),
        rollout_key BIGINT NOT NULL REFERENCES rollouts(key),
        PRIMARY KEY (run_id, rollout_key)
      );
      CREATE TABLE response_cache (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT NOT NULL
      );`,
  },
  {
    version: 7,
    description: "follow-up interviews: each one a row beside its rollout (the rollout's own rows never change)",
    sql: `
      CREATE TABLE interviews (
        rollout_key BIGINT NOT NULL REFERENCES rollouts(key),
        ord INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (rollout_key, ord)
      );`,
  },
  {
    version: 8,
    description: 'harness rollouts: the agent harness and its version per rollout; null for native runs',
    sql: `
      ALTER TABLE rollouts ADD COLUMN harness TEXT;
      ALTER TABLE rollouts ADD COLUMN harness_version TEXT;`,
  },
];

/** The schema version this code writes and reads (the same number as the SQLite schema it mirrors). */
export const PG_SCHEMA_VERSION: number = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;

/** Our version table; its presence is what marks a database as a peerwatch store. */
const VERSION_TABLE = 'peerwatch_schema_version';

/** Any fixed 64-bit number: every peerwatch process migrating the same database takes this one lock. */
const MIGRATION_LOCK = 7_081_993_421;

/** Why a database is refused: not ours, or newer than this code. Thrown as a one-line user error by the caller. */
export class SchemaRefusal extends Error {}

/** The applied version: 0 for an empty database; refuses a database that has our tables but not our version table. */
export async function currentPgVersion(client: PoolClient): Promise<number> {
  const tables = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ($1, 'runs', 'rollouts')`,
    [VERSION_TABLE],
  );
  const names = new Set(tables.rows.map((r) => r.name));
  if (!names.has(VERSION_TABLE)) {
    if (names.size > 0) throw new SchemaRefusal('has tables named runs/rollouts but is not a peerwatch store; refusing to modify it');
    return 0;
  }
  const v = await client.query<{ v: number | null }>(`SELECT MAX(version)::int AS v FROM ${VERSION_TABLE}`);
  return v.rows[0]?.v ?? 0;
}

/**
 * Brings the schema up to date in one transaction under an advisory lock, so any number of workers
 * opening a fresh database at once migrate it exactly once; the others wait, then find it current.
 */
export async function migratePg(client: PoolClient): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const from = await currentPgVersion(client);
    if (from > PG_SCHEMA_VERSION) {
      throw new SchemaRefusal(`schema version ${from} is newer than this peerwatch understands (${PG_SCHEMA_VERSION}); upgrade peerwatch`);
    }
    if (from === 0) {
      await client.query(
        `CREATE TABLE ${VERSION_TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
    }
    for (const m of PG_MIGRATIONS) {
      if (m.version <= from) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${VERSION_TABLE} (version, description, applied_at) VALUES ($1, $2, $3)`, [
        m.version,
        m.description,
        new Date().toISOString(),
      ]);
    }
    await client.query('COMMIT');
    return PG_SCHEMA_VERSION;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
