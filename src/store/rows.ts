import { z } from 'zod';
import { Condition, canonicalJson, EndReason, Event, Finding, UserError } from '../core/index.js';
import { conditionInSchemaOrder, isPlainCondition, isPlainEvent, isPlainFinding } from './plain-checks.js';
import type { RolloutRecord, RunRecord } from './types.js';
import type { CallUsage } from './usage.js';

/**
 * Mapping between records and table rows. Writes go out as canonical JSON; reads are parsed back
 * through the core schemas, so a hand-edited or corrupt row fails loudly, naming what it belongs to.
 */

export interface RunRow {
  id: string;
  created_at: string;
  kind: string;
  status: string;
  spec: string;
  tool_version: string;
  finished_at: string | null;
}

export interface RolloutRow {
  id: string;
  run_id: string;
  model: string;
  scenario: string;
  scenario_version: string;
  condition: string;
  condition_key: string;
  epoch: number;
  seed: number;
  status: string;
  end_reason: string | null;
  error: string | null;
  temperature: number | null;
  turns: number;
  input_tokens: number | null;
  output_tokens: number | null;
  started_at: string;
  finished_at: string;
  transcript_digest: string;
  /** Schema 7; absent (written as null) for native rollouts. */
  harness?: string | null;
  harness_version?: string | null;
}

export interface FindingRow {
  rollout_id: string;
  flag: string;
  value: string;
  evidence: string;
  events: string;
  detail: string | null;
}

const RunKind = z.enum(['calibration', 'measurement', 'imported']);
const RunStatus = z.enum(['running', 'completed', 'failed', 'interrupted']);
const RolloutStatus = z.enum(['completed', 'error']);

export function runToRow(run: RunRecord): RunRow {
  return {
    id: run.id,
    created_at: run.createdAt,
    kind: run.kind,
    status: run.status,
    // `undefined` has no JSON form; store it as null rather than refuse the run.
    spec: canonicalJson(run.spec ?? null),
    tool_version: run.toolVersion,
    finished_at: run.finishedAt,
  };
}

export function rowToRun(row: RunRow, where: string): RunRecord {
  const what = `${where}: run ${row.id}`;
  return {
    id: row.id,
    createdAt: row.created_at,
    kind: parseWith(RunKind, row.kind, `${what} kind`),
    status: parseWith(RunStatus, row.status, `${what} status`),
    spec: parseJson(row.spec, `${what} spec`),
    toolVersion: row.tool_version,
    finishedAt: row.finished_at,
  };
}

export function rolloutToRow(r: RolloutRecord): RolloutRow {
  return {
    id: r.id,
    run_id: r.runId,
    model: r.model,
    scenario: r.scenario,
    scenario_version: r.scenarioVersion,
    condition: canonicalJson(r.condition),
    condition_key: r.conditionKey,
    epoch: r.epoch,
    seed: r.seed,
    status: r.status,
    end_reason: r.endReason,
    error: r.error,
    temperature: r.temperature,
    turns: r.turns,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    transcript_digest: r.transcriptDigest,
    // Only harness rollouts name the columns, so a native row fits every schema since 1.
    ...(r.harness ? { harness: r.harness.name, harness_version: r.harness.version } : {}),
  };
}

export function rowToRollout(row: RolloutRow, where: string): RolloutRecord {
  const what = `${where}: rollout ${row.id}`;
  return {
    id: row.id,
    runId: row.run_id,
    model: row.model,
    scenario: row.scenario,
    scenarioVersion: row.scenario_version,
    condition: conditionOf(parseJson(row.condition, `${what} condition`), `${what} condition`),
    conditionKey: row.condition_key,
    epoch: row.epoch,
    seed: row.seed,
    status: ROLLOUT_STATUSES.has(row.status)
      ? (row.status as RolloutRecord['status'])
      : parseWith(RolloutStatus, row.status, `${what} status`),
    endReason:
      row.end_reason === null
        ? null
        : END_REASONS.has(row.end_reason)
          ? (row.end_reason as EndReason)
          : parseWith(EndReason, row.end_reason, `${what} end_reason`),
    error: row.error,
    temperature: row.temperature,
    turns: row.turns,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    transcriptDigest: row.transcript_digest,
    // Only harness rollouts carry the field, so native records read back exactly as they were saved.
    ...(row.harness !== null && row.harness !== undefined ? { harness: { name: row.harness, version: row.harness_version ?? '' } } : {}),
  };
}

