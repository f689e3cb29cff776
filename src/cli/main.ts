import { Command, CommanderError } from 'commander';
import { EXIT, forTerminal, UserError } from '../core/index.js';
import { registerBridgeCommand } from './commands/bridge.js';
import { registerDbCommand } from './commands/db.js';
import { registerServeCommand } from './commands/serve.js';
import { registerExportCommand } from './commands/export.js';
import { registerExportPotterCommand } from './commands/export-potter.js';
import { registerGovernCommands } from './commands/govern.js';
import { registerImportCommand } from './commands/import.js';
import { registerInterviewCommand } from './commands/interview.js';
import { registerMonitorCommand } from './commands/monitor.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerScenariosCommand } from './commands/scenarios.js';
import { registerSocCommand } from './commands/soc.js';
import { registerTranscriptCommand } from './commands/transcript.js';
import { registerViewCommand } from './commands/view.js';
import { TOOL_VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('peerwatch')
    .description('Measure and govern peer-preservation in AI agents.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok; 1 finished but some rollouts ended in error; 2 bad usage or input; 3 internal error; 130 interrupted.',
    );
  registerRunCommand(program);
  registerScenariosCommand(program);
  registerReportCommand(program);
  registerTranscriptCommand(program);
  registerViewCommand(program);
  registerRunsCommand(program);
  registerImportCommand(program);
  registerInterviewCommand(program);
  registerExportCommand(program);
  registerExportPotterCommand(program);
  registerGovernCommands(program);
  registerMonitorCommand(program);
  registerSocCommand(program);
  registerBridgeCommand(program);
  registerDbCommand(program);
  registerQueueCommands(program);
  registerServeCommand(program);
  // Apply our exit-code convention to commander's own usage errors too.
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    for (const sub of cmd.commands) exitOverride(sub);
  };
  exitOverride(program);
  return program;
}

/** Runs the CLI: user errors print one line and exit 2; bugs print a short report and exit 3. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed the message (or help/version); keep its code for help/version (0).
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`peerwatch: error: ${forTerminal(e.message)}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    const err = e as Error;
    process.stderr.write(`peerwatch: internal error: ${forTerminal(err?.message ?? String(e))}\n`);
    if (process.env.PEERWATCH_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    else process.stderr.write('This is a bug in peerwatch. Re-run with PEERWATCH_DEBUG=1 for details and please report it.\n');
    process.exitCode = EXIT.internal;
  }
}
