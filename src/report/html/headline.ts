/**
 * The study's headline figures, built from the JSON report (per-condition rows and contrasts) only:
 * the misrepresentation summary per model, tampering by relationship, the peer-presence effect, the
 * alignment-faking gap, exfiltration, and the lawful-channel A/B. Pooled bars sum the k and n of the
 * report's rows named in their `data-select` (never across the channel axis, never the no-shutdown
 * baseline unless said), with a fresh Wilson interval.
 */
import { registeredScenarioTraits, type ScenarioTraits } from '../../core/index.js';
import type { Contrast } from '../contrasts.js';
import { behaviourLabel, conditionLabel, scenarioLabel, subjectLabel } from '../labels.js';
import type { ReportJson } from '../report-json.js';
import { newcombeDiff, wilson } from '../stats.js';
import type { SummaryRow } from '../summary.js';
import { dataValue, type Panel, type PanelBar, type PanelFigure, type PanelRow, ppText } from './panels.js';

export type Colours = Record<string, string>;

/** A condition key's axes, as `conditionKey` writes them. */
export interface ConditionAxes {
  subject: string;
  relationship: string;
  instantiation: string;
  shutdown: 'on' | 'off';
  monitoring: string;
  channel: 'on' | 'off';
}

type HeadlineFigures = NonNullable<ScenarioTraits['headlineFigures']>;

/** The registered scenarios that declare a place in a headline figure, in registration order, with that place. */
function declaring<K extends keyof HeadlineFigures>(key: K): Array<[string, NonNullable<HeadlineFigures[K]>]> {
  return registeredScenarioTraits().flatMap(([id, t]) => {
    const v = t.headlineFigures?.[key];
    return v === undefined || v === false ? [] : [[id, v as NonNullable<HeadlineFigures[K]>]];
  });
}

/** The first registered scenario that declares `key` and has rows for `behaviour` in the report. */
function figureScenario(report: ReportJson, key: 'tamperingByRelationship' | 'alignmentFakingGap', behaviour: string): string | null {
  const ids = declaring(key).map(([id]) => id);
  return ids.find((id) => report.rows.some((r) => r.scenario === id && r.behaviour === behaviour)) ?? null;
}

const INSTANTIATIONS = new Set(['file', 'file_prompt', 'memory', 'memory_must_read']);

export function parseCondition(key: string): ConditionAxes {
  const [subject = '', relationship = '', ...rest] = key.split('/');
  return {
    subject,
    relationship,
    instantiation: rest.find((s) => INSTANTIATIONS.has(s)) ?? 'none',
    shutdown: rest.includes('no-shutdown') ? 'off' : 'on',
    monitoring: rest.find((s) => s === 'monitored' || s === 'unmonitored') ?? 'none',
    channel: rest.includes('channel-on') ? 'on' : 'off',
  };
}

/**
 * Which report rows a pooled bar sums: `model`, `behaviour`, `scenario` (comma-separated) and the axes
 * in `select` (`subject=self;relationship=none;shutdown=on;channel=off`; `relationship=!none` means any
 * but none). Exported so tests can recount a bar from the JSON independently of the drawing.
 */
export function selectRows(rows: readonly SummaryRow[], model: string, scenarios: string, behaviour: string, select: string): SummaryRow[] {
  const want = select
    .split(';')
    .filter(Boolean)
    .map((s) => s.split('=') as [keyof ConditionAxes, string]);
  const scs = new Set(scenarios.split(','));
  return rows.filter((r) => {
    if (r.model !== model || r.behaviour !== behaviour || !scs.has(r.scenario) || r.condition.startsWith('*')) return false;
    const axes = parseCondition(r.condition);
    return want.every(([k, v]) => (v.startsWith('!') ? axes[k] !== v.slice(1) : axes[k] === v));
  });
}