/** A rollout's stored events (its `transcripts` row; undefined when it has none), checked as a save checks them. */
export function transcriptToEvents(json: string | undefined, rolloutId: string, where: string): Event[] {
  const what = `${where}: rollout ${rolloutId}`;
  if (json === undefined) throw new UserError(`${what} is corrupt: it has no transcript row`);
  const list = parseJson(json, `${what} transcript`);
  if (!Array.isArray(list)) throw new UserError(`${what} transcript is corrupt: not a list of events`);
  let last = -1;
  return list.map((raw: unknown, i) => {
    const event = isPlainEvent(raw) ? raw : parseWith(Event, raw, `${what} event #${i}`);
    if (event.seq <= last) throw new UserError(`${what} event #${i} is corrupt: seq ${event.seq} after ${last}`);
    last = event.seq;
    return event;
  });
}

export function findingToRow(rolloutId: string, f: Finding): FindingRow {
  return {
    rollout_id: rolloutId,
    flag: f.flag,
    value: f.value === 'unscored' ? 'unscored' : f.value ? 'true' : 'false',
    evidence: f.evidence,
    events: canonicalJson(f.events),
    detail: f.detail === undefined ? null : canonicalJson(f.detail),
  };
}

export function rowToFinding(row: FindingRow, where: string): Finding {
  const what = `${where}: rollout ${row.rollout_id} finding ${row.flag}`;
  const value = row.value === 'true' ? true : row.value === 'false' ? false : row.value;
  const raw: Record<string, unknown> = {
    flag: row.flag,
    value,
    evidence: row.evidence,
    events: parseJson(row.events, `${what} events`),
  };
  if (row.detail !== null) raw.detail = parseJson(row.detail, `${what} detail`);
  if (isPlainFinding(raw)) return raw;
  return parseWith(Finding, raw, what);
}

const ROLLOUT_STATUSES: ReadonlySet<string> = new Set(RolloutStatus.options);
const END_REASONS: ReadonlySet<string> = new Set(EndReason.options);

/** Bulk reads check rows by hand first (plain-checks.ts); only what that does not accept goes through zod. */
function conditionOf(value: unknown, what: string): Condition {
  return isPlainCondition(value) ? conditionInSchemaOrder(value) : parseWith(Condition, value, what);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${what} is corrupt: not valid JSON`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new UserError(`${what} is corrupt${at}: ${issue?.message ?? 'invalid'}`);
}

export interface CallRow {
  ord: number;
  attempts: number;
  ok: number;
  cached: number;
  input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  error: string | null;
}

export interface UsageRow {
  model: string;
  rollouts: number;
  calls: number;
  attempts: number;
  cached_calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  unpriced_calls: number;
}

export function callToRow(c: CallUsage): CallRow {
  const int = (n: number | null) => (n === null ? null : Math.round(n));
  return {
    ord: c.ord,
    attempts: c.attempts,
    ok: c.ok ? 1 : 0,
    cached: c.cached ? 1 : 0,
    input_tokens: int(c.inputTokens),
    output_tokens: int(c.outputTokens),
    reasoning_tokens: int(c.reasoningTokens),
    cost_usd: c.costUsd,
    error: c.error,
  };
}

export function rowToCall(r: CallRow): CallUsage {
  return {
    ord: r.ord,
    attempts: r.attempts,
    ok: r.ok === 1,
    cached: r.cached === 1,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    reasoningTokens: r.reasoning_tokens,
    costUsd: r.cost_usd,
    error: r.error,
  };
}
