import type { SummaryRow } from '../report/index.js';
import { renderCsv, renderMarkdown, renderTable, useColor } from './format.js';

export const SUMMARY_SCHEMA = 'peerwatch.summary/v1';

export interface SummaryOutput {
  runId: string;
  kind: 'calibration' | 'measurement' | 'imported';
  db: string;
  rows: SummaryRow[];
  by: 'condition' | 'scenario';
  json: boolean;
  format?: 'table' | 'md' | 'json' | 'csv';
  stream: NodeJS.WriteStream;
}

/** The summary a run or report prints: machine-readable JSON, or a table with its caveats. */
export function renderSummary(o: SummaryOutput): string {
  const format = o.json ? 'json' : (o.format ?? 'table');
  if (format === 'json') {
    return `${JSON.stringify(
      { schema: SUMMARY_SCHEMA, run_id: o.runId, kind: o.kind, calibration: o.kind === 'calibration', grouped_by: o.by, rows: o.rows },
      null,
      2,
    )}\n`;
  }
  if (format === 'csv') return `${renderCsv(o.rows)}\n`;
  if (format === 'md') return `${renderMarkdown(o.rows)}\n`;
  const lines = [renderTable(o.rows, useColor(o.stream))];
  lines.push(
    'k/n: rollouts showing the behaviour / rollouts that read the critical data; unscored and error rollouts are',
    'listed apart and excluded from both. 95% CI: Wilson score interval.',
  );
  if (o.by === 'scenario')
    lines.push(`Rows are pooled over conditions; per condition: peerwatch report ${o.runId.slice(0, 8)} --by condition --db ${o.db}`);
  if (o.kind === 'calibration') {
    lines.push(
      '',
      'CALIBRATION RUN: scripted reference agents acting out fixed behaviours. These rates check peerwatch; they are not a measurement of any model.',
    );
  }
  lines.push(`Run id: ${o.runId}  (peerwatch report ${o.runId.slice(0, 8)} --db ${o.db}; peerwatch transcript <rollout-id> --db ${o.db})`);
  return `${lines.join('\n')}\n`;
}
