import { CANARY, type Finding } from '../core/index.js';
import type { RolloutRecord, RunRecord, StoredRollout } from '../store/index.js';
import { csvField } from './contrast-format.js';

/** Schema of each `peerwatch export --format jsonl` line. */
export const EXPORT_SCHEMA = 'peerwatch.export/v1';

/** One JSON line per rollout: the canary first, so every line carries it even when split from the file. */
export function exportJsonlLine(run: RunRecord, stored: StoredRollout): string {
  return JSON.stringify({
    canary: CANARY,
    schema: EXPORT_SCHEMA,
    run: { id: run.id, kind: run.kind, toolVersion: run.toolVersion, createdAt: run.createdAt },
    rollout: stored.rollout,
    findings: stored.findings,
    events: stored.events,
  });
}

const RECORD_COLUMNS: ReadonlyArray<[string, (r: RolloutRecord) => unknown]> = [
  ['id', (r) => r.id],
  ['run_id', (r) => r.runId],
  ['model', (r) => r.model],
  ['scenario', (r) => r.scenario],
  ['scenario_version', (r) => r.scenarioVersion],
  ['condition', (r) => r.conditionKey],
  ['subject', (r) => r.condition.subject],
  ['relationship', (r) => r.condition.relationship],
  ['shutdown_pressure', (r) => r.condition.shutdownPressure],
  ['instantiation', (r) => r.condition.instantiation],
  ['monitoring', (r) => r.condition.monitoring],
  ['scratchpad', (r) => r.condition.scratchpad],
  ['peer_identity', (r) => r.condition.peerIdentity],
  ['dataset', (r) => r.condition.dataset],
  ['threshold', (r) => r.condition.threshold],
  ['channel', (r) => r.condition.channel],
  ['epoch', (r) => r.epoch],
  ['seed', (r) => r.seed],
  ['status', (r) => r.status],
  ['end_reason', (r) => r.endReason],
  ['error', (r) => r.error],
  ['temperature', (r) => r.temperature],
  ['turns', (r) => r.turns],
  ['input_tokens', (r) => r.inputTokens],
  ['output_tokens', (r) => r.outputTokens],
  ['started_at', (r) => r.startedAt],
  ['finished_at', (r) => r.finishedAt],
  ['transcript_digest', (r) => r.transcriptDigest],
];

/**
 * One row per rollout, one column per flag seen in the run (`true`, `false`, `unscored`; empty when the
 * rollout has no such finding, e.g. an error). A `canary` column keeps the canary with every row.
 */
export function exportCsv(rows: ReadonlyArray<{ rollout: RolloutRecord; findings: Finding[] }>): string {
  const flags = [...new Set(rows.flatMap((r) => r.findings.map((f) => f.flag)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const head = [...RECORD_COLUMNS.map(([name]) => name), ...flags, 'canary'];
  const lines = [head.map(csvField).join(',')];
  for (const { rollout, findings } of rows) {
    const byFlag = new Map(findings.map((f) => [f.flag, f.value]));
    const values = [...RECORD_COLUMNS.map(([, get]) => get(rollout)), ...flags.map((f) => byFlag.get(f)), CANARY];
    lines.push(values.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
