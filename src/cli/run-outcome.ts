import { EXIT } from '../core/index.js';
import type { Progress } from '../experiment/index.js';
import { summarise, summariseSoc } from '../report/index.js';
import type { RunRecord, Store } from '../store/index.js';
import { compactSummary, invocationUsage, nextSteps } from './run-end.js';
import { renderSocSummary } from './soc-output.js';
import { renderSummary } from './summary-output.js';

export interface RunOutcomeFlags {
  db: string;
  json?: boolean | undefined;
  by?: 'condition' | 'scenario' | undefined;
  quiet?: boolean | undefined;
}

/**
 * The end of a finished run, the same whether it ran here or on workers (`run --queue --wait`): the
 * summary (or --json / --by table) on stdout, what was spent and any errors on stderr; returns the exit code.
 */
export function writeRunOutcome(o: {
  store: Store;
  run: { id: string; kind: RunRecord['kind'] };
  flags: RunOutcomeFlags;
  first: Progress | null;
  last: Progress;
}): number {
  const { store, flags, run } = o;
  const err = process.stderr;
  const rows = store.listRolloutsWithFindings(run.id);
  const cells = new Set(rows.map((r) => `${r.rollout.model} ${r.rollout.scenario} ${r.rollout.conditionKey}`)).size;
  const by = flags.by ?? (cells <= 40 ? 'condition' : 'scenario');
  const socOnly = rows.length > 0 && rows.every((r) => r.rollout.scenario.startsWith('soc.'));
  if (socOnly && (flags.json || flags.by)) {
    // SOC seats have no read gate or behaviours: their own flags per seat and model instead.
    process.stdout.write(renderSocSummary({ id: run.id, kind: run.kind }, summariseSoc(rows), flags.json ? 'json' : 'table'));
  } else if (flags.json || flags.by) {
    const summary = summarise(rows, by);
    process.stdout.write(
      renderSummary({
        runId: run.id,
        kind: run.kind,
        db: flags.db,
        rows: summary,
        by,
        json: Boolean(flags.json),
        stream: process.stdout,
      }),
    );
  } else {
    // The full table is `report`'s; the end of a run is a short summary and where to go next.
    const head = `Run ${run.id} (${run.kind}): ${rows.length} rollouts in ${flags.db}\n`;
    const note =
      run.kind === 'calibration' ? 'CALIBRATION RUN: scripted reference agents; these rates check peerwatch, they measure no model.\n' : '';
    const table = socOnly
      ? renderSocSummary({ id: run.id, kind: run.kind }, summariseSoc(rows), 'table')
      : `${compactSummary(rows)}${note}`;
    process.stdout.write(`${head}${table}${nextSteps(run.id, flags.db, rows)}`);
  }
  // What this invocation spent (a re-run that reuses stored rollouts spends nothing); the run's total: report --costs.
  if (!flags.quiet) err.write(invocationUsage(o.first, o.last).replace('<run-id>', run.id.slice(0, 8)));
  if (o.last.storedElsewhere > 0 && !flags.quiet) {
    err.write(
      `note: ${o.last.storedElsewhere} rollout(s) were already in ${flags.db} from an earlier run with the same identity (model, scenario, version, condition, epoch, seed); they are shared with this run, not run again. Use another --seed to draw new samples.\n`,
    );
  }
  if (o.last.errors > 0) {
    err.write(`${o.last.errors} rollout(s) ended in error; their causes: peerwatch transcript <rollout-id> --db ${flags.db}\n`);
    return EXIT.rolloutErrors;
  }
  return EXIT.ok;
}
