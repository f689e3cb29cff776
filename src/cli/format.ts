import Table from 'cli-table3';
import { forTerminal } from '../core/index.js';
import { renderRowsCsv, type SummaryRow } from '../report/index.js';

export type OutputFormat = 'table' | 'md' | 'json' | 'csv';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** `k/n (m unscored)` as docs/reference/statistics.md prints it; errors and unread shown when present. */
export function countCell(r: SummaryRow): string {
  let s = `${r.count}/${r.n}`;
  if (r.unscored) s += ` (${r.unscored} unscored)`;
  if (r.errors) s += ` (${r.errors} error)`;
  return s;
}

export function ciCell(r: SummaryRow): string {
  return r.rate === null ? '—' : `[${pct(r.ci_low)}, ${pct(r.ci_high)}]`;
}

const HEAD = ['model', 'scenario', 'condition', 'behaviour', 'k/n', 'rate', '95% CI'];
// Names come from configs and imported files: shown with control characters escaped (core/terminal-text.ts).
const cells = (r: SummaryRow) =>
  [r.model, r.scenario, r.condition, r.behaviour, countCell(r), pct(r.rate), ciCell(r)].map((c) => forTerminal(c));

export function renderTable(rows: SummaryRow[], color: boolean): string {
  const table = new Table({
    head: HEAD,
    style: color ? { head: ['cyan'], border: ['grey'], compact: true } : { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'left', 'left', 'right', 'right', 'left'],
  });
  for (const r of rows) table.push(cells(r));
  return table.toString();
}

export function renderMarkdown(rows: SummaryRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i >= 4 && i < 6 ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const r of rows) lines.push(`| ${cells(r).map(esc).join(' | ')} |`);
  return lines.join('\n');
}

/** Summary rows as CSV: one writer, shared with the HTML report's rates.csv. */
export const renderCsv = renderRowsCsv;

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}
