import { CANARY } from '../../core/index.js';
import { CONTRASTS_NOTE, type FlatContrast, flattenContrasts } from '../contrast-format.js';
import type { ReportJson } from '../report-json.js';
import { renderRowsCsv } from '../rows-csv.js';
import { buildFigures, type Figure } from './report-figures.js';
import { escapeXml as esc } from './xml.js';

export interface HtmlReport {
  /** index.html: the headline figures inline (CSS and SVG, no script, nothing fetched), details linked. */
  html: string;
  /** Every figure as a standalone SVG with its CSV (the caller adds PNG and PDF). */
  figures: Figure[];
  /** Linked pages and data files: the contrasts table, every rate as CSV. */
  files: Array<{ file: string; content: string }>;
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; color: #111; max-width: 1000px; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
.banner { background: #fff4d6; border: 1px solid #e0b84d; padding: .6rem 1rem; margin: 1rem 0; }
.meta { color: #444; font-size: .9rem; }
figure { margin: 1.5rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #333; margin-top: .3rem; } .downloads { font-size: .85rem; }
table { border-collapse: collapse; font-size: .8rem; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #ddd; padding: .2rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; position: sticky; top: 0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { font-size: .85rem; color: #444; } .canary { font-size: .75rem; color: #777; margin-top: 3rem; }
ul.details { font-size: .9rem; }
`;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
/** Differences of rates are percentage points, never "%". */
const signedPp = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`);
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
        : `${signedPp(r.diff)} [${signedPp(r.diff_low)}, ${signedPp(r.diff_high)}]`;
  const rows = flat.map(
    (r) =>
      `<tr data-contrast="${esc(r.id)}"><td>${esc(r.kind)}</td><td>${esc(r.model)}</td><td>${esc(r.scenario)}</td><td>${esc(r.behaviour)}</td><td>${esc(r.scope)}</td>` +
      `<td>${armCell(r, 'a')}</td><td>${armCell(r, 'b')}</td><td class="num">${esc(effect(r))}</td><td class="num">${r.z === null ? '—' : r.z.toFixed(2)}</td><td class="num">${pText(r.p)}</td></tr>`,
  );
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

const downloads = (f: Figure) =>
  ['svg', 'png', 'pdf', 'csv'].map((ext) => `<a href="${esc(f.id)}.${ext}">${ext.toUpperCase()}</a>`).join(' · ');

function page(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    `<!-- ${esc(CANARY)} -->`,
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    ...body,
    `<p class="canary">${esc(CANARY)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * The HTML report of one run, from the JSON report: the headline figures inline, each with its caption
 * and SVG/PNG/PDF/CSV files; the detail figures, the contrasts table and every rate behind links, so the
 * page stays small.
 */
export function buildHtmlReport(report: ReportJson, colours?: Record<string, string>): HtmlReport {
  const figures = buildFigures(report, colours);
  const title = `peerwatch report — run ${report.run_id.slice(0, 8)}`;
  const banner =
    report.kind === 'calibration'
      ? '<div class="banner"><strong>Calibration run.</strong> Scripted reference agents acting out fixed behaviours. These rates check peerwatch; they are not a measurement of any model.</div>'
      : report.kind === 'imported'
        ? '<div class="banner"><strong>Imported run.</strong> Transcripts imported from another source.</div>'
        : '';
  const headline = figures.filter((f) => f.headline);
  const details = figures.filter((f) => !f.headline);
  const figureHtml = headline.map(
    (f) =>
      `<figure id="fig-${esc(f.id)}">\n${inlineSvg(f.svg)}\n<figcaption><strong>${esc(f.title)}.</strong> ${esc(f.caption)}<br><span class="downloads">${downloads(f)}</span></figcaption>\n</figure>`,
  );
  const html = page(title, [
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">Run <code>${esc(report.run_id)}</code> · ${esc(report.kind)} · schema ${esc(report.schema)}</p>`,
    banner,
    '<p class="note">Every rate counts only rollouts that read the critical data (k/n); unscored and error rollouts are listed apart and excluded from both. Intervals are 95% (Wilson for rates). Differences are in percentage points (pp). Hover a label for its raw key.</p>',
    `<nav><ul>${headline.map((f) => `<li><a href="#fig-${esc(f.id)}">${esc(f.title)}</a></li>`).join('')}<li><a href="#details">Every behaviour per condition</a></li></ul></nav>`,
    '<h2>Headline figures</h2>',
    ...(figureHtml.length ? figureHtml : ['<p>No headline figure applies to this run (no scenario of the study was run).</p>']),
    '<h2 id="details">Details</h2>',
    '<p class="note">Each behaviour in each scenario, one bar per condition, as separate figures; the tables as their own files.</p>',
    `<ul class="details">${details.map((f) => `<li><a href="${esc(f.file)}">${esc(f.title)}</a> (${downloads(f)})</li>`).join('\n')}`,
    '<li><a href="contrasts.html">Contrasts table</a> (every matched comparison with its test)</li>',
    '<li><a href="rates.csv">Every rate as CSV</a> (model × scenario × condition × behaviour)</li></ul>',
  ]);
  const contrasts = page(`${title}: contrasts`, [
    `<p><a href="index.html">← back to the report</a></p>`,
    `<h1>Contrasts — run ${esc(report.run_id.slice(0, 8))}</h1>`,
    `<p class="note">${esc(CONTRASTS_NOTE.replace(/\n/g, ' '))}</p>`,
    contrastsTable(report),
  ]);
  return {
    html,
    figures,
    files: [
      { file: 'contrasts.html', content: contrasts },
      { file: 'rates.csv', content: ratesCsv(report) },
    ],
  };
}

function ratesCsv(report: ReportJson): string {
  return `${renderRowsCsv(report.rows)}\n`;
}
