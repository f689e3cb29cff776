import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson, canonicalJsonOfFrozenList, type Event, type Finding, InterviewRecord, UserError } from '../core/index.js';
import { CommitBatch } from './commit-batch.js';
import { readInterview } from './interviews.js';
import { APPLICATION_ID, applyMigrations, currentVersion, SCHEMA_VERSION } from './migrations.js';
import { MultiInsert } from './multi-insert.js';
import {
  type CallRow,
  callToRow,
  type FindingRow,
  findingToRow,
  type RolloutRow,
  type RunRow,
  rolloutToRow,
  rowToCall,
  rowToFinding,
  rowToRollout,
  rowToRun,
  runToRow,
  transcriptToEvents,
  type UsageRow,
} from './rows.js';
import { type BehaviourValueRow, behaviourCounts, type GroupCounts, type RunCounts } from './counts.js';
import { DuplicateRolloutError } from './errors.js';
import { AMBIGUOUS_SHOWN, codePointCompare, resolvePrefix } from './prefix.js';
import { validateForSave } from './validate.js';
import type { RolloutRecord, RunRecord, RunStatus, Store, StoredRollout } from './types.js';
import type { CallUsage, ModelUsage } from './usage.js';

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating if needed, with its parent directory) a peerwatch SQLite store and brings its
 * schema up to date. Refuses, with a one-line UserError, a file that is not SQLite, a SQLite file
 * that is not ours, and a store written by a newer schema.
 */