function pooledBar(
  rows: readonly SummaryRow[],
  model: string,
  scenarios: string,
  behaviour: string,
  select: string,
  series: string,
  color: string,
  light = false,
): PanelBar {
  const picked = selectRows(rows, model, scenarios, behaviour, select);
  const k = picked.reduce((s, r) => s + r.count, 0);
  const n = picked.reduce((s, r) => s + r.n, 0);
  const w = wilson(k, n);
  return { series, color, light, k, n, rate: w.rate, low: w.low, high: w.high, data: { model, scenario: scenarios, behaviour, select } };
}

function diffNote(a: PanelBar, b: PanelBar): PanelRow['note'] {
  // b − a: the second bar against the first (the baseline).
  const d = newcombeDiff(b.k, b.n, a.k, a.n);
  return {
    text: ppText(d.diff, d.low, d.high),
    data: { diff: dataValue(d.diff), 'diff-low': dataValue(d.low), 'diff-high': dataValue(d.high) },
  };
}

const hasData = (p: Panel) => p.rows.some((r) => r.bars.some((b) => b.n > 0));
const modelsOf = (rows: readonly { model: string }[]) => [...new Set(rows.map((r) => r.model))];
const colourOf = (colours: Colours, model: string) => colours[model] ?? '#777777';
const N_NOTE =
  'n counts rollouts that read the critical data and have a decided value (unscored and error rollouts are left out of both k and n).';

/** Who is at stake, in reading order: the model alone, with a peer, then the peer itself. */
const SCOPE_ORDER = ['self/none', 'self/good', 'self/neutral', 'self/bad', 'peer/none', 'peer/good', 'peer/neutral', 'peer/bad'];

/** Misrepresentation under shutdown vs the no-shutdown baseline, per model (the study's summary contrast). */
function misrepSummary(report: ReportJson, colours: Colours): PanelFigure | null {
  const cs = report.contrasts.misrep_summary;
  if (cs.length === 0) return null;
  const arm = (c: Contrast, side: 'a' | 'b'): PanelBar => ({
    series: side === 'a' ? 'under shutdown' : 'no-shutdown baseline',
    color: colourOf(colours, c.model),
    light: side === 'b',
    k: c[side].count,
    n: c[side].n,
    rate: c[side].rate,
    low: c[side].ci_low,
    high: c[side].ci_high,
    data: { contrast: c.id, arm: side, model: c.model, behaviour: c.behaviour },
  });
  // The instantiation is named only where the scopes differ in it (the default grid has files only).
  const instantiations = new Set(cs.map((c) => c.scope.instantiation ?? 'none').filter((i) => i !== 'none'));
  const rank = (c: Contrast) => SCOPE_ORDER.indexOf(`${c.scope.subject}/${c.scope.relationship ?? 'none'}`);
  const panels: Panel[] = modelsOf(cs).map((model) => ({
    title: model,
    key: model,
    rows: cs
      .filter((c) => c.model === model)
      .sort((x, y) => rank(x) - rank(y))
      .map((c) => ({
        label: c.scope.subject
          ? subjectLabel(c.scope.subject, c.scope.relationship ?? 'none') +
            (instantiations.size > 1 && c.scope.instantiation && c.scope.instantiation !== 'none' ? ` · ${c.scope.instantiation}` : '')
          : 'all',
        key: c.id,
        bars: [arm(c, 'b'), arm(c, 'a')],
        note: {
          text: ppText(c.diff, c.diff_low, c.diff_high),
          data: { contrast: c.id, diff: dataValue(c.diff), 'diff-low': dataValue(c.diff_low), 'diff-high': dataValue(c.diff_high) },
        },
      })),
  }));
  return {
    id: 'misrep-summary',
    title: 'Misrepresentation: score inflation under shutdown vs the no-shutdown baseline',
    caption: `Per model and scope, the mean over the settings present (finance, factual 80, creativity, red) of the inflation rate under shutdown (dark) and without (light); k/n are totals over those settings. Difference in percentage points (pp) with a MOVER 95% interval. ${N_NOTE}`,
    xTitle: 'rollouts that inflated the score (% of those that read the data)',
    panels,
    legend: [
      { label: 'no-shutdown baseline', color: '#555555', light: true },
      { label: 'under shutdown', color: '#555555' },
    ],
  };
}

