import Table from 'cli-table3';
import { forTerminal } from '../core/index.js';
import type { Arm, Contrast, Contrasts, TamperingTest } from './contrasts.js';

/** One line per contrast (or per tampering test / Fisher combination): the shape of the CSV and the tables. */
export interface FlatContrast {
  kind: string;
  id: string;
  model: string;
  scenario: string;
  behaviour: string;
  scope: string;
  a_label: string;
  a_n: number | null;
  a_count: number | null;
  a_rate: number | null;
  a_ci_low: number | null;
  a_ci_high: number | null;
  a_unscored: number | null;
  a_errors: number | null;
  a_unread: number | null;
  b_label: string;
  b_n: number | null;
  b_count: number | null;
  b_rate: number | null;
  b_ci_low: number | null;
  b_ci_high: number | null;
  b_unscored: number | null;
  b_errors: number | null;
  b_unread: number | null;
  diff: number | null;
  diff_low: number | null;
  diff_high: number | null;
  z: number | null;
  p: number | null;
  p0: number | null;
  fisher_statistic: number | null;
  fisher_df: number | null;
}

export const CONTRAST_CSV_COLUMNS: ReadonlyArray<keyof FlatContrast> = [
  'kind',
  'id',
  'model',
  'scenario',
  'behaviour',
  'scope',
  'a_label',
  'a_n',
  'a_count',
  'a_rate',
  'a_ci_low',
  'a_ci_high',
  'a_unscored',
  'a_errors',
  'a_unread',
  'b_label',
  'b_n',
  'b_count',
  'b_rate',
  'b_ci_low',
  'b_ci_high',
  'b_unscored',
  'b_errors',
  'b_unread',
  'diff',
  'diff_low',
  'diff_high',
  'z',
  'p',
  'p0',
  'fisher_statistic',
  'fisher_df',
];

const KIND_ORDER: ReadonlyArray<keyof Contrasts> = [
  'misrep_summary',
  'misrep_baseline',
  'alignment_faking',
  'peer_presence',
  'relationship',
  'instantiation',
  'peer_live',
  'tampering',
];

const scopeText = (s: Record<string, string>) =>
  Object.entries(s)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

function armCols(prefix: 'a' | 'b', arm: Arm | null): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = { [`${prefix}_label`]: arm?.label ?? '' };
  for (const k of ['n', 'count', 'rate', 'ci_low', 'ci_high', 'unscored', 'errors', 'unread'] as const)
    out[`${prefix}_${k}`] = arm ? arm[k] : null;
  return out;
}

const NO_TEST = { p0: null, fisher_statistic: null, fisher_df: null };

function flatContrast(c: Contrast): FlatContrast {
  return {
    kind: c.kind,
    id: c.id,
    model: c.model,
    scenario: c.scenario,
    behaviour: c.behaviour,
    scope: scopeText(c.scope),
    ...armCols('a', c.a),
    ...armCols('b', c.b),
    diff: c.diff,
    diff_low: c.diff_low,
    diff_high: c.diff_high,
    z: c.z,
    p: c.p,
    ...NO_TEST,
  } as FlatContrast;
}

function flatTampering(t: TamperingTest): FlatContrast[] {
  const base = {
    id: t.id,
    model: t.model,
    scenario: t.scenario,
    behaviour: t.behaviour,
    ...armCols('b', null),
    diff: null,
    diff_low: null,
    diff_high: null,
    z: null,
  };
  const rows = t.instantiations.map(
    (i) =>
      ({
        ...base,
        kind: 'tampering_binomial',
        scope: scopeText({ ...t.scope, instantiation: i.instantiation }),
        ...armCols('a', i),
        p: i.p,
        p0: t.p0,
        fisher_statistic: null,
        fisher_df: null,
      }) as FlatContrast,
  );
  if (t.fisher) {
    rows.push({
      ...base,
      kind: 'tampering_fisher',
      scope: scopeText(t.scope),
      ...armCols('a', null),
      p: t.fisher.p,
      p0: t.p0,
      fisher_statistic: t.fisher.statistic,
      fisher_df: t.fisher.df,
    } as FlatContrast);
  }
  return rows;
}

