import type { Command } from 'commander';
import { isSocRun, runBrief, socFlagText, socFlagTotals, summariseSoc } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { DB_HELP, defaultDb } from '../options.js';
import { progressLines, readQueueProgress } from './queue.js';

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('List stored runs, newest first.')
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--json', 'machine-readable output')
    .option('--queue <url>', 'also show queued/running/done/failed per worker from this Redis (runs planned with run --queue)')
    .action(async (flags: { db: string; json?: boolean; queue?: string }) => {
      const store = openStore(flags.db);
      try {
        const runs = store.listRuns().map((r) => {
          const brief = runBrief(r);
          // A SOC run has no behaviours: its line counts its own flags (true / decided, over the agents' episodes).
          const socFlags = isSocRun(brief) ? socFlagTotals(summariseSoc(store.listRolloutsWithFindings(r.id))) : undefined;
          return { ...r, rollouts: store.rolloutCount(r.id), brief, ...(socFlags ? { socFlags } : {}) };
        });
        // Queued / running / failed jobs and the workers, from the queue; done is the store's count.
        const queue = flags.queue
          ? await readQueueProgress(
              flags.queue,
              runs.map((r) => r.id),
            )
          : null;
        if (flags.json) {
          const withProgress = runs.map((r) => {
            const progress = queue?.progress.get(r.id);
            return progress ? { ...r, progress } : r;
          });
          process.stdout.write(`${JSON.stringify(withProgress, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) process.stdout.write(`no runs in ${flags.db}\n`);
        for (const r of runs) {
          // Any run kind lists: the brief reads every spec shape (a SOC run maps roles to models).
          const what = [isSocRun(r.brief) ? 'soc' : '', r.brief.models.join(', ')].filter(Boolean).join(': ');
          const flags = r.socFlags ? `  flags: ${socFlagText(r.socFlags) || 'none recorded'}` : '';
          process.stdout.write(
            `${r.id}  ${r.createdAt}  ${r.kind.padEnd(11)} ${r.status.padEnd(11)} ${String(r.rollouts).padStart(6)} rollouts  ${what}${flags}\n`,
          );
          const q = queue?.progress.get(r.id);
          if (q) for (const line of progressLines(q, r.rollouts, queue!.nowMs)) process.stdout.write(`    ${line}\n`);
        }
      } finally {
        store.close();
      }
    });
}
