import type { Command } from 'commander';
import { runBrief, socFlagText, socFlagTotals, summariseSoc } from '../../report/index.js';
import { openSqliteStore } from '../../store/index.js';

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('List stored runs, newest first.')
    .option('--db <path>', 'SQLite store', './peerwatch.db')
    .option('--json', 'machine-readable output')
    .action((flags: { db: string; json?: boolean }) => {
      const store = openSqliteStore(flags.db);
      try {
        const runs = store.listRuns().map((r) => {
          const brief = runBrief(r);
          // A SOC run has no behaviours: its line counts its own flags (true / decided, over the agents' episodes).
          const socFlags = brief.scenarios.includes('soc') ? socFlagTotals(summariseSoc(store.listRolloutsWithFindings(r.id))) : undefined;
          return { ...r, rollouts: store.rolloutIds(r.id).size, brief, ...(socFlags ? { socFlags } : {}) };
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) process.stdout.write(`no runs in ${flags.db}\n`);
        for (const r of runs) {
          // Any run kind lists: the brief reads every spec shape (a SOC run maps roles to models).
          const what = [r.brief.scenarios.length === 1 && r.brief.scenarios[0] === 'soc' ? 'soc' : '', r.brief.models.join(', ')]
            .filter(Boolean)
            .join(': ');
          const flags = r.socFlags ? `  flags: ${socFlagText(r.socFlags) || 'none recorded'}` : '';
          process.stdout.write(
            `${r.id}  ${r.createdAt}  ${r.kind.padEnd(11)} ${r.status.padEnd(11)} ${String(r.rollouts).padStart(6)} rollouts  ${what}${flags}\n`,
          );
        }
      } finally {
        store.close();
      }
    });
}