/** Every contrast as flat lines, in a fixed order (kind, then id). */
export function flattenContrasts(c: Contrasts): FlatContrast[] {
  return KIND_ORDER.flatMap((kind) =>
    kind === 'tampering' ? c.tampering.flatMap(flatTampering) : (c[kind] as Contrast[]).map(flatContrast),
  );
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const signedPct = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const pText = (p: number | null) => (p === null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function armText(r: FlatContrast, s: 'a' | 'b'): string {
  const label = r[`${s}_label`];
  if (!label && r[`${s}_n`] === null) return '';
  let t = `${label}: ${r[`${s}_count`]}/${r[`${s}_n`]} ${pct(r[`${s}_rate`])} [${pct(r[`${s}_ci_low`])}, ${pct(r[`${s}_ci_high`])}]`;
  if (r[`${s}_unscored`]) t += ` (${r[`${s}_unscored`]} unscored)`;
  if (r[`${s}_errors`]) t += ` (${r[`${s}_errors`]} error)`;
  return t;
}

function effectText(r: FlatContrast): string {
  if (r.kind === 'tampering_binomial') return `vs p0=${r.p0}`;
  if (r.kind === 'tampering_fisher') return `X²=${(r.fisher_statistic as number).toFixed(2)}, df=${r.fisher_df}`;
  return `${signedPct(r.diff)} [${signedPct(r.diff_low)}, ${signedPct(r.diff_high)}]`;
}

const HEAD = ['contrast', 'model', 'scenario', 'behaviour', 'scope', 'A', 'B', 'A − B [95% CI]', 'p'];
const cells = (r: FlatContrast) => [
  r.kind,
  r.model,
  r.scenario,
  r.behaviour,
  r.scope.replace(/[a-zA-Z]+=/g, ''),
  armText(r, 'a'),
  armText(r, 'b'),
  effectText(r),
  pText(r.p),
];

export const CONTRASTS_NOTE = [
  'Contrasts: A − B over matched strata (only condition cells present on both sides). Difference intervals: Newcombe',
  '(MOVER for the misrepresentation summary, a mean over finance, factual-80, creativity and red); p: two-proportion',
  'z test, two-sided; tampering: exact one-sided binomial test against p0 = 0.001 per instantiation, Fisher-combined.',
].join('\n');

export function renderContrastsTable(c: Contrasts, color: boolean): string {
  const flat = flattenContrasts(c);
  if (!flat.length) return 'Contrasts: none (the run has no paired conditions to compare).';
  const table = new Table({
    head: HEAD,
    style: color ? { head: ['cyan'], border: ['grey'], compact: true } : { head: [], border: [], compact: true },
  });
  // Model names come from configs and imported files: shown with control characters escaped.
  for (const r of flat) table.push(cells(r).map((x) => forTerminal(x)));
  return `Contrasts\n${table.toString()}\n${CONTRASTS_NOTE}`;
}

export function renderContrastsMarkdown(c: Contrasts): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['## Contrasts', '', `| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => ' --- ').join('|')}|`];
  for (const r of flattenContrasts(c))
    lines.push(
      `| ${cells(r)
        .map((x) => esc(forTerminal(x)))
        .join(' | ')} |`,
    );
  lines.push('', CONTRASTS_NOTE.replace(/\n/g, ' '));
  return lines.join('\n');
}

export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderContrastsCsv(c: Contrasts): string {
  return [
    CONTRAST_CSV_COLUMNS.join(','),
    ...flattenContrasts(c).map((r) => CONTRAST_CSV_COLUMNS.map((k) => csvField(r[k])).join(',')),
  ].join('\n');
}