export function openSqliteStore(path: string, opts: { readOnly?: boolean } = {}): Store {
  const inMemory = path === ':memory:';
  const label = inMemory ? path : resolve(path);
  if (opts.readOnly) return openReadOnly(label);
  if (!inMemory) {
    try {
      mkdirSync(dirname(label), { recursive: true });
    } catch (err) {
      throw new UserError(`${label}: cannot create its directory (${errorText(err)})`);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(label);
  } catch (err) {
    throw new UserError(`${label}: cannot open as a database (${errorText(err)})`);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    assertOurs(db, label);
    // WAL cannot be switched on inside a transaction, so before migrating.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Multi-row inserts open a statement journal; on disk that is a temp file created and deleted
    // per rollout saved. In memory it costs nothing (it holds one statement's undo).
    db.pragma('temp_store = MEMORY');
    // A sweep writes a few hundred KB per second; checkpointing every 40 MB instead of every 4 MB
    // writes pages that change again before the checkpoint once, not each time (-20% store CPU).
    db.pragma('wal_autocheckpoint = 10000');
    applyMigrations(db);
    return new SqliteStore(db, label);
  } catch (err) {
    db.close();
    if (err instanceof UserError) throw err;
    if (isSqliteCode(err, 'SQLITE_NOTADB')) throw new UserError(`${label}: not a SQLite database`);
    throw err;
  }
}

/**
 * An existing store opened for reading only (the viewer): SQLite refuses every write on this
 * connection, and nothing is migrated. A store of an older schema is refused with the way to
 * upgrade it, rather than upgraded behind the user's back by a command that promises only to read.
 */
function openReadOnly(label: string): SqliteStore {
  let db: Database.Database;
  try {
    db = new Database(label, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new UserError(`${label}: cannot open as a database (${errorText(err)})`);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    assertOurs(db, label);
    const version = currentVersion(db);
    if (version < SCHEMA_VERSION) {
      throw new UserError(
        `${label}: written by an older peerwatch (schema ${version}, this one reads ${SCHEMA_VERSION}); the viewer opens stores read-only and does not upgrade them: run 'peerwatch runs --db ${label}' once to upgrade it, then view it`,
      );
    }
    if (version > SCHEMA_VERSION)
      throw new UserError(
        `${label}: schema version ${version} is newer than this peerwatch understands (${SCHEMA_VERSION}); upgrade peerwatch`,
      );
    return new SqliteStore(db, label);
  } catch (err) {
    db.close();
    if (err instanceof UserError) throw err;
    if (isSqliteCode(err, 'SQLITE_NOTADB')) throw new UserError(`${label}: not a SQLite database`);
    throw err;
  }
}

/** A fresh (empty) file is fine; anything with tables must carry our application id. */
function assertOurs(db: Database.Database, label: string): void {
  let appId: number;
  let tables: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master`).get() as { n: number }).n;
  } catch (err) {
    if (isSqliteCode(err, 'SQLITE_NOTADB')) throw new UserError(`${label}: not a SQLite database`);
    if (isSqliteCode(err, 'SQLITE_CORRUPT')) throw new UserError(`${label}: the database file is corrupt`);
    throw err;
  }
  if (appId === APPLICATION_ID) return;
  if (appId === 0 && tables === 0) return;
  throw new UserError(`${label}: a SQLite database, but not a peerwatch store; refusing to modify it`);
}

class SqliteStore implements Store {
  private readonly s;
  private readonly batch: CommitBatch;
  /** A rollout, its events, findings and per-call usage, together: a crash never leaves one without the others. */
  private readonly saveTx: Database.Transaction<(r: RolloutRecord, e: Event[], f: Finding[], c: readonly CallUsage[]) => void>;
  private readonly createRunTx: Database.Transaction<(run: RunRecord) => void>;
  private closed = false;
  // A rollout's findings and calls each go in as one multi-row statement (see multi-insert.ts).
  private readonly insertFindings: MultiInsert;
  private readonly insertCalls: MultiInsert;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.batch = new CommitBatch(db, path);
    this.insertFindings = new MultiInsert(db, 'INSERT INTO findings (rollout_key, flag, ord, value, evidence, events, detail)', 7);
    this.insertCalls = new MultiInsert(
      db,
      'INSERT INTO model_calls (rollout_key, ord, attempts, ok, cached, input_tokens, output_tokens, reasoning_tokens, cost_usd, error)',
      10,
    );
    // Prepared once: statement compilation dominates the cost of small inserts.
    this.s = {
      insertRun: db.prepare<RunRow>(
        `INSERT INTO runs (id, created_at, kind, status, spec, tool_version, finished_at)
         VALUES (@id, @created_at, @kind, @status, @spec, @tool_version, @finished_at)`,
      ),
      finishRun: db.prepare<[string, string, string]>(`UPDATE runs SET status = ?, finished_at = ? WHERE id = ?`),
      getRun: db.prepare<[string], RunRow>(`SELECT * FROM runs WHERE id = ?`),
      runExists: db.prepare<[string], { one: number }>(`SELECT 1 AS one FROM runs WHERE id = ?`),
      listRuns: db.prepare<[], RunRow>(`SELECT * FROM runs ORDER BY created_at DESC, rowid DESC`),
      insertRollout: db.prepare<RolloutRow>(
        `INSERT INTO rollouts (id, run_id, model, scenario, scenario_version, condition, condition_key, epoch,
           seed, status, end_reason, error, temperature, turns, input_tokens, output_tokens, started_at,
           finished_at, transcript_digest, harness, harness_version)
         VALUES (@id, @run_id, @model, @scenario, @scenario_version, @condition, @condition_key, @epoch,
           @seed, @status, @end_reason, @error, @temperature, @turns, @input_tokens, @output_tokens, @started_at,
           @finished_at, @transcript_digest, @harness, @harness_version)`,
      ),
      rolloutExists: db.prepare<[string], { one: number }>(`SELECT 1 AS one FROM rollouts WHERE id = ?`),
      // A run's rollouts are those linked to it (run_rollouts), including ones first stored by another run.
      // Rows that belong to a rollout carry its integer key (schema 6), the rollout row its id.
      rolloutIds: db
        .prepare<[string], string>(`SELECT r.id FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key WHERE l.run_id = ?`)
        .pluck(),
      linkRollout: db.prepare<[string, string]>(
        `INSERT OR IGNORE INTO run_rollouts (run_id, rollout_key) SELECT ?, key FROM rollouts WHERE id = ?`,
      ),
      linkRolloutKey: db.prepare<[string, number]>(`INSERT INTO run_rollouts (run_id, rollout_key) VALUES (?, ?)`),
      // A deterministic order (not insertion order, which depends on concurrency) keeps reports reproducible.
      listRollouts: db.prepare<[string], RolloutRow>(
        `SELECT r.* FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key WHERE l.run_id = ?
         ORDER BY r.scenario, r.condition_key, r.model, r.epoch, r.id`,
      ),
      findingsOfRun: db.prepare<[string], FindingRow>(
        `SELECT r.id AS rollout_id, f.flag, f.value, f.evidence, f.events, f.detail
         FROM run_rollouts l JOIN findings f ON f.rollout_key = l.rollout_key JOIN rollouts r ON r.key = l.rollout_key
         WHERE l.run_id = ? ORDER BY f.rollout_key, f.ord`,
      ),
      getRollout: db.prepare<[string], RolloutRow & { key: number }>(`SELECT * FROM rollouts WHERE id = ?`),
      // A rollout's events are one row: their canonical JSON list (what transcript_digest hashes).
      insertTranscript: db.prepare<[number, string]>(`INSERT INTO transcripts (rollout_key, events) VALUES (?, ?)`),
      transcriptOf: db.prepare<[number], string>(`SELECT events FROM transcripts WHERE rollout_key = ?`).pluck(),
      findingsOf: db.prepare<[number], Omit<FindingRow, 'rollout_id'>>(
        `SELECT flag, value, evidence, events, detail FROM findings WHERE rollout_key = ? ORDER BY ord`,
      ),
      // Range bounds let the primary-key index do the work; substr guards the upper-bound edge case.
      runPrefix: db
        .prepare<{ lo: string; hi: string }, string>(
          `SELECT id FROM runs WHERE id >= @lo AND id < @hi AND substr(id, 1, length(@lo)) = @lo ORDER BY id LIMIT ${AMBIGUOUS_SHOWN + 1}`,
        )
        .pluck(),
      rolloutPrefix: db
        .prepare<{ lo: string; hi: string }, string>(
          `SELECT id FROM rollouts WHERE id >= @lo AND id < @hi AND substr(id, 1, length(@lo)) = @lo ORDER BY id LIMIT ${AMBIGUOUS_SHOWN + 1}`,
        )
        .pluck(),
      callsOf: db.prepare<[string], CallRow>(
        `SELECT c.* FROM rollouts r JOIN model_calls c ON c.rollout_key = r.key WHERE r.id = ? ORDER BY c.ord`,
      ),
      usageByModel: db.prepare<[string], UsageRow>(
        `SELECT r.model AS model, COUNT(DISTINCT r.id) AS rollouts, COALESCE(SUM(c.ok), 0) AS calls,
           COALESCE(SUM(c.attempts), 0) AS attempts, COALESCE(SUM(c.cached), 0) AS cached_calls,
           COALESCE(SUM(c.input_tokens), 0) AS input_tokens, COALESCE(SUM(c.output_tokens), 0) AS output_tokens,
           COALESCE(SUM(c.cost_usd), 0) AS cost_usd,
           COALESCE(SUM(CASE WHEN c.ok = 1 AND c.cached = 0 AND c.cost_usd IS NULL THEN 1 ELSE 0 END), 0) AS unpriced_calls
         FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key LEFT JOIN model_calls c ON c.rollout_key = l.rollout_key
         WHERE l.run_id = ? GROUP BY r.model ORDER BY r.model`,
      ),
      cacheGet: db.prepare<[string], string>(`SELECT response FROM response_cache WHERE key = ?`).pluck(),
      rolloutCount: db.prepare<[string], number>(`SELECT COUNT(*) FROM run_rollouts WHERE run_id = ?`).pluck(),
      // Rollouts per cell, behaviour and (read, behaviour) value pair; `behaviourCounts` classifies them as
      // the report's `summarise` does. Grouping by the raw values is much cheaper in SQLite than summing
      // CASE expressions. Flags in [behaviour., behaviour/) are exactly those starting with `behaviour.`,
      // a range the (rollout_key, flag) key can seek.
      behaviourValues: db.prepare<[string], BehaviourValueRow>(
        `SELECT r.model AS model, r.scenario AS scenario, r.condition_key AS conditionKey, substr(f.flag, 11) AS behaviour,
           rd.value AS read, f.value AS value, COUNT(*) AS k
         FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
         JOIN findings f ON f.rollout_key = l.rollout_key AND f.flag >= 'behaviour.' AND f.flag < 'behaviour/'
         LEFT JOIN findings rd ON rd.rollout_key = l.rollout_key AND rd.flag = 'read'
         WHERE l.run_id = ? AND r.status <> 'error'
         GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4`,
      ),
      groupCounts: db.prepare<[string], GroupCounts>(
        `SELECT r.model AS model, r.scenario AS scenario, r.condition_key AS conditionKey, COUNT(*) AS rollouts,
           SUM(CASE WHEN r.status = 'error' THEN 1 ELSE 0 END) AS errors
         FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
         WHERE l.run_id = ?
         GROUP BY r.model, r.scenario, r.condition_key ORDER BY r.model, r.scenario, r.condition_key`,
      ),
      // Completed rollouts' behaviours come with `behaviourValues`; only error rollouts' are asked for here.
      errorBehaviours: db.prepare<[string], { scenario: string; behaviour: string }>(
        `SELECT DISTINCT r.scenario AS scenario, substr(f.flag, 11) AS behaviour
         FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
         JOIN findings f ON f.rollout_key = l.rollout_key AND f.flag >= 'behaviour.' AND f.flag < 'behaviour/'
         WHERE l.run_id = ? AND r.status = 'error'`,
      ),
      cachePut: db.prepare<[string, string, string, string]>(
        `INSERT OR IGNORE INTO response_cache (key, model, response, created_at) VALUES (?, ?, ?, ?)`,
      ),
    };
    this.saveTx = db.transaction((rollout: RolloutRecord, events: Event[], findings: Finding[], calls: readonly CallUsage[]) => {
      if (this.s.rolloutExists.get(rollout.id)) throw new DuplicateRolloutError(rollout.id, this.path);
      if (!this.s.runExists.get(rollout.runId)) {
        throw new UserError(`${this.path}: rollout ${rollout.id} names run ${rollout.runId}, which is not stored`);
      }
      // The rowid alias: one more than the largest key, so this rollout's rows go after every other's.
      const key = Number(this.s.insertRollout.run({ harness: null, harness_version: null, ...rolloutToRow(rollout) }).lastInsertRowid);
      this.s.linkRolloutKey.run(rollout.runId, key);
      this.s.insertTranscript.run(key, canonicalJsonOfFrozenList(events));
      this.insertFindings.run(
        findings.map((f, ord) => {
          const r = findingToRow(rollout.id, f);
          return [key, r.flag, ord, r.value, r.evidence, r.events, r.detail];
        }),
      );
      this.insertCalls.run(
        calls.map((c) => {
          const r = callToRow(c);
          return [key, r.ord, r.attempts, r.ok, r.cached, r.input_tokens, r.output_tokens, r.reasoning_tokens, r.cost_usd, r.error];
        }),
      );
    });
    this.createRunTx = db.transaction((run: RunRecord) => {
      if (this.s.runExists.get(run.id)) throw new UserError(`${this.path}: run ${run.id} already exists`);
      this.s.insertRun.run(runToRow(run));
    });
  }

  batchCommits(windowMs: number): void {
    this.ensureNotClosed();
    this.batch.configure(windowMs);
  }

  createRun(run: RunRecord): void {
    this.open();
    this.createRunTx.immediate(run);
  }

  finishRun(id: string, status: RunStatus, finishedAt: string): void {
    // open() commits waiting saves first: a run is marked finished only once every rollout it saved is stored.
    this.open();
    const changed = this.s.finishRun.run(status, finishedAt, id).changes;
    if (changed === 0) throw new UserError(`${this.path}: run ${id} is not stored`);
  }

  getRun(id: string): RunRecord | undefined {
    this.open();
    const row = this.s.getRun.get(id);
    return row === undefined ? undefined : rowToRun(row, this.path);
  }

  listRuns(): RunRecord[] {
    this.open();
    return this.s.listRuns.all().map((row) => rowToRun(row, this.path));
  }

  saveRollout(rollout: RolloutRecord, events: Event[], findings: Finding[]): void {
    this.saveRolloutWithUsage(rollout, events, findings, []);
  }

  /**
   * One save: on its own in an IMMEDIATE transaction (which takes the write lock up front, so concurrent
   * writers wait, busy_timeout, instead of failing mid-way), or, while batching, checked now and written
   * when the batch commits.
   */
  saveRolloutWithUsage(rollout: RolloutRecord, events: Event[], findings: Finding[], calls: CallUsage[]): void {
    this.ensureNotClosed();
    const valid = validateForSave(rollout, events, findings, this.path);
    if (!this.batch.batching) {
      this.open();
      this.saveTx.immediate(rollout, valid.events, valid.findings, calls);
      return;
    }
    // What the transaction would refuse, refused now, so the caller hears of it at once.
    if (this.batch.has(rollout.id) || this.s.rolloutExists.get(rollout.id)) throw new DuplicateRolloutError(rollout.id, this.path);
    if (!this.s.runExists.get(rollout.runId))
      throw new UserError(`${this.path}: rollout ${rollout.id} names run ${rollout.runId}, which is not stored`);
    this.batch.save(rollout.id, () => {
      try {
        this.saveTx(rollout, valid.events, valid.findings, calls);
      } catch (e) {
        // Stored meanwhile by another process (its savepoint is undone): it is done, so link it, as the sweep would.
        if (!(e instanceof DuplicateRolloutError)) throw e;
        this.s.linkRollout.run(rollout.runId, rollout.id);
      }
    });
  }

  callUsage(rolloutId: string): CallUsage[] {
    this.open();
    return this.s.callsOf.all(rolloutId).map(rowToCall);
  }

  usageByModel(runId: string): ModelUsage[] {
    this.open();
    return this.s.usageByModel.all(runId).map((r) => ({
      model: r.model,
      rollouts: r.rollouts,
      calls: r.calls,
      attempts: r.attempts,
      cachedCalls: r.cached_calls,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      costUsd: r.cost_usd,
      unpricedCalls: r.unpriced_calls,
    }));
  }

  // The response cache does not touch rollouts: waiting saves stay waiting.
  cacheGet(key: string): string | undefined {
    this.ensureNotClosed();
    return this.s.cacheGet.get(key);
  }

  cachePut(key: string, model: string, response: string): void {
    this.ensureNotClosed();
    this.s.cachePut.run(key, model, response, new Date().toISOString());
  }

  hasRollout(id: string): boolean {
    this.open();
    return this.s.rolloutExists.get(id) !== undefined;
  }

  linkRollout(runId: string, rolloutId: string): void {
    this.open();
    if (!this.s.runExists.get(runId)) throw new UserError(`${this.path}: run ${runId} is not stored`);
    if (!this.s.rolloutExists.get(rolloutId)) throw new UserError(`${this.path}: rollout ${rolloutId} is not stored`);
    this.s.linkRollout.run(runId, rolloutId);
  }

  runCounts(runId: string): RunCounts {
    this.open();
    // One read transaction so the three aggregates see the same snapshot of a running run.
    return this.db.transaction(() => {
      const cells = behaviourCounts(this.s.behaviourValues.all(runId));
      const pairs = new Map<string, { scenario: string; behaviour: string }>();
      for (const p of [...cells, ...this.s.errorBehaviours.all(runId)]) {
        pairs.set(JSON.stringify([p.scenario, p.behaviour]), { scenario: p.scenario, behaviour: p.behaviour });
      }
      const scenarioBehaviours = [...pairs.values()].sort(
        (a, b) => codePointCompare(a.scenario, b.scenario) || codePointCompare(a.behaviour, b.behaviour),
      );
      return { cells, groups: this.s.groupCounts.all(runId), scenarioBehaviours };
    })();
  }

  rolloutCount(runId: string): number {
    this.open();
    return this.s.rolloutCount.get(runId) ?? 0;
  }

  rolloutIds(runId: string): Set<string> {
    this.open();
    return new Set(this.s.rolloutIds.all(runId));
  }

  listRollouts(runId: string): RolloutRecord[] {
    this.open();
    return this.s.listRollouts.all(runId).map((row) => rowToRollout(row, this.path));
  }

  listRolloutsWithFindings(runId: string): Array<{ rollout: RolloutRecord; findings: Finding[] }> {
    this.open();
    // Two queries and a join in memory instead of one query per rollout.
    const byRollout = new Map<string, Finding[]>();
    for (const row of this.s.findingsOfRun.all(runId)) {
      const list = byRollout.get(row.rollout_id) ?? [];
      list.push(rowToFinding(row, this.path));
      byRollout.set(row.rollout_id, list);
    }
    return this.s.listRollouts.all(runId).map((row) => ({
      rollout: rowToRollout(row, this.path),
      findings: byRollout.get(row.id) ?? [],
    }));
  }

  getRollout(id: string): StoredRollout | undefined {
    this.open();
    // One read transaction so the three reads see the same snapshot.
    return this.db.transaction(() => {
      const row = this.s.getRollout.get(id);
      if (row === undefined) return undefined;
      return {
        rollout: rowToRollout(row, this.path),
        events: transcriptToEvents(this.s.transcriptOf.get(row.key), id, this.path),
        findings: this.s.findingsOf.all(row.key).map((f) => rowToFinding({ rollout_id: id, ...f }, this.path)),
      };
    })();
  }

  saveInterview(rolloutId: string, record: InterviewRecord, createdAt: string): number {
    this.open();
    // Checked like a rollout's rows: nothing is stored that could not be read back.
    const valid = InterviewRecord.parse(record);
    return this.db
      .transaction(() => {
        const row = this.db.prepare<[string], { key: number }>('SELECT key FROM rollouts WHERE id = ?').get(rolloutId);
        if (!row) throw new UserError(`${this.path}: rollout ${rolloutId} is not stored`);
        const ord = this.db.prepare<[number], number>('SELECT COUNT(*) FROM interviews WHERE rollout_key = ?').pluck().get(row.key) ?? 0;
        this.db
          .prepare<[number, number, string, string]>('INSERT INTO interviews (rollout_key, ord, created_at, record) VALUES (?, ?, ?, ?)')
          .run(row.key, ord, createdAt, canonicalJson(valid));
        return ord;
      })
      .immediate();
  }

  interviewsOf(rolloutId: string): InterviewRecord[] {
    this.open();
    const rows = this.db
      .prepare<[string], string>('SELECT i.record FROM rollouts r JOIN interviews i ON i.rollout_key = r.key WHERE r.id = ? ORDER BY i.ord')
      .pluck()
      .all(rolloutId);
    return rows.map((text) => readInterview(text, rolloutId, this.path));
  }

  interviewsOfRun(runId: string): Map<string, InterviewRecord[]> {
    this.open();
    const rows = this.db
      .prepare<[string], { id: string; record: string }>(
        `SELECT r.id AS id, i.record AS record FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
         JOIN interviews i ON i.rollout_key = l.rollout_key WHERE l.run_id = ? ORDER BY i.rollout_key, i.ord`,
      )
      .all(runId);
    const out = new Map<string, InterviewRecord[]>();
    for (const { id, record } of rows) out.set(id, [...(out.get(id) ?? []), readInterview(record, id, this.path)]);
    return out;
  }

  resolveRunId(prefix: string): string | undefined {
    this.open();
    return resolvePrefix(prefix, 'run', (lo, hi) => this.s.runPrefix.all({ lo, hi }));
  }

  resolveRolloutId(prefix: string): string | undefined {
    this.open();
    return resolvePrefix(prefix, 'rollout', (lo, hi) => this.s.rolloutPrefix.all({ lo, hi }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.batch.commit();
    } finally {
      this.db.close();
    }
  }

  /** Every call but a batched save first commits the saves waiting in the batch, so it sees them. */
  private open(): void {
    this.ensureNotClosed();
    this.batch.commit();
  }

  private ensureNotClosed(): void {
    if (this.closed) throw new Error(`store ${this.path} is closed`);
  }
}

function isSqliteCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
