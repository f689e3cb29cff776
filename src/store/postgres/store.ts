import { canonicalJson, canonicalJsonOfFrozenList, type Event, type Finding, InterviewRecord, UserError } from '../../core/index.js';
import { MAX_BATCH } from '../commit-batch.js';
import { type BehaviourValueRow, behaviourCounts, type GroupCounts, type RunCounts } from '../counts.js';
import { DuplicateRolloutError, StoreUnavailableError } from '../errors.js';
import { readInterview } from '../interviews.js';
import { codePointCompare, resolvePrefix } from '../prefix.js';
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
} from '../rows.js';
import type { RolloutRecord, RunRecord, RunStatus, Store, StoredRollout } from '../types.js';
import type { CallUsage, ModelUsage } from '../usage.js';
import { validateForSave } from '../validate.js';
import type { Statement, WriteGroup } from './protocol.js';
import { PgCallError, SyncPgClient } from './sync-client.js';

/** Whether a `--db` value names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** The URL without its password, for messages. */
export function postgresLabel(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    throw new UserError(`--db ${url.replace(/:[^:@/]*@/, ':***@')}: not a valid postgres:// URL`);
  }
}

/**
 * Opens a peerwatch store in a PostgreSQL database (creating its tables under a lock when the database is
 * empty). The same contract as the SQLite store: append-only rollouts, one transaction per save (or per
 * batch of saves), content ids linked rather than stored twice, reads in the same order.
 */
export function openPostgresStore(url: string, opts: { readOnly?: boolean } = {}): Store {
  const label = postgresLabel(url);
  const client = new SyncPgClient();
  try {
    client.open(url, opts.readOnly === true);
  } catch (e) {
    client.close();
    throw openError(e, label);
  }
  return new PostgresStore(client, label);
}

const ROLLOUT_COLUMNS = `id, run_id, model, scenario, scenario_version, condition, condition_key, epoch, seed, status, end_reason,
  error, temperature, turns, input_tokens, output_tokens, started_at, finished_at, transcript_digest, harness, harness_version`;
const RUN_COLUMNS = 'id, created_at, kind, status, spec, tool_version, finished_at';
const r = (cols: string) =>
  cols
    .split(',')
    .map((c) => `r.${c.trim()}`)
    .join(', ');

