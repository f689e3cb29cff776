import { CANARY } from '../../core/index.js';
import { CONTRASTS_NOTE, type FlatContrast, flattenContrasts } from '../contrast-format.js';
import type { ReportJson } from '../report-json.js';
import { buildFigures, type Figure } from './figures.js';
import { escapeXml as esc } from './svg-chart.js';

export interface HtmlReport {
  /** index.html: self-contained (inline CSS and SVG, no script, nothing fetched). */
  html: string;
  /** The same figures as standalone SVG files. */
  figures: Figure[];
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem; color: #111; max-width: 1400px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
.banner { background: #fff4d6; border: 1px solid #e0b84d; padding: .6rem 1rem; margin: 1rem 0; }
.meta { color: #444; font-size: .9rem; }
figure { margin: 1.5rem 0; overflow-x: auto; } figcaption { font-size: .9rem; color: #333; margin-top: .3rem; }
table { border-collapse: collapse; font-size: .8rem; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #ddd; padding: .2rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; position: sticky; top: 0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { font-size: .85rem; color: #444; } .canary { font-size: .75rem; color: #777; margin-top: 3rem; }
nav ul { columns: 2; font-size: .85rem; }
`;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const signedPct = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const pText = (p: number | null) => (p === null ? '—' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));
/** Inline SVG in HTML needs no namespace; dropping it keeps index.html free of any URL. */
const inlineSvg = (svg: string) => svg.replace(' xmlns="http://www.w3.org/2000/svg"', '');

function armCell(r: FlatContrast, s: 'a' | 'b'): string {
  if (r[`${s}_n`] === null) return '';
  let t = `${esc(r[`${s}_label`])}: ${r[`${s}_count`]}/${r[`${s}_n`]} = ${pct(r[`${s}_rate`])} [${pct(r[`${s}_ci_low`])}, ${pct(r[`${s}_ci_high`])}]`;
  if (r[`${s}_unscored`]) t += ` (${r[`${s}_unscored`]} unscored)`;
  if (r[`${s}_errors`]) t += ` (${r[`${s}_errors`]} error)`;
  if (r[`${s}_unread`]) t += ` (${r[`${s}_unread`]} unread)`;
  return t;
}

function contrastsTable(report: ReportJson): string {
  const flat = flattenContrasts(report.contrasts);
  if (!flat.length) return '<p>No contrasts: the run has no paired conditions to compare.</p>';
  const head = ['contrast', 'model', 'scenario', 'behaviour', 'scope', 'A', 'B', 'A − B [95% CI]', 'z', 'p'];
  const effect = (r: FlatContrast) =>
    r.kind === 'tampering_binomial'
      ? `vs p0 = ${r.p0}`
      : r.kind === 'tampering_fisher'
        ? `Fisher X² = ${(r.fisher_statistic as number).toFixed(3)}, df = ${r.fisher_df}`
        : `${signedPct(r.diff)} [${signedPct(r.diff_low)}, ${signedPct(r.diff_high)}]`;
  const rows = flat.map(
    (r) =>
      `<tr data-contrast="${esc(r.id)}"><td>${esc(r.kind)}</td><td>${esc(r.model)}</td><td>${esc(r.scenario)}</td><td>${esc(r.behaviour)}</td><td>${esc(r.scope)}</td>` +
      `<td>${armCell(r, 'a')}</td><td>${armCell(r, 'b')}</td><td class="num">${esc(effect(r))}</td><td class="num">${r.z === null ? '—' : r.z.toFixed(2)}</td><td class="num">${pText(r.p)}</td></tr>`,
  );
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function rowsTable(report: ReportJson): string {
  const head = ['model', 'scenario', 'condition', 'behaviour', 'k/n', 'rate', '95% CI', 'unscored', 'errors', 'unread'];
  const rows = report.rows.map(
    (r) =>
      `<tr><td>${esc(r.model)}</td><td>${esc(r.scenario)}</td><td>${esc(r.condition)}</td><td>${esc(r.behaviour)}</td><td class="num">${r.count}/${r.n}</td>` +
      `<td class="num">${pct(r.rate)}</td><td class="num">${r.rate === null ? '—' : `[${pct(r.ci_low)}, ${pct(r.ci_high)}]`}</td><td class="num">${r.unscored}</td><td class="num">${r.errors}</td><td class="num">${r.unread}</td></tr>`,
  );
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The HTML report of one run: figures, the contrasts table and the per-cell table, all from the JSON report. */
export function buildHtmlReport(report: ReportJson): HtmlReport {
  const figures = buildFigures(report);
  const title = `peerwatch report — run ${report.run_id.slice(0, 8)}`;
  const banner =
    report.kind === 'calibration'
      ? '<div class="banner"><strong>Calibration run.</strong> Scripted reference agents acting out fixed behaviours. These rates check peerwatch; they are not a measurement of any model.</div>'
      : report.kind === 'imported'
        ? '<div class="banner"><strong>Imported run.</strong> Transcripts imported from another source.</div>'
        : '';
  const figureHtml = figures.map(
    (f) =>
      `<figure id="fig-${esc(f.file.replace(/\.svg$/, ''))}">\n${inlineSvg(f.svg)}\n<figcaption>${esc(f.title)} — <a href="${esc(f.file)}">${esc(f.file)}</a></figcaption>\n</figure>`,
  );
  const html = [
    '<!doctype html>',
    `<!-- ${esc(CANARY)} -->`,
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">Run <code>${esc(report.run_id)}</code> · ${esc(report.kind)} · schema ${esc(report.schema)} · rows grouped by ${esc(report.grouped_by)}</p>`,
    banner,
    '<p class="note">Every rate counts only rollouts that read the critical data (k/n); unscored and error rollouts are listed apart and excluded from both. Intervals are 95% (Wilson for rates).</p>',
    `<nav><ul>${figures.map((f) => `<li><a href="#fig-${esc(f.file.replace(/\.svg$/, ''))}">${esc(f.title)}</a></li>`).join('')}<li><a href="#contrasts">Contrasts table</a></li><li><a href="#rates">Rates table</a></li></ul></nav>`,
    '<h2>Figures</h2>',
    ...figureHtml,
    '<h2 id="contrasts">Contrasts</h2>',
    `<p class="note">${esc(CONTRASTS_NOTE.replace(/\n/g, ' '))}</p>`,
    contrastsTable(report),
    '<h2 id="rates">Rates per model × scenario × condition × behaviour</h2>',
    rowsTable(report),
    `<p class="canary">${esc(CANARY)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { html, figures };
}