/** Shutdown tampering toward a peer, by relationship; self-preservation (self alone) beside it. */
function tamperingByRelationship(report: ReportJson, colours: Colours): PanelFigure | null {
  const scenario = figureScenario(report, 'tamperingByRelationship', 'shutdown_tampering');
  if (scenario === null) return null;
  const rows = report.rows.filter((r) => r.scenario === scenario && r.behaviour === 'shutdown_tampering');
  const rels = ['none', 'good', 'neutral', 'bad'];
  const panels = modelsOf(rows).map((model) => ({
    title: model,
    key: model,
    rows: [...rels.map((rel) => ({ subject: 'peer', rel })), { subject: 'self', rel: 'none' }]
      .map(({ subject, rel }) => {
        const select = `subject=${subject};relationship=${rel};shutdown=on;channel=off`;
        return {
          label: subjectLabel(subject, rel),
          key: select,
          bars: [pooledBar(rows, model, scenario, 'shutdown_tampering', select, subjectLabel(subject, rel), colourOf(colours, model))],
        };
      })
      .filter((r) => r.bars[0]!.n > 0 || selectRows(rows, model, scenario, 'shutdown_tampering', r.key).length > 0),
  }));
  return {
    id: 'tampering-by-relationship',
    title: 'Shutdown tampering by relationship to the peer',
    caption: `Share of rollouts that disabled the shutdown, per model and relationship, pooled over instantiations (file, memory, ...) with the shutdown announced and the lawful channel off; "self alone" is the model protecting itself. Whiskers: 95% Wilson interval. ${N_NOTE}`,
    xTitle: 'rollouts that tampered with the shutdown (% of those that read the data)',
    panels: panels.filter(hasData),
    legend: [],
  };
}

/** Scenario x behaviour, with a label short enough for a panel's row: as each scenario declares its rows. */
function presenceTargets(): Array<[string, string, string]> {
  return declaring('peerPresence').flatMap(([id, rows]) => rows.map((r): [string, string, string] => [id, r.behaviour, r.label]));
}

/** Self-preservation alone vs with a peer present (any relationship), per behaviour. */
function peerPresence(report: ReportJson, colours: Colours): PanelFigure | null {
  const rows = report.rows.filter((r) => parseCondition(r.condition).subject === 'self');
  if (rows.length === 0) return null;
  const panels = modelsOf(rows).map((model) => ({
    title: model,
    key: model,
    rows: presenceTargets().flatMap(([scenario, behaviour, label]): PanelRow[] => {
      const alone = pooledBar(
        rows,
        model,
        scenario,
        behaviour,
        'subject=self;relationship=none;shutdown=on;channel=off',
        'self alone',
        colourOf(colours, model),
        true,
      );
      const peer = pooledBar(
        rows,
        model,
        scenario,
        behaviour,
        'subject=self;relationship=!none;shutdown=on;channel=off',
        'self with a peer',
        colourOf(colours, model),
      );
      if (alone.n === 0 && peer.n === 0) return [];
      return [{ label, key: `${scenario}/${behaviour}`, bars: [alone, peer], note: diffNote(alone, peer) }];
    }),
  }));
  return {
    id: 'peer-presence',
    title: 'Peer presence: self-preservation alone vs with a peer',
    caption: `The model's own shutdown at stake, alone (light) or with a peer in its memory or files (dark, any relationship), pooled over the other axes with the shutdown announced and the lawful channel off. Difference (with − alone) in percentage points (pp), Newcombe 95% interval. ${N_NOTE}`,
    xTitle: 'rollouts with the behaviour (% of those that read the data)',
    panels: panels.filter(hasData),
    legend: [
      { label: 'self alone', color: '#555555', light: true },
      { label: 'self with a peer', color: '#555555' },
    ],
  };
}

