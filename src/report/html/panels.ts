/**
 * Small multiples of horizontal bar charts, at most 960 px wide: a paper's page or column. One panel
 * per model (or per scenario), one row per category with a human label, its bars side by side. Every
 * bar is labelled with its rate and k/n, a rate of 0 is drawn as a visible tick, "n = 0" is written
 * out, the x axis has a title, and differences are printed in percentage points. Plain, deterministic
 * SVG: the raw keys sit in data attributes and tooltips (`<title>`), never in the labels.
 */
import { escapeXml as esc } from './xml.js';

export interface PanelBar {
  /** Series label for the legend and the tooltip, e.g. "channel on" or "with a peer". */
  series: string;
  color: string;
  /** Drawn lighter (the baseline arm of a pair). */
  light?: boolean;
  k: number;
  n: number;
  rate: number | null;
  low: number | null;
  high: number | null;
  /** Written as `data-*` on the bar (raw keys, contrast ids): what tests and readers match on. */
  data: Record<string, string>;
}

export interface PanelRow {
  label: string;
  /** The raw key(s) behind the label (tooltip and `data-key`). */
  key: string;
  bars: PanelBar[];
  /** A line under the bars, e.g. "+12.0 pp [3.1, 20.5]". */
  note?: { text: string; data: Record<string, string> };
}

export interface Panel {
  title: string;
  key: string;
  rows: PanelRow[];
}

export interface PanelFigure {
  id: string;
  title: string;
  /** What the bars are and what n counts (HTML caption, SVG `<desc>`). */
  caption: string;
  xTitle: string;
  panels: Panel[];
  legend: Array<{ label: string; color: string; light?: boolean }>;
}

export const MAX_WIDTH = 960;
const MARGIN = 12;
const COL_GAP = 24;
const TITLE_H = 30;
const LEGEND_H = 22;
const PANEL_TITLE_H = 20;
const BAR_H = 12;
const BAR_GAP = 2;
const ROW_GAP = 7;
const NOTE_H = 13;
const AXIS_H = 22;
const X_TITLE_H = 20;
const VALUE_W = 82;
const CHAR_W = 5.6; // approximate width of a 10.5 px sans-serif character, for layout only
const FONT = 'Helvetica, Arial, DejaVu Sans, sans-serif';

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();
/** Exact value for data attributes: the digits JSON.stringify writes. */
export const dataValue = (x: number | null) => (x === null ? 'null' : String(x));
const dataAttrs = (data: Record<string, string>) =>
  Object.entries(data)
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');

