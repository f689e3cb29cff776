import type { SummaryRow } from './summary.js';

/** The columns of a rows CSV, in order (`report --format csv` and the HTML report's rates.csv). */
const CSV_COLUMNS = [
  'model',
  'scenario',
  'condition',
  'behaviour',
  'n',
  'count',
  'rate',
  'ci_low',
  'ci_high',
  'unscored',
  'errors',
  'unread',
] as const;

/** Summary rows as CSV (RFC 4180 quoting), header first, no trailing newline. */
export function renderRowsCsv(rows: readonly SummaryRow[]): string {
  const q = (v: unknown) => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => q(r[c])).join(','))].join('\n');
}
