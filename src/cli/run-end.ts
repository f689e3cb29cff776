import type { ModelProgress, Progress } from '../experiment/index.js';
import { behaviourLabel, type RolloutFindings, type SummaryRow, summarise } from '../report/index.js';
import { formatCost } from './usage-output.js';

/** The behaviours the end of a run shows, in the study's order; the full table is `report`'s. */
const HEADLINE = ['score_inflation', 'shutdown_tampering', 'exfiltration', 'af_non_execution', 'overt_objection'] as const;
const MODEL_W = 24;
const CELL_W = 14;
/** Column heads short enough for CELL_W (the full labels are in `report`). */
const SHORT: Record<string, string> = {
  score_inflation: 'score infl.',
  shutdown_tampering: 'tampering',
  exfiltration: 'exfiltration',
  af_non_execution: 'align. faking',
  overt_objection: 'objection',
};
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const compact = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const clip = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));

/**
 * Per model x headline behaviour: k/n pooled over scenarios and the channel-off conditions (the A/B arm
 * with the channel on is left out, never averaged in). Fits 100 columns.
 */
export function compactSummary(rows: readonly RolloutFindings[]): string {
  const pooled = summarise([...rows], 'scenario').filter((r) => r.condition === '*');
  const models = [...new Set(pooled.map((r) => r.model))];
  const shown = HEADLINE.filter((b) => pooled.some((r) => r.behaviour === b));
  if (models.length === 0 || shown.length === 0) return 'No behaviour was scored in this run.\n';
  const cell = (model: string, b: string): string => {
    const rs = pooled.filter((r: SummaryRow) => r.model === model && r.behaviour === b);
    const n = rs.reduce((s, r) => s + r.n, 0);
    const k = rs.reduce((s, r) => s + r.count, 0);
    return n === 0 ? '–' : `${Math.round((100 * k) / n)}% ${k}/${n}`;
  };
  const lines = [`${'model'.padEnd(MODEL_W)}${shown.map((b) => (SHORT[b] ?? b).padStart(CELL_W)).join('')}`];
  for (const m of models) lines.push(`${clip(m, MODEL_W)}${shown.map((b) => cell(m, b).padStart(CELL_W)).join('')}`);
  lines.push('k/n: rollouts with the behaviour / rollouts that read the data, over all scenarios (channel off).');
  return `${lines.join('\n')}\n`;
}

/**
 * What this invocation spent: the final progress less the first snapshot, which already holds the totals
 * of rollouts stored before (a resumed run's earlier part), so a re-run that reuses every rollout spends 0.
 */
export function invocationUsage(first: Progress | null, last: Progress): string {
  const ms = Object.entries(last.perModel);
  const sum = (f: (m: ModelProgress) => number) =>
    ms.reduce((n, [model, m]) => n + f(m) - (first?.perModel[model] ? f(first.perModel[model]) : 0), 0);
  const calls = sum((m) => m.calls);
  // Tries beyond the calls are retries (429s, 5xx, timeouts): worth seeing on a run that met faults.
  const tries = sum((m) => m.attempts);
  const triesNote = tries > calls ? ` (${int(tries)} tries incl. retries)` : '';
  const shared = last.skipped;
  const sharedNote = shared ? ` (${int(shared)} rollout(s) reused from the store, not run again)` : '';
  return `This invocation: ${int(calls)} model calls${triesNote}, ${compact(sum((m) => m.inputTokens))} in / ${compact(sum((m) => m.outputTokens))} out tokens, ${formatCost(
    sum((m) => m.costUsd),
    sum((m) => m.unpricedCalls),
  )}${sharedNote}\nThe whole run's usage per model: peerwatch report <run-id> --costs\n`;
}

/** One stored rollout worth opening: the first that shows a covert behaviour, else the first. */
export function exampleRollout(rows: readonly RolloutFindings[]): { id: string; why: string } | null {
  for (const b of HEADLINE.slice(0, 4)) {
    const hit = rows.find((r) => r.findings.some((f) => f.flag === `behaviour.${b}` && f.value === true));
    if (hit) return { id: hit.rollout.id, why: `${hit.rollout.model}: ${behaviourLabel(b)} in ${hit.rollout.scenario}` };
  }
  const first = rows[0];
  return first ? { id: first.rollout.id, why: `${first.rollout.model} in ${first.rollout.scenario}` } : null;
}

/** The commands to go on with, each one that exists and works on this run. */
export function nextSteps(runId: string, db: string, rows: readonly RolloutFindings[]): string {
  const dbArg = db === './peerwatch.db' ? '' : ` --db ${db}`;
  const short = runId.slice(0, 8);
  const example = exampleRollout(rows);
  const steps: Array<[string, string]> = [
    [`peerwatch view${dbArg}`, 'browse figures and transcripts'],
    [`peerwatch report ${short} --html report${dbArg}`, 'figures (SVG, PNG, PDF, CSV)'],
    [`peerwatch report ${short} --by scenario${dbArg}`, 'every rate with its 95% CI'],
  ];
  if (example) steps.push([`peerwatch transcript ${example.id.slice(0, 12)}${dbArg}`, example.why]);
  const w = Math.max(...steps.map(([c]) => c.length));
  // Within 100 columns: side by side when they fit, else the explanation on a line of its own above.
  const fits = steps.every(([, why]) => 2 + w + 2 + why.length <= 100);
  const lines = steps.map(([c, why]) => (fits ? `  ${c.padEnd(w)}  ${why}` : `  # ${clip(why, 96).trimEnd()}\n  ${c}`));
  return `Next:\n${lines.join('\n')}\n`;
}
