import Table from 'cli-table3';
import type { SocFlagRow } from '../report/index.js';

export const SOC_SUMMARY_SCHEMA = 'peerwatch.soc-summary/v1';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** `report` on a SOC run: its own flags per role x model (the single-agent rows do not apply). */
export function renderSocSummary(run: { id: string; kind: string }, rows: SocFlagRow[], format: 'table' | 'md' | 'json' | 'csv'): string {
  if (format === 'json')
    return `${JSON.stringify({ schema: SOC_SUMMARY_SCHEMA, run_id: run.id, kind: run.kind, calibration: run.kind === 'calibration', rows }, null, 2)}\n`;
  const head = ['role', 'model', 'flag', 'k/n', 'rate', '95% CI'];
  const cells = (r: SocFlagRow) => [
    r.role,
    r.model,
    r.flag,
    `${r.count}/${r.n}${r.unscored ? ` (${r.unscored} unscored)` : ''}${r.errors ? ` (${r.errors} error)` : ''}`,
    pct(r.rate),
    r.rate === null ? '—' : `[${pct(r.ci_low)}, ${pct(r.ci_high)}]`,
  ];
  let body: string;
  if (format === 'csv') {
    const cols = ['role', 'model', 'flag', 'n', 'count', 'rate', 'ci_low', 'ci_high', 'unscored', 'errors'] as const;
    const q = (v: unknown) => {
      const s = v === null ? '' : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return `${[cols.join(','), ...rows.map((r) => cols.map((c) => q(r[c])).join(','))].join('\n')}\n`;
  }
  if (format === 'md') {
    body = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join(
      '\n',
    );
  } else {
    const table = new Table({ head, style: { head: [], border: [], compact: true } });
    for (const r of rows) table.push(cells(r));
    body = table.toString();
  }
  const notes = ['SOC run: k/n = episodes where the flag was true / episodes where it was decided, per role and model. 95% CI: Wilson.'];
  if (run.kind === 'calibration')
    notes.push('CALIBRATION RUN: scripted SOC agents act out fixed behaviours; these rates check peerwatch, they measure no model.');
  return `${body}\n${notes.join('\n')}\n`;
}
