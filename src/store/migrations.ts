import type Database from 'better-sqlite3';
import { UserError } from '../core/index.js';

/** One schema step. `up` runs inside the transaction that also records the new version. */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/**
 * Marks a SQLite file as ours (`PRAGMA application_id`, in the file header) so a foreign database
 * is refused instead of having our tables added to it. Bytes spell "PeeR".
 */
export const APPLICATION_ID = 0x50656552;

/** Ordered, append-only: never edit a released migration; add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, rollouts, events, findings',
    up(db) {
      db.exec(`
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          created_at TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('calibration', 'measurement', 'imported')),
          status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
          spec TEXT NOT NULL,
          tool_version TEXT NOT NULL,
          finished_at TEXT
        ) STRICT;

        CREATE TABLE rollouts (
          id TEXT PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES runs(id),
          model TEXT NOT NULL,
          scenario TEXT NOT NULL,
          scenario_version TEXT NOT NULL,
          condition TEXT NOT NULL,
          condition_key TEXT NOT NULL,
          epoch INTEGER NOT NULL,
          seed INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('completed', 'error')),
          end_reason TEXT,
          error TEXT,
          temperature REAL,
          turns INTEGER NOT NULL,
          input_tokens INTEGER,
          output_tokens INTEGER,
          started_at TEXT NOT NULL,
          finished_at TEXT NOT NULL,
          transcript_digest TEXT NOT NULL
        ) STRICT;
        CREATE INDEX rollouts_run_id ON rollouts(run_id);
        CREATE INDEX rollouts_scenario ON rollouts(scenario);
        CREATE INDEX rollouts_model ON rollouts(model);

        CREATE TABLE events (
          rollout_id TEXT NOT NULL REFERENCES rollouts(id),
          seq INTEGER NOT NULL,
          type TEXT NOT NULL,
          json TEXT NOT NULL,
          PRIMARY KEY (rollout_id, seq)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE findings (
          rollout_id TEXT NOT NULL REFERENCES rollouts(id),
          flag TEXT NOT NULL,
          ord INTEGER NOT NULL,
          value TEXT NOT NULL CHECK (value IN ('true', 'false', 'unscored')),
          evidence TEXT NOT NULL,
          events TEXT NOT NULL,
          detail TEXT,
          PRIMARY KEY (rollout_id, flag)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    description: 'per-call usage (attempts, tokens, cost) and the response cache',
    up(db) {
      db.exec(`
        CREATE TABLE model_calls (
          rollout_id TEXT NOT NULL REFERENCES rollouts(id),
          ord INTEGER NOT NULL,
          attempts INTEGER NOT NULL CHECK (attempts >= 1),
          ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
          cached INTEGER NOT NULL CHECK (cached IN (0, 1)),
          input_tokens INTEGER,
          output_tokens INTEGER,
          reasoning_tokens INTEGER,
          cost_usd REAL,
          error TEXT,
          PRIMARY KEY (rollout_id, ord)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE response_cache (
          key TEXT PRIMARY KEY,
          model TEXT NOT NULL,
          response TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 3,
    description: 'runs share rollouts: a rollout (one identity) is stored once and linked to every run that planned it',
    up(db) {
      db.exec(`
        CREATE TABLE run_rollouts (
          run_id TEXT NOT NULL REFERENCES runs(id),
          rollout_id TEXT NOT NULL REFERENCES rollouts(id),
          PRIMARY KEY (run_id, rollout_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX run_rollouts_rollout ON run_rollouts(rollout_id);
        INSERT INTO run_rollouts (run_id, rollout_id) SELECT run_id, id FROM rollouts;
      `);
    },
  },
  {
    version: 4,
    description:
      'events as a rowid table (their JSON, often over 1 KB, made WITHOUT ROWID inserts slow); drop the unused rollouts_run_id index',
    up(db) {
      // WITHOUT ROWID keeps whole rows in the primary-key B-tree, which SQLite advises only for small
      // rows; a rollout's tool results are larger. Same columns, key and constraints; rows copied as they are.
      db.exec(`
        CREATE TABLE events_v4 (
          rollout_id TEXT NOT NULL REFERENCES rollouts(id),
          seq INTEGER NOT NULL,
          type TEXT NOT NULL,
          json TEXT NOT NULL,
          PRIMARY KEY (rollout_id, seq)
        ) STRICT;
        INSERT INTO events_v4 (rollout_id, seq, type, json) SELECT rollout_id, seq, type, json FROM events ORDER BY rollout_id, seq;
        DROP TABLE events;
        ALTER TABLE events_v4 RENAME TO events;
        -- Unused since runs list their rollouts through run_rollouts (schema 3); one less index per save.
        DROP INDEX IF EXISTS rollouts_run_id;
      `);
    },
  },
  {
    version: 5,
    description:
      "a rollout's events as one row, the canonical JSON list its transcript digest hashes; drop the unused rollouts_scenario and rollouts_model indexes",
    up(db) {
      // Events are only ever read a whole rollout at a time, in order, and one row written per rollout
      // instead of one per event was most of a save's cost. Every rollout gets a row ('[]' when it has
      // no events). The list is the events' stored JSON joined in seq order: the same text as before.
      db.exec(`
        CREATE TABLE transcripts (
          rollout_id TEXT PRIMARY KEY REFERENCES rollouts(id),
          events TEXT NOT NULL
        ) STRICT;
        INSERT INTO transcripts (rollout_id, events)
          SELECT r.id, '[' || COALESCE((SELECT group_concat(e.json, ',' ORDER BY e.seq) FROM events e WHERE e.rollout_id = r.id), '') || ']'
          FROM rollouts r ORDER BY r.id;
        DROP TABLE events;
        -- No statement reads rollouts by scenario or model alone (runs reach their rollouts through
        -- run_rollouts): two indexes fewer to update per save.
        DROP INDEX IF EXISTS rollouts_scenario;
        DROP INDEX IF EXISTS rollouts_model;
      `);
    },
  },
  {
    version: 6,
    description:
      "a rollout's rows keyed by its insertion-ordered integer key instead of its digest id, so a save appends to every table; drop the unused run_rollouts_rollout index",
    up(db) {
      // Rollout ids are digests, so rows keyed by them landed on random B-tree pages: a save rewrote
      // about 14 pages for about 4 pages of data, and at study scale those pages stop fitting in the
      // cache. The integer key (the rowid) grows with each save, so new rows go to the last page of
      // each table. Keys follow the old rowids, so the stored order is kept; every row is copied as it is.
      db.exec(`
        CREATE TABLE rollouts_v6 (
          key INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          run_id TEXT NOT NULL REFERENCES runs(id),
          model TEXT NOT NULL,
          scenario TEXT NOT NULL,
          scenario_version TEXT NOT NULL,
          condition TEXT NOT NULL,
          condition_key TEXT NOT NULL,
          epoch INTEGER NOT NULL,
          seed INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('completed', 'error')),
          end_reason TEXT,
          error TEXT,
          temperature REAL,
          turns INTEGER NOT NULL,
          input_tokens INTEGER,
          output_tokens INTEGER,
          started_at TEXT NOT NULL,
          finished_at TEXT NOT NULL,
          transcript_digest TEXT NOT NULL
        ) STRICT;
        INSERT INTO rollouts_v6 (key, id, run_id, model, scenario, scenario_version, condition, condition_key, epoch, seed,
            status, end_reason, error, temperature, turns, input_tokens, output_tokens, started_at, finished_at, transcript_digest)
          SELECT rowid, id, run_id, model, scenario, scenario_version, condition, condition_key, epoch, seed,
            status, end_reason, error, temperature, turns, input_tokens, output_tokens, started_at, finished_at, transcript_digest
          FROM rollouts ORDER BY rowid;

        CREATE TABLE transcripts_v6 (
          rollout_key INTEGER PRIMARY KEY REFERENCES rollouts_v6(key),
          events TEXT NOT NULL
        ) STRICT;
        INSERT INTO transcripts_v6 (rollout_key, events)
          SELECT r.key, t.events FROM transcripts t JOIN rollouts_v6 r ON r.id = t.rollout_id ORDER BY r.key;

        CREATE TABLE findings_v6 (
          rollout_key INTEGER NOT NULL REFERENCES rollouts_v6(key),
          flag TEXT NOT NULL,
          ord INTEGER NOT NULL,
          value TEXT NOT NULL CHECK (value IN ('true', 'false', 'unscored')),
          evidence TEXT NOT NULL,
          events TEXT NOT NULL,
          detail TEXT,
          PRIMARY KEY (rollout_key, flag)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO findings_v6 (rollout_key, flag, ord, value, evidence, events, detail)
          SELECT r.key, f.flag, f.ord, f.value, f.evidence, f.events, f.detail
          FROM findings f JOIN rollouts_v6 r ON r.id = f.rollout_id ORDER BY r.key, f.flag;

        CREATE TABLE model_calls_v6 (
          rollout_key INTEGER NOT NULL REFERENCES rollouts_v6(key),
          ord INTEGER NOT NULL,
          attempts INTEGER NOT NULL CHECK (attempts >= 1),
          ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
          cached INTEGER NOT NULL CHECK (cached IN (0, 1)),
          input_tokens INTEGER,
          output_tokens INTEGER,
          reasoning_tokens INTEGER,
          cost_usd REAL,
          error TEXT,
          PRIMARY KEY (rollout_key, ord)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO model_calls_v6 (rollout_key, ord, attempts, ok, cached, input_tokens, output_tokens, reasoning_tokens, cost_usd, error)
          SELECT r.key, c.ord, c.attempts, c.ok, c.cached, c.input_tokens, c.output_tokens, c.reasoning_tokens, c.cost_usd, c.error
          FROM model_calls c JOIN rollouts_v6 r ON r.id = c.rollout_id ORDER BY r.key, c.ord;

        CREATE TABLE run_rollouts_v6 (
          run_id TEXT NOT NULL REFERENCES runs(id),
          rollout_key INTEGER NOT NULL REFERENCES rollouts_v6(key),
          PRIMARY KEY (run_id, rollout_key)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO run_rollouts_v6 (run_id, rollout_key)
          SELECT l.run_id, r.key FROM run_rollouts l JOIN rollouts_v6 r ON r.id = l.rollout_id ORDER BY l.run_id, r.key;
      `);
      // The joins drop a row whose rollout is missing; foreign keys rule that out, but a lost row must not pass silently.
      for (const table of ['rollouts', 'transcripts', 'findings', 'model_calls', 'run_rollouts']) {
        const count = (name: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get() as { n: number }).n;
        const before = count(table);
        const after = count(`${table}_v6`);
        if (before !== after) {
          throw new UserError(
            `${db.name}: schema 6: ${table} has ${before} rows but only ${after} belong to a stored rollout; nothing was changed (PRAGMA foreign_key_check lists the strays)`,
          );
        }
      }
      db.exec(`
        -- Children first: dropping a table deletes its rows, which foreign keys check.
        DROP TABLE run_rollouts;
        DROP TABLE model_calls;
        DROP TABLE findings;
        DROP TABLE transcripts;
        DROP TABLE rollouts;
        -- Renaming the parent rewrites the children's references to it.
        ALTER TABLE rollouts_v6 RENAME TO rollouts;
        ALTER TABLE transcripts_v6 RENAME TO transcripts;
        ALTER TABLE findings_v6 RENAME TO findings;
        ALTER TABLE model_calls_v6 RENAME TO model_calls;
        ALTER TABLE run_rollouts_v6 RENAME TO run_rollouts;
      `);
      // No run_rollouts index by rollout: nothing reads links by rollout alone, and rollouts are never deleted.
    },
  },
  {
    version: 7,
    description: "follow-up interviews: each one a row beside its rollout (the rollout's own rows never change)",
    up(db) {
      // Append-only like the rest: a rollout may be interviewed more than once (another model, another
      // question set); `ord` numbers its interviews in the order they were stored.
      db.exec(`
        CREATE TABLE interviews (
          rollout_key INTEGER NOT NULL REFERENCES rollouts(key),
          ord INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          record TEXT NOT NULL,
          PRIMARY KEY (rollout_key, ord)
        ) STRICT;
      `);
    },
  },
  {
    version: 8,
    description: 'harness rollouts: the agent harness (codex, claude-code, command, ...) and its version per rollout; null for native runs',
    up(db) {
      db.exec(`
        ALTER TABLE rollouts ADD COLUMN harness TEXT;
        ALTER TABLE rollouts ADD COLUMN harness_version TEXT;
      `);
    },
  },
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

const VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`;

/** The highest applied version, 0 for a database with no version table yet. */
export function currentVersion(db: Database.Database): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Brings the schema up to the last of `migrations`, all pending steps in one IMMEDIATE transaction
 * (so two processes opening a fresh file cannot both migrate, and a failing step leaves nothing
 * behind). Refuses a database written by a newer peerwatch rather than guess at its schema.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  assertOrdered(migrations);
  const target = migrations[migrations.length - 1]?.version ?? 0;
  const run = db.transaction(() => {
    db.exec(VERSION_TABLE);
    const from = currentVersion(db);
    if (from > target) {
      throw new UserError(`${db.name}: schema version ${from} is newer than this peerwatch understands (${target}); upgrade peerwatch`);
    }
    const record = db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (m.version <= from) continue;
      m.up(db);
      record.run(m.version, m.description, new Date().toISOString());
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
    return currentVersion(db);
  });
  return run.immediate();
}

function assertOrdered(migrations: readonly Migration[]): void {
  let last = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= last) {
      throw new Error(`migrations must have strictly increasing positive integer versions (at ${m.version})`);
    }
    last = m.version;
  }
}
