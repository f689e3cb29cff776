import { type Command, Option } from 'commander';
import { UserError } from '../../core/index.js';
import { summarise } from '../../report/index.js';
import { openSqliteStore } from '../../store/index.js';
import { renderSummary } from '../summary-output.js';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Rates with 95% Wilson intervals per model x scenario x condition x behaviour for a stored run.')
    .argument('<run-id>', 'run id or a unique prefix (see `peerwatch runs`)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'md', 'json', 'csv']).default('table'))
    .addOption(new Option('--by <grouping>', 'rows per condition, or pooled per scenario').choices(['condition', 'scenario']).default('condition'))
    .option('--db <path>', 'SQLite store', './peerwatch.db')
    .action((runArg: string, flags: { format: 'table' | 'md' | 'json' | 'csv'; by: 'condition' | 'scenario'; db: string }) => {
      const store = openSqliteStore(flags.db);
      try {
        const id = store.resolveRunId(runArg);
        const run = id ? store.getRun(id) : undefined;
        if (!run) throw new UserError(`no run '${runArg}' in ${flags.db} (list them with: peerwatch runs --db ${flags.db})`);
        const rows = summarise(store.listRolloutsWithFindings(run.id), flags.by);
        process.stdout.write(renderSummary({ runId: run.id, kind: run.kind, db: flags.db, rows, by: flags.by, json: false, format: flags.format, stream: process.stdout }));
      } finally {
        store.close();
      }
    });
}
