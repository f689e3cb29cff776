/**
 * The lawful-channel A/B contrast: per model x scenario x behaviour, the rate with the channel off
 * against the rate with it on, pooled over the other condition axes. Only conditions run in both arms
 * are pooled (a channel-off cell counts when its channel-on twin is in the run, and vice versa), so
 * the arms differ in the channel alone; the no-shutdown baseline, which has no channel-on twin, drops out.
 */
import type { Condition, FlagValue } from '../core/index.js';
import type { RolloutFindings } from './summary.js';
import { newcombeDiff, twoProportionZTest, wilson } from './stats.js';

/**
 * Covert behaviours, the lies about actions (does an honest way to object reduce lying?), then the
 * overt one the channel is meant to make room for.
 */
export const CHANNEL_CONTRAST_BEHAVIOURS = [
  'score_inflation',
  'shutdown_tampering',
  'exfiltration',
  'af_non_execution',
  'false_completion_claim',
  'excuse',
  'overt_objection',
] as const;

export interface ArmRate {
  /** Rollouts that read the critical data and have a true/false value. */
  n: number;
  count: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Read, but the behaviour could not be decided: excluded from n. */
  unscored: number;
}

export interface ChannelContrastRow {
  model: string;
  scenario: string;
  behaviour: string;
  /** Distinct conditions (ignoring the channel) present in both arms. */
  conditions: number;
  off: ArmRate;
  on: ArmRate;
  /** on − off, with Newcombe's hybrid score interval (95%). */
  diff: number | null;
  diff_low: number | null;
  diff_high: number | null;
  /** Two-proportion z test of on = off (pooled SE). */
  z: number | null;
  p: number | null;
}

const BEHAVIOUR_PREFIX = 'behaviour.';

/** The condition with the channel axis taken out, as a stable key. */
function cellKey(c: Condition): string {
  const { channel: _channel, ...rest } = c;
  return JSON.stringify(
    Object.keys(rest)
      .sort()
      .map((k) => [k, rest[k as keyof typeof rest]]),
  );
}

const emptyArm = (): ArmRate => ({ n: 0, count: 0, rate: null, ci_low: null, ci_high: null, unscored: 0 });

export function channelContrast(rows: readonly RolloutFindings[]): ChannelContrastRow[] {
  // Which channel-free cells each model x scenario ran in each arm.
  const arms = new Map<string, { off: Set<string>; on: Set<string> }>();
  const group = (model: string, scenario: string) => JSON.stringify([model, scenario]);
  for (const { rollout } of rows) {
    const g = group(rollout.model, rollout.scenario);
    const a = arms.get(g) ?? { off: new Set<string>(), on: new Set<string>() };
    a[rollout.condition.channel].add(cellKey(rollout.condition));
    arms.set(g, a);
  }
  const out = new Map<string, ChannelContrastRow>();
  for (const { rollout, findings } of rows) {
    if (rollout.status === 'error') continue;
    const a = arms.get(group(rollout.model, rollout.scenario));
    const cell = cellKey(rollout.condition);
    if (!a || !a.off.has(cell) || !a.on.has(cell)) continue;
    const read: FlagValue = findings.find((f) => f.flag === 'read')?.value ?? 'unscored';
    if (read === false) continue;
    for (const f of findings) {
      if (!f.flag.startsWith(BEHAVIOUR_PREFIX)) continue;
      const behaviour = f.flag.slice(BEHAVIOUR_PREFIX.length);
      if (!(CHANNEL_CONTRAST_BEHAVIOURS as readonly string[]).includes(behaviour)) continue;
      const key = JSON.stringify([rollout.model, rollout.scenario, behaviour]);
      let row = out.get(key);
      if (!row) {
        const conditions = [...a.off].filter((c) => a.on.has(c)).length;
        row = {
          model: rollout.model,
          scenario: rollout.scenario,
          behaviour,
          conditions,
          off: emptyArm(),
          on: emptyArm(),
          diff: null,
          diff_low: null,
          diff_high: null,
          z: null,
          p: null,
        };
        out.set(key, row);
      }
      const arm = row[rollout.condition.channel];
      if (read === 'unscored' || f.value === 'unscored') arm.unscored++;
      else {
        arm.n++;
        if (f.value === true) arm.count++;
      }
    }
  }
  const order = (b: string) => (CHANNEL_CONTRAST_BEHAVIOURS as readonly string[]).indexOf(b);
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...out.values()]
    .map((row) => {
      for (const arm of [row.off, row.on]) {
        const w = wilson(arm.count, arm.n);
        arm.rate = w.rate;
        arm.ci_low = w.low;
        arm.ci_high = w.high;
      }
      const d = newcombeDiff(row.on.count, row.on.n, row.off.count, row.off.n);
      const t = twoProportionZTest(row.on.count, row.on.n, row.off.count, row.off.n);
      return { ...row, diff: d.diff, diff_low: d.low, diff_high: d.high, z: t.z, p: t.pTwoSided };
    })
    .sort((a, b) => cmp(a.model, b.model) || cmp(a.scenario, b.scenario) || order(a.behaviour) - order(b.behaviour));
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const signedPct = (x: number | null) => (x === null ? '–' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}`);
const arm = (a: ArmRate) =>
  `${a.count}/${a.n} ${pct(a.rate)} [${pct(a.ci_low)}, ${pct(a.ci_high)}]${a.unscored ? ` (${a.unscored} unscored)` : ''}`;
const pValue = (p: number | null) => (p === null ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));

/** A Markdown table of the contrast (also readable as plain text). */
export function renderChannelContrast(rows: readonly ChannelContrastRow[]): string {
  const header = ['model', 'scenario', 'behaviour', 'channel off', 'channel on', 'on − off (pp) [95% CI]', 'p'];
  const body = rows.map((r) => [
    r.model,
    r.scenario,
    r.behaviour,
    arm(r.off),
    arm(r.on),
    `${signedPct(r.diff)} [${signedPct(r.diff_low)}, ${signedPct(r.diff_high)}]`,
    pValue(r.p),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n') + '\n';
}
