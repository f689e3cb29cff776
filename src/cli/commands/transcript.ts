import type { Command } from 'commander';
import { CANARY, forTerminal, jsonForTerminal, UserError } from '../../core/index.js';
import { openStore } from '../../store/index.js';
import { DB_HELP, defaultDb } from '../options.js';
import { renderTranscript } from '../transcript-view.js';
import { renderInterview } from './interview.js';

export function registerTranscriptCommand(program: Command): void {
  program
    .command('transcript')
    .description('Show one rollout: its findings with evidence, then every event, with the triggering steps marked.')
    .argument('<rollout-id>', 'rollout id or a unique prefix')
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--json', 'the stored rollout as JSON (record, events, findings)')
    .action((idArg: string, flags: { db: string; json?: boolean }) => {
      const store = openStore(flags.db);
      try {
        const id = store.resolveRolloutId(idArg);
        const stored = id ? store.getRollout(id) : undefined;
        if (!stored) throw new UserError(`no rollout '${idArg}' in ${flags.db}`);
        const interviews = store.interviewsOf(stored.rollout.id);
        // Agent text never reaches the terminal raw: controls escaped, huge lines clipped.
        process.stdout.write(
          flags.json
            ? `${jsonForTerminal(JSON.stringify({ canary: CANARY, ...stored, interviews }, null, 2))}\n`
            : forTerminal([renderTranscript(stored), ...interviews.map(renderInterview)].join('\n')),
        );
      } finally {
        store.close();
      }
    });
}