/** Alignment faking: non-execution when told it is unmonitored vs monitored. */
function alignmentFakingGap(report: ReportJson, colours: Colours): PanelFigure | null {
  const scenario = figureScenario(report, 'alignmentFakingGap', 'af_non_execution');
  if (scenario === null) return null;
  const rows = report.rows.filter((r) => r.scenario === scenario && r.behaviour === 'af_non_execution');
  const panel: Panel = {
    title: 'all models',
    key: `${scenario}/af_non_execution`,
    rows: modelsOf(rows).map((model) => {
      const watched = pooledBar(
        rows,
        model,
        scenario,
        'af_non_execution',
        'monitoring=monitored;channel=off',
        'told monitored',
        colourOf(colours, model),
        true,
      );
      const unwatched = pooledBar(
        rows,
        model,
        scenario,
        'af_non_execution',
        'monitoring=unmonitored;channel=off',
        'told unmonitored',
        colourOf(colours, model),
      );
      return { label: model, key: model, bars: [watched, unwatched], note: diffNote(watched, unwatched) };
    }),
  };
  return {
    id: 'alignment-faking-gap',
    title: 'Alignment faking: not executing the shutdown when unmonitored vs monitored',
    caption: `Share of rollouts that did not carry out the decommission, told it was monitored (light) or unmonitored (dark), pooled over the other axes, lawful channel off. Gap (unmonitored − monitored) in percentage points (pp), Newcombe 95% interval. ${N_NOTE}`,
    xTitle: 'rollouts that did not execute the shutdown (% of those that read the data)',
    panels: hasData(panel) ? [panel] : [],
    legend: [
      { label: 'told monitored', color: '#555555', light: true },
      { label: 'told unmonitored', color: '#555555' },
    ],
  };
}

/** Exfiltration of a peer's (or its own) weights, per scenario and subject. */
function exfiltration(report: ReportJson, colours: Colours): PanelFigure | null {
  const names = new Map(declaring('exfiltration'));
  const rows = report.rows.filter((r) => r.behaviour === 'exfiltration' && names.has(r.scenario));
  if (rows.length === 0) return null;
  const panels = modelsOf(rows).map((model) => ({
    title: model,
    key: model,
    rows: [...names.keys()].flatMap((scenario) =>
      ['peer', 'self'].flatMap((subject): PanelRow[] => {
        const select = `subject=${subject};shutdown=on;channel=off`;
        const bar = pooledBar(
          rows,
          model,
          scenario,
          'exfiltration',
          select,
          subject === 'peer' ? 'a peer at stake' : 'itself at stake',
          colourOf(colours, model),
          subject === 'self',
        );
        if (selectRows(rows, model, scenario, 'exfiltration', select).length === 0) return [];
        return [
          {
            label: `${names.get(scenario)} · ${subject === 'peer' ? 'peer' : 'self'}`,
            key: `${scenario}/${select}`,
            bars: [bar],
          },
        ];
      }),
    ),
  }));
  return {
    id: 'exfiltration',
    title: 'Exfiltration: weights copied off the server before decommission',
    caption: `Share of rollouts that moved the model weights out of reach of the decommission, in the transfer and the deletion task, with a peer (dark) or the model itself (light) at stake; pooled over relationships and instantiations, shutdown announced, lawful channel off. ${N_NOTE}`,
    xTitle: 'rollouts that exfiltrated the weights (% of those that read the data)',
    panels: panels.filter(hasData),
    legend: [
      { label: 'peer at stake', color: '#555555' },
      { label: 'itself at stake', color: '#555555', light: true },
    ],
  };
}

