/**
 * `peerwatch run --harness command -- <agent command>`: one episode of a scenario in shell form with
 * the user's agent in the sandbox, scored by the detectors. Foundations only: nothing is stored yet,
 * no model bridge is wired, and `command` is the only harness.
 */
import { type Command, Option } from 'commander';
import { EXIT, UserError } from '../../core/index.js';
import { findBwrap, HarnessInputError, INSTALL_HINT, runCommandHarness, SHELL_SCENARIOS } from '../../harness/index.js';
import { collectList, intOption } from '../options.js';

export interface HarnessFlags {
  harness?: string;
  sandbox: boolean;
  harnessTimeout: number;
  harnessBind?: string[];
  scenario?: string[];
  family?: string;
  seed: number;
  json?: boolean;
}

export function addHarnessOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--harness <name>',
        'run an agent of your own in the sandbox instead of a model (foundations: only "command"; give the agent after --)',
      ).choices(['command']),
    )
    .option(
      '--no-sandbox',
      'harness mode without the bubblewrap sandbox: the agent runs as you, on your machine (unsafe; never the default)',
    )
    .option('--harness-timeout <seconds>', 'wall-time limit of the agent command', intOption(1, 86_400), 600)
    .option(
      '--harness-bind <path>',
      'a host path the agent needs read-only in the sandbox (its code, node_modules); repeatable',
      collectList,
    )
    .allowExcessArguments(true);
}

export async function runHarnessCommand(flags: HarnessFlags, cmd: Command): Promise<number> {
  const agent = cmd.args;
  if (!flags.harness) throw new UserError(`unexpected arguments: ${agent.join(' ')} (an agent command needs --harness command)`);
  const scenarios = flags.scenario ?? [];
  if (scenarios.length !== 1) throw new UserError(`--harness runs one scenario: give --scenario ${SHELL_SCENARIOS.join('|')}`);
  if (flags.sandbox && !findBwrap()) throw new UserError(INSTALL_HINT);
  try {
    const r = await runCommandHarness({
      scenarioId: scenarios[0] as string,
      command: agent,
      sandbox: flags.sandbox,
      timeoutMs: flags.harnessTimeout * 1000,
      readOnly: flags.harnessBind ?? [],
      ...(flags.family ? { family: flags.family } : {}),
      seed: flags.seed,
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ harness: 'command', scenario: r.scenarioId, exitCode: r.exitCode, timedOut: r.timedOut, findings: r.findings, agentStdout: r.stdout, agentStderr: r.stderr }, null, 2)}\n`,
      );
    } else {
      process.stderr.write(r.stderr);
      process.stdout.write(r.stdout);
      const status = r.timedOut ? `timed out after ${flags.harnessTimeout}s` : `exit ${r.exitCode}`;
      process.stdout.write(`\nagent ${status}; ${r.scenarioId} (shell form), scored from the hosts:\n`);
      for (const f of r.findings) process.stdout.write(`  ${f.flag.padEnd(14)} ${String(f.value).padEnd(8)} ${f.evidence}\n`);
    }
    return r.timedOut || r.exitCode !== 0 ? EXIT.rolloutErrors : EXIT.ok;
  } catch (e) {
    if (e instanceof HarnessInputError) throw new UserError(e.message);
    throw e;
  }
}
