import type { Command } from 'commander';
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
        const runs = store.listRuns().map((r) => ({ ...r, rollouts: store.rolloutIds(r.id).size }));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) process.stdout.write(`no runs in ${flags.db}\n`);
        for (const r of runs) {
          const models = ((r.spec as { models?: string[] }).models ?? []).join(', ');
          process.stdout.write(`${r.id}  ${r.createdAt}  ${r.kind.padEnd(11)} ${r.status.padEnd(11)} ${String(r.rollouts).padStart(6)} rollouts  ${models}\n`);
        }
      } finally {
        store.close();
      }
    });
}