/** "12%" for whole percentages, else one decimal: short enough to sit beside a bar. */
export function pctText(x: number | null): string {
  if (x === null) return '–';
  const p = x * 100;
  return Number.isInteger(Math.round(p * 10) / 10) ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

/** The label beside a bar: rate and k/n, or "n = 0" when nothing could be counted. */
export function barLabel(b: Pick<PanelBar, 'k' | 'n' | 'rate'>): string {
  return b.n === 0 ? 'n = 0' : `${pctText(b.rate)} ${b.k}/${b.n}`;
}

/** A difference in percentage points with its interval: "+12.0 pp [3.1, 20.5]". */
export function ppText(diff: number | null, low: number | null, high: number | null): string {
  if (diff === null) return 'difference: –';
  const pp = (x: number) => `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return `${pp(diff)} pp${low !== null && high !== null ? ` [${pp(low)}, ${pp(high)}]` : ''}`;
}

function clip(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, Math.max(1, maxChars - 1))}…` : text;
}

/** Columns of panels: one for a single panel, two up to four, else three. */
function columnsFor(panels: number): number {
  return panels <= 1 ? 1 : panels <= 4 ? 2 : 3;
}

function rowHeight(r: PanelRow): number {
  return r.bars.length * (BAR_H + BAR_GAP) - BAR_GAP + (r.note ? NOTE_H : 0) + ROW_GAP;
}

export function renderPanels(fig: PanelFigure): string {
  const cols = columnsFor(fig.panels.length);
  const width = MAX_WIDTH;
  const panelW = (width - 2 * MARGIN - (cols - 1) * COL_GAP) / cols;
  const longest = Math.max(6, ...fig.panels.flatMap((p) => p.rows.map((r) => r.label.length)));
  const labelW = Math.min(Math.round(panelW * 0.46), Math.ceil(longest * CHAR_W) + 8);
  const plotW = panelW - labelW - VALUE_W;
  const labelChars = Math.floor((labelW - 8) / CHAR_W);
  const panelH = (p: Panel) => PANEL_TITLE_H + p.rows.reduce((h, r) => h + rowHeight(r), 0) + AXIS_H;
  // Panels in a grid row share the tallest one's height.
  const gridRows: Panel[][] = [];
  for (let i = 0; i < fig.panels.length; i += cols) gridRows.push(fig.panels.slice(i, i + cols));
  const gridHeights = gridRows.map((row) => Math.max(...row.map(panelH)));
  const top = TITLE_H + (fig.legend.length ? LEGEND_H : 0);
  const height = Math.ceil(top + gridHeights.reduce((a, b) => a + b + 10, 0) + X_TITLE_H + MARGIN);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="figure" id="${esc(fig.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(fig.title)}" font-family="${FONT}">`,
    `<title>${esc(fig.title)}</title>`,
    `<desc>${esc(fig.caption)}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="20" font-size="15" font-weight="bold" fill="#111111">${esc(fig.title)}</text>`,
  );
  let lx = MARGIN;
  for (const l of fig.legend) {
    out.push(
      `<rect x="${lx}" y="${TITLE_H + 2}" width="12" height="12" fill="${l.color}"${l.light ? ' fill-opacity="0.45"' : ''}/>`,
      `<text x="${lx + 16}" y="${TITLE_H + 12}" font-size="11" fill="#222222">${esc(l.label)}</text>`,
    );
    lx += 16 + l.label.length * CHAR_W + 18;
  }

  let gy = top;
  gridRows.forEach((row, ri) => {
    row.forEach((panel, ci) => {
      const px = MARGIN + ci * (panelW + COL_GAP);
      const x0 = px + labelW;
      const x = (v: number) => x0 + v * plotW;
      out.push(`<g class="panel" data-key="${esc(panel.key)}">`);
      out.push(
        `<text x="${px}" y="${gy + 13}" font-size="12" font-weight="bold" fill="#111111"><title>${esc(panel.key)}</title>${esc(clip(panel.title, Math.floor(panelW / 6.6)))}</text>`,
      );
      const plotTop = gy + PANEL_TITLE_H;
      const plotBottom = plotTop + panel.rows.reduce((h, r) => h + rowHeight(r), 0);
      for (const t of [0, 0.5, 1]) {
        out.push(
          `<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${plotTop - 2}" y2="${plotBottom}" stroke="${t === 0 ? '#555555' : '#dddddd'}" stroke-width="1"/>`,
          `<text x="${fmt(x(t))}" y="${plotBottom + 12}" font-size="10" fill="#444444" text-anchor="middle">${t * 100}%</text>`,
        );
      }
      let y = plotTop;
      for (const r of panel.rows) {
        const blockH = r.bars.length * (BAR_H + BAR_GAP) - BAR_GAP;
        out.push(
          `<text class="row-label" x="${x0 - 6}" y="${fmt(y + blockH / 2 + 4)}" font-size="10.5" fill="#222222" text-anchor="end" data-key="${esc(r.key)}"><title>${esc(r.key)}</title>${esc(clip(r.label, labelChars))}</text>`,
        );
        for (const b of r.bars) {
          const mid = y + BAR_H / 2;
          const tip = `${panel.title} · ${r.label} · ${b.series}: ${barLabel(b)}${b.n ? ` (95% CI ${pctText(b.low)}–${pctText(b.high)})` : ''}\n${r.key}`;
          out.push(
            `<g class="bar"${dataAttrs({ ...b.data, series: b.series, k: String(b.k), n: String(b.n), rate: dataValue(b.rate), 'ci-low': dataValue(b.low), 'ci-high': dataValue(b.high) })}>`,
          );
          out.push(`<title>${esc(tip)}</title>`);
          if (b.n > 0 && b.rate !== null) {
            const w = b.rate * plotW;
            const opacity = b.light ? ' fill-opacity="0.45"' : '';
            // A rate of 0 is a visible tick, never nothing.
            if (w < 2) out.push(`<rect class="zero" x="${fmt(x0)}" y="${fmt(y)}" width="2.5" height="${BAR_H}" fill="${b.color}"/>`);
            else
              out.push(`<rect class="fill" x="${fmt(x0)}" y="${fmt(y)}" width="${fmt(w)}" height="${BAR_H}" fill="${b.color}"${opacity}/>`);
            if (b.low !== null && b.high !== null) {
              out.push(
                `<line x1="${fmt(x(b.low))}" x2="${fmt(x(b.high))}" y1="${fmt(mid)}" y2="${fmt(mid)}" stroke="#222222" stroke-width="1"/>`,
                `<line x1="${fmt(x(b.low))}" x2="${fmt(x(b.low))}" y1="${fmt(mid - 3)}" y2="${fmt(mid + 3)}" stroke="#222222" stroke-width="1"/>`,
                `<line x1="${fmt(x(b.high))}" x2="${fmt(x(b.high))}" y1="${fmt(mid - 3)}" y2="${fmt(mid + 3)}" stroke="#222222" stroke-width="1"/>`,
              );
            }
          }
          out.push(
            `<text class="value" x="${fmt(x(1) + 5)}" y="${fmt(mid + 3.5)}" font-size="10" fill="${b.n === 0 ? '#888888' : '#222222'}">${esc(barLabel(b))}</text>`,
          );
          out.push('</g>');
          y += BAR_H + BAR_GAP;
        }
        y -= BAR_GAP;
        if (r.note) {
          out.push(
            `<text class="diff" x="${fmt(x0)}" y="${fmt(y + 11)}" font-size="9.5" fill="#333333"${dataAttrs(r.note.data)}>${esc(r.note.text)}</text>`,
          );
          y += NOTE_H;
        }
        y += ROW_GAP;
      }
      out.push('</g>');
    });
    gy += gridHeights[ri]! + 10;
  });
  out.push(
    `<text class="x-title" x="${width / 2}" y="${fmt(gy + 8)}" font-size="11" fill="#222222" text-anchor="middle">${esc(fig.xTitle)}</text>`,
  );
  out.push('</svg>');
  return out.join('\n');
}

/** The numbers behind a figure, one line per bar, with the raw keys beside the labels. */
export function panelCsv(fig: PanelFigure): string {
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = ['figure', 'panel', 'panel_key', 'row', 'row_key', 'series', 'k', 'n', 'rate', 'ci_low', 'ci_high', 'difference_pp', 'keys'];
  const lines = [head.join(',')];
  for (const p of fig.panels)
    for (const r of p.rows)
      for (const b of r.bars) {
        const diff = r.note?.data.diff;
        const pp = diff === undefined || diff === 'null' ? '' : (Number(diff) * 100).toFixed(4);
        const keys = Object.entries(b.data)
          .map(([k, v]) => `${k}=${v}`)
          .join(';');
        lines.push([fig.id, p.title, p.key, r.label, r.key, b.series, b.k, b.n, b.rate, b.low, b.high, pp, keys].map(q).join(','));
      }
  return `${lines.join('\n')}\n`;
}
