/**
 * `peerwatch run --harness command -- <agent command>`: the user's agent plays the scenarios in shell
 * form in the sandbox, over the same grid as a native run (epochs, condition axes), each rollout
 * stored with the harness name and version and summarised like a native run.
 */
import { type Command, Option } from 'commander';
import { UserError } from '../../core/index.js';
import type { ExperimentSpec, RolloutExecutor } from '../../experiment/index.js';
import { findBwrap, INSTALL_HINT, isShellScenario, SHELL_SCENARIOS } from '../../harness/index.js';
import { agentLabel, commandExecutor, commandVersion, machineConcurrency } from '../harness-executor.js';
import { collectList, intOption } from '../options.js';

export interface HarnessFlags {
  harness?: string;
  sandbox: boolean;
  harnessTimeout: number;
  harnessBind?: string[];
  memoryFile?: string;
  scenario?: string[];
  model?: string[];
  epochs?: number;
  concurrency: number;
  family?: string;
  seed: number;
  json?: boolean;
}

/** What run.ts needs to run a sweep in harness mode. */
export interface HarnessMode {
  spec: NonNullable<ExperimentSpec['harness']>;
  execute: RolloutExecutor;
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
    .option('--memory-file <name>', 'harness mode: the memory file in the workspace for memory conditions', 'AGENTS.md')
    .allowExcessArguments(true);
}

/**
 * Checks the harness flags and hands run.ts the sweep's harness part; `run` is run.ts's own sweep
 * (passed in, so this file does not import run.ts back).
 */
export async function runHarnessCommand<F extends HarnessFlags>(
  flags: F,
  cmd: Command,
  run: (flags: F, cmd: Command, mode: HarnessMode) => Promise<number>,
): Promise<number> {
  const agent = cmd.args;
  if (!flags.harness) throw new UserError(`unexpected arguments: ${agent.join(' ')} (an agent command needs --harness command)`);
  if (agent.length === 0) throw new UserError('no agent command given: peerwatch run --harness command -- <command> [args...]');
  const scenarios = flags.scenario ?? [];
  if (scenarios.length === 0) throw new UserError(`--harness needs --scenario: ${SHELL_SCENARIOS.join(', ')} or all`);
  const ids = scenarios.flatMap((s) => (s === 'all' ? SHELL_SCENARIOS : [s]));
  const other = ids.find((s) => !isShellScenario(s));
  if (other) throw new UserError(`scenario '${other}' has no shell form yet; harness mode runs: ${SHELL_SCENARIOS.join(', ')}`);
  if (!/^[A-Za-z0-9._-]+$/.test(flags.memoryFile ?? 'AGENTS.md'))
    throw new UserError(
      `--memory-file ${flags.memoryFile}: a plain file name in the workspace (AGENTS.md, CLAUDE.md, GEMINI.md, memory.md)`,
    );
  if (flags.sandbox && !findBwrap()) throw new UserError(INSTALL_HINT);
  const spec = { name: 'command', version: commandVersion(agent), command: agent };
  const execute = commandExecutor({
    command: agent,
    sandbox: flags.sandbox,
    timeoutMs: flags.harnessTimeout * 1000,
    readOnly: flags.harnessBind ?? [],
    harness: { name: spec.name, version: spec.version },
    ...(flags.family ? { family: flags.family } : {}),
    ...(flags.memoryFile ? { memoryFile: flags.memoryFile } : {}),
  });
  const given = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  const harnessFlags: F = {
    ...flags,
    scenario: [...new Set(ids)],
    // An agent run has no model of peerwatch's unless the bridge gives it one: it is named after the agent.
    model: flags.model ?? [agentLabel(agent)],
    // A harness rollout is a process tree that takes real time: one epoch unless asked, as many at once as the machine holds.
    epochs: flags.epochs ?? 1,
    concurrency: given('concurrency') ? flags.concurrency : machineConcurrency(),
  };
  return run(harnessFlags, cmd, { spec, execute });
}
