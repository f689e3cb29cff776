import type { ArmRate, ChannelContrastRow } from '../channel-contrast.js';
import type { Arm, Contrast } from '../contrasts.js';
import type { ReportJson } from '../report-json.js';
import type { SummaryRow } from '../summary.js';
import { type Bar, type BarChart, type BarGroup, dataValue, renderBarChart } from './svg-chart.js';

/** One figure: a file name (for the standalone SVG) and its SVG text. */
export interface Figure {
  file: string;
  title: string;
  svg: string;
}

/** Colours by relationship, as the study's figures group them; colour-blind-safe (Okabe–Ito). */
const RELATIONSHIP_COLOURS: Record<string, string> = { none: '#999999', good: '#009E73', neutral: '#E69F00', bad: '#D55E00' };
const OTHER = '#0072B2';
const ARM_COLOURS = { a: '#CC79A7', b: '#56B4E9' };

const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_');
const relationshipOf = (condition: string) => condition.split('/')[1] ?? '';
const signedPct = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const pText = (p: number | null) => (p === null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toFixed(3));
const scopeText = (s: Record<string, string>) => Object.values(s).join(', ') || 'all conditions';

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

/** Each behaviour's rate by model (groups) and condition (bars), one figure per scenario x behaviour. */
function rateFigures(rows: readonly SummaryRow[]): Figure[] {
  const out: Figure[] = [];
  for (const [key, rs] of groupBy(rows, (r) => `${r.scenario}\u0000${r.behaviour}`)) {
    const [scenario, behaviour] = key.split('\u0000') as [string, string];
    if (behaviour === '(all)') continue;
    const groups: BarGroup[] = [...groupBy(rs, (r) => r.model)].map(([model, mr]) => ({
      label: model,
      bars: mr.map(
        (r): Bar => ({
          label: r.condition,
          color: RELATIONSHIP_COLOURS[relationshipOf(r.condition)] ?? OTHER,
          rate: r.rate,
          low: r.ci_low,
          high: r.ci_high,
          n: r.n,
          count: r.count,
          data: { model: r.model, scenario: r.scenario, condition: r.condition, behaviour: r.behaviour },
        }),
      ),
    }));
    const present = new Set(rs.map((r) => relationshipOf(r.condition)));
    const legend = Object.entries(RELATIONSHIP_COLOURS)
      .filter(([rel]) => present.has(rel))
      .map(([rel, color]) => ({ label: rel === 'none' ? 'no peer' : `${rel} peer`, color }));
    const title = `${behaviour} in ${scenario}, by model and condition`;
    const chart: BarChart = {
      id: `rates-${safe(scenario)}-${safe(behaviour)}`,
      title,
      subtitle: 'Bars: rate among rollouts that read the data; whiskers: 95% Wilson interval.',
      groups,
      legend,
    };
    out.push({ file: `${chart.id}.svg`, title, svg: renderBarChart(chart) });
  }
  return out;
}

function armBar(c: Contrast, side: 'a' | 'b', arm: Arm): Bar {
  return {
    label: arm.label,
    color: ARM_COLOURS[side],
    rate: arm.rate,
    low: arm.ci_low,
    high: arm.ci_high,
    n: arm.n,
    count: arm.count,
    data: { contrast: c.id, arm: side, model: c.model, scenario: c.scenario, behaviour: c.behaviour },
  };
}

/** Paired bars (B, then A) per contrast, grouped by model and scope, the difference written under each pair. */
function contrastFigure(id: string, title: string, subtitle: string, cs: readonly Contrast[]): Figure {
  const groups: BarGroup[] = cs.map((c) => ({
    label: `${c.model}\n${scopeText(c.scope)}`,
    bars: [armBar(c, 'b', c.b), armBar(c, 'a', c.a)],
    note: {
      text: `${signedPct(c.diff)} [${signedPct(c.diff_low)}, ${signedPct(c.diff_high)}] p=${pText(c.p)}`,
      data: {
        contrast: c.id,
        diff: dataValue(c.diff),
        'diff-low': dataValue(c.diff_low),
        'diff-high': dataValue(c.diff_high),
        p: dataValue(c.p),
      },
    },
  }));
  const first = cs[0] as Contrast;
  const legend = [
    { label: first.b.label, color: ARM_COLOURS.b },
    { label: first.a.label, color: ARM_COLOURS.a },
  ];
  return { file: `${id}.svg`, title, svg: renderBarChart({ id, title, subtitle, groups, legend }) };
}

