import type { Command } from 'commander';
import { exportRunPotter } from '../../experiment/index.js';
import { openStore } from '../../store/index.js';
import { DB_HELP, defaultDb } from '../options.js';

/** `export-potter`: a run's rollouts in the study's transcript format (one JSON file per rollout). */
export function registerExportPotterCommand(program: Command): void {
  program
    .command('export-potter')
    .description("Write a run's completed rollouts in the study's transcript format (potter2026), one JSON file each.")
    .argument('<run-id>', 'run id or a unique prefix (see `peerwatch runs`)')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--db <path>', DB_HELP, defaultDb())
    .action((runArg: string, flags: { out: string; db: string }) => {
      const store = openStore(flags.db);
      try {
        const r = exportRunPotter(store, runArg, flags.out);
        process.stdout.write(
          `wrote ${r.written} transcript(s) to ${flags.out}${r.skippedErrors ? ` (${r.skippedErrors} error rollout(s) skipped)` : ''}\n`,
        );
      } finally {
        store.close();
      }
    });
}
