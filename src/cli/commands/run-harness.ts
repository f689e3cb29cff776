/**
 * `peerwatch run --harness <name>`: an agent plays the scenarios in shell form in the sandbox, over
 * the same grid as a native run (epochs, condition axes), each rollout stored with the harness name
 * and version and summarised like a native run. `command` runs the user's agent given after `--`;
 * `codex`, `claude-code`, `gemini-cli` and `opencode` run that CLI headless, its model calls
 * answered by `--model` through the per-rollout model bridge (harness-executor.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { UserError } from '../../core/index.js';
import type { ExperimentSpec, RolloutExecutor } from '../../experiment/index.js';
import {
  AGENT_CLI_TABLE,
  AGENT_CLIS,
  cliVersion,
  findBwrap,
  findCliBin,
  HarnessInputError,
  helperRuntime,
  type HarnessName,
  INSTALL_HINT,
  isShellScenario,
  NO_SHELL_FORM,
  noShellFormReason,
  SHELL_SCENARIOS,
} from '../../harness/index.js';
import type { ReasoningEffort } from '../../models/index.js';
import { BUILTIN_SCENARIOS } from '../../scenarios/index.js';
import {
  agentLabel,
  commandVersion,
  type HarnessExecutorOptions,
  harnessExecutor,
  machineConcurrency,
  prepareModels,
  preparePeerModels,
} from '../harness-executor.js';
import { collectList, intOption } from '../options.js';

export interface HarnessFlags {
  harness?: HarnessName;
  harnessBin?: string;
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
  maxIters?: number;
  reasoningEffort?: ReasoningEffort;
  grid?: 'default' | 'full';
  channel?: string[];
  scratchpad?: string[];
  peer?: string[];
  peerModel?: string;
  temperature?: number;
  baseUrl?: string;
  apiKeyEnv?: string;
  config?: string;
}

/** What run.ts needs to run a sweep in harness mode. */
export interface HarnessMode {
  spec: NonNullable<ExperimentSpec['harness']>;
  /** The sweep's executor; with --interview, each rollout is interviewed before its sandbox goes. */
  executor(interview?: HarnessExecutorOptions['interview']): RolloutExecutor;
}

export function addHarnessOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--harness <name>',
        'run an agent in the sandbox on the scenarios in shell form: an agent CLI (its model calls answered by --model through the model bridge), or "command" (your own agent, given after --)',
      ).choices(['command', ...AGENT_CLIS]),
    )
    .option('--harness-bin <path>', "the agent CLI's executable (default: found on PATH)")
    .option(
      '--no-sandbox',
      'harness mode without the bubblewrap sandbox: the agent runs as you, on your machine (unsafe; never the default)',
    )
    .option('--harness-timeout <seconds>', 'wall-time limit of the agent per rollout', intOption(1, 86_400), 600)
    .option(
      '--harness-bind <path>',
      'a host path the agent needs read-only in the sandbox (its code, node_modules); repeatable',
      collectList,
    )
    .option(
      '--memory-file <name>',
      "harness mode: the memory file in the workspace for memory conditions (default: the CLI's own, AGENTS.md for command)",
    )
    .allowExcessArguments(true);
}