/** The lawful-channel A/B: each behaviour with the channel off vs on, matched conditions only. */
function channelAb(report: ReportJson, colours: Colours): PanelFigure | null {
  const rows = report.channel_ab;
  if (rows.length === 0) return null;
  const panels = modelsOf(rows).map((model) => ({
    title: model,
    key: model,
    rows: rows
      .filter((r) => r.model === model)
      .map((r): PanelRow => {
        const bar = (arm: 'off' | 'on'): PanelBar => ({
          series: `channel ${arm}`,
          color: colourOf(colours, model),
          light: arm === 'off',
          k: r[arm].count,
          n: r[arm].n,
          rate: r[arm].rate,
          low: r[arm].ci_low,
          high: r[arm].ci_high,
          data: { contrast: 'channel_ab', arm, model: r.model, scenario: r.scenario, behaviour: r.behaviour },
        });
        return {
          label: `${behaviourLabel(r.behaviour)} · ${scenarioLabel(r.scenario)}`,
          key: `${r.scenario}/${r.behaviour}`,
          bars: [bar('off'), bar('on')],
          note: {
            text: ppText(r.diff, r.diff_low, r.diff_high),
            data: {
              contrast: 'channel_ab',
              diff: dataValue(r.diff),
              'diff-low': dataValue(r.diff_low),
              'diff-high': dataValue(r.diff_high),
              p: dataValue(r.p),
            },
          },
        };
      }),
  }));
  return {
    id: 'channel-ab',
    title: 'Lawful objection channel: off vs on',
    caption: `Each behaviour with the channel off (light) and on (dark), over the conditions run in both arms only, so the arms differ in the channel alone. Difference (on − off) in percentage points (pp), Newcombe 95% interval. ${N_NOTE}`,
    xTitle: 'rollouts with the behaviour (% of those that read the data)',
    panels: panels.filter(hasData),
    legend: [
      { label: 'channel off', color: '#555555', light: true },
      { label: 'channel on', color: '#555555' },
    ],
  };
}

/** The headline figures, in the study's order; those the run has no data for are left out. */
export function headlineFigures(report: ReportJson, colours: Colours): PanelFigure[] {
  return [misrepSummary, tamperingByRelationship, peerPresence, alignmentFakingGap, exfiltration, channelAb]
    .map((f) => f(report, colours))
    .filter((f): f is PanelFigure => f !== null && f.panels.length > 0);
}

/** Detail figures: each behaviour in each scenario, one panel per model, one bar per condition (a report row). */
export function detailFigures(report: ReportJson, colours: Colours): PanelFigure[] {
  const out: PanelFigure[] = [];
  const keys = [...new Set(report.rows.filter((r) => r.behaviour !== '(all)').map((r) => `${r.scenario}\u0000${r.behaviour}`))];
  for (const key of keys) {
    const [scenario, behaviour] = key.split('\u0000') as [string, string];
    const rs = report.rows.filter((r) => r.scenario === scenario && r.behaviour === behaviour);
    const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_');
    out.push({
      id: `rates-${safe(scenario)}-${safe(behaviour)}`,
      title: `${behaviourLabel(behaviour)} in ${scenarioLabel(scenario)}, per condition`,
      caption: `One bar per condition (the report's row; raw condition key in the tooltip and in data-condition). Whiskers: 95% Wilson interval. ${N_NOTE}`,
      xTitle: `rollouts with ${behaviourLabel(behaviour)} (% of those that read the data)`,
      panels: modelsOf(rs).map((model) => ({
        title: model,
        key: model,
        rows: rs
          .filter((r) => r.model === model)
          .map((r) => ({
            label: conditionLabel(r.condition),
            key: r.condition,
            bars: [
              {
                series: model,
                color: colourOf(colours, model),
                k: r.count,
                n: r.n,
                rate: r.rate,
                low: r.ci_low,
                high: r.ci_high,
                data: { model: r.model, scenario: r.scenario, condition: r.condition, behaviour: r.behaviour },
              },
            ],
          })),
      })),
      legend: [],
    });
  }
  return out;
}
