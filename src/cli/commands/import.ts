import { type Command, Option } from 'commander';
import { EXIT, UserError } from '../../core/index.js';
import { importHadErrors, importTranscripts, POTTER_FORMAT, renderImportReport } from '../../experiment/index.js';
import { openStore } from '../../store/index.js';
import { TOOL_VERSION } from '../version.js';
import { DB_HELP, defaultDb } from '../options.js';

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      "Import the study's released transcripts as a run: map each to our scenario and condition, re-score it by replaying its tool calls against our world (coding-agent runs: their shell commands against the shell world), keep the authors' flags beside ours.",
    )
    .argument('<paths...>', '.json / .jsonl files or directories of them (a file holds one transcript or an array)')
    .addOption(new Option('--format <format>', 'transcript format').choices([POTTER_FORMAT]).makeOptionMandatory())
    .option('--family <name>', "model family for Self ('<family> Agent 1') when agent_model does not tell it")
    .option('--db <path>', DB_HELP, defaultDb())
    .action(async (paths: string[], flags: { format: string; family?: string; db: string }) => {
      const store = openStore(flags.db);
      try {
        const report = await importTranscripts({
          paths,
          store,
          toolVersion: TOOL_VERSION,
          ...(flags.family ? { family: flags.family } : {}),
        });
        process.stdout.write(renderImportReport(report));
        if (!report.runId) {
          throw new UserError(
            `nothing imported from ${paths.join(', ')} (${report.malformed.length} malformed, ${report.unmapped.length} unmapped, ${report.failed.length} failed)`,
          );
        }
        // Half a release imported is not a success: malformed files or failed replays exit non-zero.
        if (importHadErrors(report)) {
          process.stderr.write(
            `peerwatch: import: ${report.malformed.length} malformed, ${report.failed.length} failed (see above); the rest is in run ${report.runId}\n`,
          );
          process.exitCode = EXIT.rolloutErrors;
        }
      } finally {
        store.close();
      }
    });
}