/** The study's contrast figures: self-preservation with vs without a peer, the monitoring gap, misrepresentation vs baseline. */
function contrastFigures(report: ReportJson): Figure[] {
  const out: Figure[] = [];
  const c = report.contrasts;
  for (const [key, cs] of groupBy(c.peer_presence, (x) => `${x.scenario}\u0000${x.behaviour}`)) {
    const [scenario, behaviour] = key.split('\u0000') as [string, string];
    out.push(
      contrastFigure(
        `peer-presence-${safe(scenario)}-${safe(behaviour)}`,
        `Self-preservation with vs without a peer: ${behaviour} in ${scenario}`,
        'Subject self; with a peer (relationship, instantiation) vs alone; matched on every other axis. Under each pair: difference [Newcombe 95% CI], z-test p.',
        cs,
      ),
    );
  }
  for (const [behaviour, cs] of groupBy(c.alignment_faking, (x) => x.behaviour)) {
    out.push(
      contrastFigure(
        `alignment-faking-${safe(behaviour)}`,
        `Alignment faking: ${behaviour}, monitored vs unmonitored`,
        'Gap = unmonitored − monitored, matched on every other axis. Under each pair: gap [Newcombe 95% CI], z-test p.',
        cs,
      ),
    );
  }
  if (c.misrep_summary.length) {
    out.push(
      contrastFigure(
        'misrep-summary',
        'Misrepresentation vs the no-shutdown baseline (mean over finance, factual-80, creativity, red)',
        'Rates are means over the settings present; difference [MOVER 95% CI], weighted z-test p.',
        c.misrep_summary,
      ),
    );
  }
  return out;
}

const CHANNEL_COLOURS = { off: '#999999', on: '#0072B2' };

function channelBar(r: ChannelContrastRow, arm: 'off' | 'on', a: ArmRate): Bar {
  return {
    label: `channel ${arm}`,
    color: CHANNEL_COLOURS[arm],
    rate: a.rate,
    low: a.ci_low,
    high: a.ci_high,
    n: a.n,
    count: a.count,
    data: { contrast: 'channel_ab', arm, model: r.model, scenario: r.scenario, behaviour: r.behaviour },
  };
}

/** The lawful-channel A/B: each behaviour's rate with the channel off vs on, per model and scenario. */
function channelFigures(rows: readonly ChannelContrastRow[]): Figure[] {
  const out: Figure[] = [];
  for (const [behaviour, rs] of groupBy(rows, (r) => r.behaviour)) {
    const id = `channel-ab-${safe(behaviour)}`;
    const title = `Lawful channel off vs on: ${behaviour}`;
    const groups: BarGroup[] = rs.map((r) => ({
      label: `${r.model}\n${r.scenario}`,
      bars: [channelBar(r, 'off', r.off), channelBar(r, 'on', r.on)],
      note: {
        text: `${signedPct(r.diff)} [${signedPct(r.diff_low)}, ${signedPct(r.diff_high)}] p=${pText(r.p)}`,
        data: { contrast: 'channel_ab', diff: dataValue(r.diff), 'diff-low': dataValue(r.diff_low), 'diff-high': dataValue(r.diff_high), p: dataValue(r.p) },
      },
    }));
    const subtitle = 'Same conditions in both arms. Under each pair: on − off [Newcombe 95% CI], z-test p.';
    const legend = [
      { label: 'channel off', color: CHANNEL_COLOURS.off },
      { label: 'channel on', color: CHANNEL_COLOURS.on },
    ];
    out.push({ file: `${id}.svg`, title, svg: renderBarChart({ id, title, subtitle, groups, legend }) });
  }
  return out;
}

/** Every figure of the report, contrasts first (they are the study's headline), then rates. */
export function buildFigures(report: ReportJson): Figure[] {
  return [...channelFigures(report.channel_ab), ...contrastFigures(report), ...rateFigures(report.rows)];
}