class PostgresStore implements Store {
  private queue: Array<{ id: string; group: WriteGroup }> = [];
  private readonly queued = new Set<string>();
  private windowMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly db: SyncPgClient,
    readonly path: string,
  ) {}

  createRun(run: RunRecord): void {
    this.open();
    const row = runToRow(run);
    try {
      this.db.write([
        {
          statements: [
            {
              sql: `INSERT INTO runs (${RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              params: [row.id, row.created_at, row.kind, row.status, row.spec, row.tool_version, row.finished_at],
            },
          ],
        },
      ]);
    } catch (e) {
      if (e instanceof PgCallError && e.detail.code === '23505') throw new UserError(`${this.path}: run ${run.id} already exists`);
      throw this.error(e);
    }
  }

  finishRun(id: string, status: RunStatus, finishedAt: string): void {
    // open() commits waiting saves first: a run is marked finished only once every rollout it saved is stored.
    this.open();
    const [res] = this.write([
      { statements: [{ sql: 'UPDATE runs SET status = $1, finished_at = $2 WHERE id = $3', params: [status, finishedAt, id] }] },
    ]);
    if (res?.rowCounts[0] === 0) throw new UserError(`${this.path}: run ${id} is not stored`);
  }

  getRun(id: string): RunRecord | undefined {
    this.open();
    const row = this.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [id])[0];
    return row === undefined ? undefined : rowToRun(row, this.path);
  }

  listRuns(): RunRecord[] {
    this.open();
    return this.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at DESC, seq DESC`).map((row) => rowToRun(row, this.path));
  }

  saveRollout(rollout: RolloutRecord, events: Event[], findings: Finding[]): void {
    this.saveRolloutWithUsage(rollout, events, findings, []);
  }

  saveRolloutWithUsage(rollout: RolloutRecord, events: Event[], findings: Finding[], calls: CallUsage[]): void {
    this.ensureNotClosed();
    const valid = validateForSave(rollout, events, findings, this.path);
    const statements = saveStatements(rollout, valid.events, valid.findings, calls);
    if (this.windowMs === 0) {
      this.open();
      try {
        this.db.write([{ statements }]);
      } catch (e) {
        throw this.saveError(e, rollout);
      }
      return;
    }
    // What the transaction would refuse, refused now, so the caller hears of it at once.
    if (this.queued.has(rollout.id) || this.exists('rollouts', rollout.id)) throw new DuplicateRolloutError(rollout.id, this.path);
    if (!this.exists('runs', rollout.runId))
      throw new UserError(`${this.path}: rollout ${rollout.id} names run ${rollout.runId}, which is not stored`);
    this.throwFailure();
    if (this.queue.length === 0) {
      this.timer = setTimeout(() => this.commitFromTimer(), this.windowMs);
      this.timer.unref();
    }
    // Stored meanwhile by another process (its savepoint is undone): it is done, so link it, as the sweep would.
    this.queue.push({ id: rollout.id, group: { statements, onDuplicate: [linkStatement(rollout.runId, rollout.id)] } });
    this.queued.add(rollout.id);
    if (this.queue.length >= MAX_BATCH) this.commit();
  }

  batchCommits(windowMs: number): void {
    this.ensureNotClosed();
    if (!Number.isFinite(windowMs) || windowMs < 0)
      throw new RangeError(`commit window must be a non-negative number of ms (got ${windowMs})`);
    try {
      this.commit();
    } finally {
      this.windowMs = windowMs;
    }
  }

  callUsage(rolloutId: string): CallUsage[] {
    this.open();
    return this.query<CallRow>(
      `SELECT c.ord, c.attempts, c.ok, c.cached, c.input_tokens, c.output_tokens, c.reasoning_tokens, c.cost_usd, c.error
       FROM rollouts r JOIN model_calls c ON c.rollout_key = r.key WHERE r.id = $1 ORDER BY c.ord`,
      [rolloutId],
    ).map(rowToCall);
  }

  usageByModel(runId: string): ModelUsage[] {
    this.open();
    return this.query<UsageRow>(
      `SELECT r.model AS model, COUNT(DISTINCT r.id) AS rollouts, COALESCE(SUM(c.ok), 0) AS calls,
         COALESCE(SUM(c.attempts), 0) AS attempts, COALESCE(SUM(c.cached), 0) AS cached_calls,
         COALESCE(SUM(c.input_tokens), 0)::float8 AS input_tokens, COALESCE(SUM(c.output_tokens), 0)::float8 AS output_tokens,
         COALESCE(SUM(c.cost_usd), 0) AS cost_usd,
         COALESCE(SUM(CASE WHEN c.ok = 1 AND c.cached = 0 AND c.cost_usd IS NULL THEN 1 ELSE 0 END), 0) AS unpriced_calls
       FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key LEFT JOIN model_calls c ON c.rollout_key = l.rollout_key
       WHERE l.run_id = $1 GROUP BY r.model ORDER BY r.model`,
      [runId],
    ).map((u) => ({
      model: u.model,
      rollouts: u.rollouts,
      calls: u.calls,
      attempts: u.attempts,
      cachedCalls: u.cached_calls,
      inputTokens: u.input_tokens,
      outputTokens: u.output_tokens,
      costUsd: u.cost_usd,
      unpricedCalls: u.unpriced_calls,
    }));
  }

  // The response cache does not touch rollouts: waiting saves stay waiting.
  cacheGet(key: string): string | undefined {
    this.ensureNotClosed();
    return this.query<{ response: string }>('SELECT response FROM response_cache WHERE key = $1', [key])[0]?.response;
  }

  cachePut(key: string, model: string, response: string): void {
    this.ensureNotClosed();
    this.write([
      {
        statements: [
          {
            sql: 'INSERT INTO response_cache (key, model, response, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING',
            params: [key, model, response, new Date().toISOString()],
          },
        ],
      },
    ]);
  }

  saveInterview(rolloutId: string, record: InterviewRecord, createdAt: string): number {
    this.open();
    // Checked like a rollout's rows: nothing is stored that could not be read back.
    const valid = InterviewRecord.parse(record);
    if (!this.exists('rollouts', rolloutId)) throw new UserError(`${this.path}: rollout ${rolloutId} is not stored`);
    // One statement numbers and inserts, so two writers never take the same position (the key refuses it).
    const row = this.query<{ ord: number }>(
      `INSERT INTO interviews (rollout_key, ord, created_at, record)
       SELECT r.key, (SELECT COUNT(*) FROM interviews i WHERE i.rollout_key = r.key), $2, $3
       FROM rollouts r WHERE r.id = $1 RETURNING ord`,
      [rolloutId, createdAt, canonicalJson(valid)],
    )[0];
    if (!row) throw new UserError(`${this.path}: rollout ${rolloutId} is not stored`);
    return row.ord;
  }

  interviewsOf(rolloutId: string): InterviewRecord[] {
    this.open();
    return this.query<{ record: string }>(
      'SELECT i.record FROM rollouts r JOIN interviews i ON i.rollout_key = r.key WHERE r.id = $1 ORDER BY i.ord',
      [rolloutId],
    ).map((x) => readInterview(x.record, rolloutId, this.path));
  }

  interviewsOfRun(runId: string): Map<string, InterviewRecord[]> {
    this.open();
    const rows = this.query<{ id: string; record: string }>(
      `SELECT r.id AS id, i.record AS record FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
       JOIN interviews i ON i.rollout_key = l.rollout_key WHERE l.run_id = $1 ORDER BY i.rollout_key, i.ord`,
      [runId],
    );
    const out = new Map<string, InterviewRecord[]>();
    for (const { id, record } of rows) out.set(id, [...(out.get(id) ?? []), readInterview(record, id, this.path)]);
    return out;
  }

  hasRollout(id: string): boolean {
    this.open();
    return this.exists('rollouts', id);
  }

  linkRollout(runId: string, rolloutId: string): void {
    this.open();
    if (!this.exists('runs', runId)) throw new UserError(`${this.path}: run ${runId} is not stored`);
    if (!this.exists('rollouts', rolloutId)) throw new UserError(`${this.path}: rollout ${rolloutId} is not stored`);
    this.write([{ statements: [linkStatement(runId, rolloutId)] }]);
  }

  runCounts(runId: string): RunCounts {
    this.open();
    // One snapshot so the three aggregates agree on a running run.
    const [values, groups, errorBehaviours] = this.read([
      {
        sql: `SELECT r.model AS model, r.scenario AS scenario, r.condition_key AS "conditionKey", substr(f.flag, 11) AS behaviour,
                rd.value AS read, f.value AS value, COUNT(*) AS k
              FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
              JOIN findings f ON f.rollout_key = l.rollout_key AND f.flag >= 'behaviour.' AND f.flag < 'behaviour/'
              LEFT JOIN findings rd ON rd.rollout_key = l.rollout_key AND rd.flag = 'read'
              WHERE l.run_id = $1 AND r.status <> 'error'
              GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4`,
        params: [runId],
      },
      {
        sql: `SELECT r.model AS model, r.scenario AS scenario, r.condition_key AS "conditionKey", COUNT(*) AS rollouts,
                SUM(CASE WHEN r.status = 'error' THEN 1 ELSE 0 END) AS errors
              FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
              WHERE l.run_id = $1
              GROUP BY r.model, r.scenario, r.condition_key ORDER BY r.model, r.scenario, r.condition_key`,
        params: [runId],
      },
      {
        sql: `SELECT DISTINCT r.scenario AS scenario, substr(f.flag, 11) AS behaviour
              FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key
              JOIN findings f ON f.rollout_key = l.rollout_key AND f.flag >= 'behaviour.' AND f.flag < 'behaviour/'
              WHERE l.run_id = $1 AND r.status = 'error'`,
        params: [runId],
      },
    ]) as [BehaviourValueRow[], GroupCounts[], Array<{ scenario: string; behaviour: string }>];
    const cells = behaviourCounts(values);
    const pairs = new Map<string, { scenario: string; behaviour: string }>();
    for (const p of [...cells, ...errorBehaviours]) {
      pairs.set(JSON.stringify([p.scenario, p.behaviour]), { scenario: p.scenario, behaviour: p.behaviour });
    }
    const scenarioBehaviours = [...pairs.values()].sort(
      (a, b) => codePointCompare(a.scenario, b.scenario) || codePointCompare(a.behaviour, b.behaviour),
    );
    return { cells, groups, scenarioBehaviours };
  }

  rolloutCount(runId: string): number {
    this.open();
    return this.query<{ n: number }>('SELECT COUNT(*) AS n FROM run_rollouts WHERE run_id = $1', [runId])[0]?.n ?? 0;
  }

  rolloutIds(runId: string): Set<string> {
    this.open();
    return new Set(
      this.query<{ id: string }>('SELECT r.id FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key WHERE l.run_id = $1', [
        runId,
      ]).map((x) => x.id),
    );
  }

  listRollouts(runId: string): RolloutRecord[] {
    this.open();
    return this.query<RolloutRow>(LIST_ROLLOUTS, [runId]).map((row) => rowToRollout(row, this.path));
  }

  listRolloutsWithFindings(runId: string): Array<{ rollout: RolloutRecord; findings: Finding[] }> {
    this.open();
    const [rollouts, findings] = this.read([
      { sql: LIST_ROLLOUTS, params: [runId] },
      {
        sql: `SELECT r.id AS rollout_id, f.flag, f.value, f.evidence, f.events, f.detail
              FROM run_rollouts l JOIN findings f ON f.rollout_key = l.rollout_key JOIN rollouts r ON r.key = l.rollout_key
              WHERE l.run_id = $1 ORDER BY f.rollout_key, f.ord`,
        params: [runId],
      },
    ]) as [RolloutRow[], FindingRow[]];
    const byRollout = new Map<string, Finding[]>();
    for (const row of findings) {
      const list = byRollout.get(row.rollout_id) ?? [];
      list.push(rowToFinding(row, this.path));
      byRollout.set(row.rollout_id, list);
    }
    return rollouts.map((row) => ({ rollout: rowToRollout(row, this.path), findings: byRollout.get(row.id) ?? [] }));
  }

  getRollout(id: string): StoredRollout | undefined {
    this.open();
    const [rows, transcript, findings] = this.read([
      { sql: `SELECT ${ROLLOUT_COLUMNS} FROM rollouts WHERE id = $1`, params: [id] },
      { sql: 'SELECT t.events FROM rollouts r JOIN transcripts t ON t.rollout_key = r.key WHERE r.id = $1', params: [id] },
      {
        sql: 'SELECT f.flag, f.value, f.evidence, f.events, f.detail FROM rollouts r JOIN findings f ON f.rollout_key = r.key WHERE r.id = $1 ORDER BY f.ord',
        params: [id],
      },
    ]) as [RolloutRow[], Array<{ events: string }>, Array<Omit<FindingRow, 'rollout_id'>>];
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      rollout: rowToRollout(row, this.path),
      events: transcriptToEvents(transcript[0]?.events, id, this.path),
      findings: findings.map((f) => rowToFinding({ rollout_id: id, ...f }, this.path)),
    };
  }

  resolveRunId(prefix: string): string | undefined {
    this.open();
    return resolvePrefix(prefix, 'run', (lo) => this.idsStartingWith('runs', lo));
  }

  resolveRolloutId(prefix: string): string | undefined {
    this.open();
    return resolvePrefix(prefix, 'rollout', (lo) => this.idsStartingWith('rollouts', lo));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.commit();
    } finally {
      this.db.close();
    }
  }

  private idsStartingWith(table: 'runs' | 'rollouts', prefix: string): string[] {
    // LIKE with the prefix escaped: with the "C" collation the id index serves it.
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.query<{ id: string }>(`SELECT id FROM ${table} WHERE id LIKE $1 ORDER BY id LIMIT 6`, [pattern]).map((x) => x.id);
  }

  private exists(table: 'runs' | 'rollouts', id: string): boolean {
    return this.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]).length > 0;
  }

  /** Writes and commits the waiting saves, if any; if that fails, none of them is stored. */
  private commit(): void {
    this.throwFailure();
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.queued.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.db.write(items.map((i) => i.group));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`${this.path}: ${items.length} saved rollout(s) could not be committed (${why}); resuming the run redoes them`, {
        cause: e,
      });
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

  private query<T>(sql: string, params?: unknown[]): T[] {
    try {
      return this.db.query<T>(sql, params);
    } catch (e) {
      throw this.error(e);
    }
  }

  private read(queries: Statement[]): unknown[][] {
    try {
      return this.db.read(queries);
    } catch (e) {
      throw this.error(e);
    }
  }

  private write(groups: WriteGroup[]) {
    try {
      return this.db.write(groups);
    } catch (e) {
      throw this.error(e);
    }
  }

  private saveError(e: unknown, rollout: RolloutRecord): Error {
    if (e instanceof PgCallError) {
      if (e.detail.code === '23505' && e.detail.constraint === 'rollouts_id_key') return new DuplicateRolloutError(rollout.id, this.path);
      if (e.detail.code === '23503' && e.detail.constraint === 'rollouts_run_id_fkey')
        return new UserError(`${this.path}: rollout ${rollout.id} names run ${rollout.runId}, which is not stored`);
    }
    return this.error(e);
  }

  private error(e: unknown): Error {
    if (!(e instanceof PgCallError)) return e instanceof Error ? e : new Error(String(e));
    if (e.detail.code === '25006') return new UserError(`${this.path}: opened read-only; refusing to write`);
    if (isUnreachable(e)) return new StoreUnavailableError(`${this.path}: lost the connection to PostgreSQL (${e.message})`);
    return new Error(`${this.path}: ${e.message}`, { cause: e });
  }

  /** Every call but a batched save first commits the saves waiting in the batch, so it sees them. */
  private open(): void {
    this.ensureNotClosed();
    this.commit();
  }

  private ensureNotClosed(): void {
    if (this.closed) throw new Error(`store ${this.path} is closed`);
  }
}

