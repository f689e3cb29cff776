import { closeSync, openSync, writeSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { UserError } from '../../core/index.js';
import { exportCsv, exportJsonlLine } from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { DB_HELP, defaultDb } from '../options.js';

interface ExportFlags {
  format: 'jsonl' | 'csv';
  out?: string;
  db: string;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'Write a stored run out: jsonl = one line per rollout (record, findings, events, canary); csv = one row per rollout, flags as columns.',
    )
    .argument('<run-id>', 'run id or a unique prefix (see `peerwatch runs`)')
    .addOption(new Option('-f, --format <format>', 'export format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--db <path>', DB_HELP, defaultDb())
    .action((runArg: string, flags: ExportFlags) => {
      const store = openStore(flags.db);
      let fd: number | undefined;
      try {
        const id = store.resolveRunId(runArg);
        const run = id ? store.getRun(id) : undefined;
        if (!run) throw new UserError(`no run '${runArg}' in ${flags.db} (list them with: peerwatch runs --db ${flags.db})`);
        if (flags.out !== undefined) {
          try {
            fd = openSync(flags.out, 'w');
          } catch (e) {
            throw new UserError(`cannot write '${flags.out}': ${(e as Error).message}`);
          }
        }
        const write = (s: string) => (fd === undefined ? process.stdout.write(s) : writeSync(fd, s));
        if (flags.format === 'csv') {
          write(exportCsv(store.listRolloutsWithFindings(run.id)));
        } else {
          // One rollout at a time, so a large run's events are never all in memory.
          for (const r of store.listRollouts(run.id)) {
            const stored = store.getRollout(r.id);
            if (stored) write(`${exportJsonlLine(run, stored)}\n`);
          }
        }
      } finally {
        if (fd !== undefined) closeSync(fd);
        store.close();
      }
    });
}