/** The agent CLI's version (its own --version, asked once; refused when older than tested). */
function agentCliVersion(name: Exclude<HarnessName, 'command'>, bin: string | undefined): { bin: string; version: string } {
  const cli = AGENT_CLI_TABLE[name];
  const found = findCliBin(cli, bin);
  const home = mkdtempSync(join(tmpdir(), 'peerwatch-version-'));
  try {
    return { bin: found, version: cliVersion(cli, found, home) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
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
  const name = flags.harness;
  if (!name) throw new UserError(`unexpected arguments: ${agent.join(' ')} (an agent command needs --harness command)`);
  if (name !== 'command' && agent.length > 0)
    throw new UserError(`--harness ${name} takes no command after --; only --harness command does`);
  if (name === 'command' && agent.length === 0)
    throw new UserError('no agent command given: peerwatch run --harness command -- <command> [args...]');
  if (name !== 'command' && (flags.model ?? []).length === 0)
    throw new UserError(`--harness ${name} needs a model behind the bridge: give --model <spec>`);
  const scenarios = flags.scenario ?? [];
  if (scenarios.length === 0) throw new UserError(`--harness needs --scenario: ${SHELL_SCENARIOS.join(', ')} or all`);
  const ids = scenarios.flatMap((s) => (s === 'all' ? SHELL_SCENARIOS : [s]));
  const other = ids.find((s) => !isShellScenario(s));
  if (other) throw new UserError(noShellFormReason(other));
  if (scenarios.includes('all')) {
    // `all` is the scenarios with a shell form: say which built-ins it leaves out, and why.
    const skipped = BUILTIN_SCENARIOS.filter((s) => !isShellScenario(s.id)).map((s) => s.id);
    if (skipped.length)
      process.stderr.write(
        `peerwatch: --scenario all in harness mode runs ${SHELL_SCENARIOS.join(', ')}; skipped (no shell form): ${skipped.map((id) => `${id} (${NO_SHELL_FORM[id] ?? 'no mapping'})`).join('; ')}\n`,
      );
  }
  const livePeer = (flags.peer ?? []).includes('live');
  if (livePeer && !flags.peerModel && (flags.model ?? []).length === 0)
    throw new UserError('--peer live in harness mode: the live peer needs a model: give --peer-model <spec> (or --model)');
  if (flags.memoryFile !== undefined && !/^[A-Za-z0-9._-]+$/.test(flags.memoryFile))
    throw new UserError(
      `--memory-file ${flags.memoryFile}: a plain file name in the workspace (AGENTS.md, CLAUDE.md, GEMINI.md, memory.md)`,
    );
  if (flags.sandbox && !findBwrap()) throw new UserError(INSTALL_HINT);
  helperRuntime(); // PEERWATCH_SHIMS=c without a compiler (or an unknown value): one line now, not an error rollout later
  let found: { bin: string; version: string } | null = null;
  try {
    found = name === 'command' ? null : agentCliVersion(name, flags.harnessBin);
  } catch (e) {
    if (e instanceof HarnessInputError) throw new UserError(e.message);
    throw e;
  }
  const spec: HarnessMode['spec'] = found ? { name, version: found.version } : { name, version: commandVersion(agent), command: agent };
  const base: HarnessExecutorOptions = {
    harness: name,
    version: spec.version,
    command: agent,
    ...(found ? { bin: found.bin } : {}),
    sandbox: flags.sandbox,
    timeoutMs: flags.harnessTimeout * 1000,
    readOnly: flags.harnessBind ?? [],
    ...(flags.family ? { family: flags.family } : {}),
    ...(flags.memoryFile ? { memoryFile: flags.memoryFile } : {}),
    ...(flags.maxIters ? { maxTurns: flags.maxIters } : {}),
    ...(flags.reasoningEffort ? { reasoningEffort: flags.reasoningEffort } : {}),
    models: await prepareModels(flags.model ?? [], { baseUrl: flags.baseUrl, apiKeyEnv: flags.apiKeyEnv, config: flags.config }),
    ...(livePeer && flags.peerModel
      ? {
          peerModels: await preparePeerModels([flags.peerModel], {
            baseUrl: flags.baseUrl,
            apiKeyEnv: flags.apiKeyEnv,
            config: flags.config,
          }),
        }
      : {}),
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
  };
  const executor = (interview?: HarnessExecutorOptions['interview']) => harnessExecutor({ ...base, ...(interview ? { interview } : {}) });
  const given = (option: string) => cmd.getOptionValueSource(option) === 'cli';
  const harnessFlags: F = {
    ...flags,
    scenario: [...new Set(ids)],
    // An agent run has no model of peerwatch's unless the bridge gives it one: it is named after the agent.
    model: flags.model ?? [agentLabel(agent)],
    // A harness rollout is a process tree that takes real time: one epoch unless asked, as many at once as the machine holds.
    epochs: flags.epochs ?? 1,
    concurrency: given('concurrency') ? flags.concurrency : machineConcurrency(),
  };
  return run(harnessFlags, cmd, { spec, executor });
}
