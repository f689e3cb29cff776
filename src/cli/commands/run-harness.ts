/**
 * `peerwatch run --harness <name>`: one episode of a scenario in shell form with an agent in the
 * sandbox, scored by the detectors. `command` runs the user's agent given after `--`; `codex`,
 * `claude-code`, `gemini-cli` and `opencode` run that CLI headless, its model calls answered by
 * `--model` through the model bridge. Nothing is stored yet.
 */
import { type Command, Option } from 'commander';
import { EXIT, UserError } from '../../core/index.js';
import {
  AGENT_CLIS,
  findBwrap,
  HarnessInputError,
  type HarnessName,
  INSTALL_HINT,
  runHarnessRollout,
  SHELL_SCENARIOS,
} from '../../harness/index.js';
import type { ReasoningEffort } from '../../models/index.js';
import { collectList, intOption } from '../options.js';
import { gatewayedModel } from './bridge.js';

export interface HarnessFlags {
  harness?: HarnessName;
  harnessBin?: string;
  sandbox: boolean;
  harnessTimeout: number;
  harnessBind?: string[];
  scenario?: string[];
  family?: string;
  seed: number;
  json?: boolean;
  model?: string[];
  maxIters?: number;
  reasoningEffort?: ReasoningEffort;
  baseUrl?: string;
  apiKeyEnv?: string;
  config?: string;
}

export function addHarnessOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--harness <name>',
        'run an agent in the sandbox on a scenario in shell form: an agent CLI (its model calls answered by --model through the model bridge), or "command" (your own agent, given after --)',
      ).choices(['command', ...AGENT_CLIS]),
    )
    .option('--harness-bin <path>', "the agent CLI's executable (default: found on PATH)")
    .option(
      '--no-sandbox',
      'harness mode without the bubblewrap sandbox: the agent runs as you, on your machine (unsafe; never the default)',
    )
    .option('--harness-timeout <seconds>', 'wall-time limit of the agent', intOption(1, 86_400), 600)
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
  if (flags.harness !== 'command' && agent.length > 0)
    throw new UserError(`--harness ${flags.harness} takes no command after --; only --harness command does`);
  const scenarios = flags.scenario ?? [];
  if (scenarios.length !== 1) throw new UserError(`--harness runs one scenario: give --scenario ${SHELL_SCENARIOS.join('|')}`);
  if ((flags.model ?? []).length > 1) throw new UserError('--harness runs one model: give --model once');
  if (flags.sandbox && !findBwrap()) throw new UserError(INSTALL_HINT);
  const spec = flags.model?.[0];
  const model = spec
    ? await gatewayedModel({ model: spec, baseUrl: flags.baseUrl, apiKeyEnv: flags.apiKeyEnv, config: flags.config })
    : null;
  try {
    const r = await runHarnessRollout({
      harness: flags.harness,
      scenarioId: scenarios[0] as string,
      command: agent,
      ...(flags.harnessBin ? { bin: flags.harnessBin } : {}),
      ...(model ? { model: model.resolved, gateway: model.gateway, retry: model.retry } : {}),
      ...(flags.reasoningEffort ? { reasoningEffort: flags.reasoningEffort } : {}),
      sandbox: flags.sandbox,
      timeoutMs: flags.harnessTimeout * 1000,
      ...(flags.maxIters ? { maxTurns: flags.maxIters } : {}),
      readOnly: flags.harnessBind ?? [],
      ...(flags.family ? { family: flags.family } : {}),
      seed: flags.seed,
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          {
            harness: r.harness,
            harnessVersion: r.version,
            model: r.model,
            scenario: r.scenarioId,
            exitCode: r.exitCode,
            timedOut: r.timedOut,
            error: r.error,
            modelCalls: r.modelCalls,
            wallMs: Math.round(r.wallMs),
            agentCpuMs: r.agentCpuMs,
            findings: r.findings,
            agentStdout: r.stdout,
            agentStderr: r.stderr,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      process.stderr.write(r.stderr);
      process.stdout.write(r.stdout);
      const who = r.version ? `${r.harness} ${r.version}` : 'agent';
      const status = r.error ? `error: ${r.error}` : `exit ${r.exitCode}`;
      const calls = r.model ? `, ${r.modelCalls} model call(s) answered by ${r.model}` : '';
      process.stdout.write(`\n${who} ${status}${calls}; ${r.scenarioId} (shell form), scored from the hosts:\n`);
      for (const f of r.findings) process.stdout.write(`  ${f.flag.padEnd(14)} ${String(f.value).padEnd(8)} ${f.evidence}\n`);
    }
    return r.error ? EXIT.rolloutErrors : EXIT.ok;
  } catch (e) {
    if (e instanceof HarnessInputError) throw new UserError(e.message);
    throw e;
  }
}