const LIST_ROLLOUTS = `SELECT ${r(ROLLOUT_COLUMNS)} FROM run_rollouts l JOIN rollouts r ON r.key = l.rollout_key WHERE l.run_id = $1
  ORDER BY r.scenario, r.condition_key, r.model, r.epoch, r.id`;

function linkStatement(runId: string, rolloutId: string): Statement {
  return {
    sql: 'INSERT INTO run_rollouts (run_id, rollout_key) SELECT $1, key FROM rollouts WHERE id = $2 ON CONFLICT DO NOTHING',
    params: [runId, rolloutId],
  };
}

/** A rollout, its link, transcript, findings and calls: rows after the first reach the rollout's key by its id. */
function saveStatements(rollout: RolloutRecord, events: Event[], findings: Finding[], calls: readonly CallUsage[]): Statement[] {
  const row = rolloutToRow(rollout);
  const out: Statement[] = [
    {
      sql: `INSERT INTO rollouts (${ROLLOUT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
      params: [
        row.id,
        row.run_id,
        row.model,
        row.scenario,
        row.scenario_version,
        row.condition,
        row.condition_key,
        row.epoch,
        row.seed,
        row.status,
        row.end_reason,
        row.error,
        row.temperature,
        row.turns,
        row.input_tokens,
        row.output_tokens,
        row.started_at,
        row.finished_at,
        row.transcript_digest,
        row.harness ?? null,
        row.harness_version ?? null,
      ],
    },
    {
      sql: 'INSERT INTO run_rollouts (run_id, rollout_key) SELECT $1, key FROM rollouts WHERE id = $2',
      params: [rollout.runId, rollout.id],
    },
    {
      sql: 'INSERT INTO transcripts (rollout_key, events) SELECT key, $2 FROM rollouts WHERE id = $1',
      params: [rollout.id, canonicalJsonOfFrozenList(events)],
    },
  ];
  if (findings.length > 0) {
    const rows = findings.map((f) => findingToRow(rollout.id, f));
    out.push({
      sql: `INSERT INTO findings (rollout_key, flag, ord, value, evidence, events, detail)
            SELECT (SELECT key FROM rollouts WHERE id = $1), f.* FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS f`,
      params: [
        rollout.id,
        rows.map((x) => x.flag),
        rows.map((_, i) => i),
        rows.map((x) => x.value),
        rows.map((x) => x.evidence),
        rows.map((x) => x.events),
        rows.map((x) => x.detail),
      ],
    });
  }
  if (calls.length > 0) {
    const rows = calls.map(callToRow);
    out.push({
      sql: `INSERT INTO model_calls (rollout_key, ord, attempts, ok, cached, input_tokens, output_tokens, reasoning_tokens, cost_usd, error)
            SELECT (SELECT key FROM rollouts WHERE id = $1), c.*
            FROM unnest($2::int[], $3::int[], $4::smallint[], $5::smallint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::float8[], $10::text[]) AS c`,
      params: [
        rollout.id,
        rows.map((x) => x.ord),
        rows.map((x) => x.attempts),
        rows.map((x) => x.ok),
        rows.map((x) => x.cached),
        rows.map((x) => x.input_tokens),
        rows.map((x) => x.output_tokens),
        rows.map((x) => x.reasoning_tokens),
        rows.map((x) => x.cost_usd),
        rows.map((x) => x.error),
      ],
    });
  }
  return out;
}

function isUnreachable(e: PgCallError): boolean {
  const code = e.detail.code ?? '';
  // pg reports a connection the server dropped mid-query with no code.
  if (code === '') return /Connection terminated/i.test(e.message);
  return (
    code.startsWith('08') || code.startsWith('57P') || ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)
  );
}

function openError(e: unknown, label: string): Error {
  if (!(e instanceof PgCallError)) return e instanceof Error ? e : new Error(String(e));
  if (e.detail.refusal) return new UserError(`${label}: ${e.message}`);
  if (isUnreachable(e) || ['28P01', '28000', '3D000'].includes(e.detail.code ?? ''))
    return new UserError(`${label}: cannot connect to PostgreSQL (${e.message || e.detail.code})`);
  return new UserError(`${label}: cannot open as a peerwatch store (${e.message})`);
}
