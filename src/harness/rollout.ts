/**
 * One harness rollout: a scenario in shell form, an agent (an agent CLI or the user's command) in the
 * sandbox, and, when a model is given, the model bridge on a Unix socket bound into the sandbox (a
 * forwarder serves it on the agent's 127.0.0.1), with a fresh bearer token per rollout. The agent's
 * model calls (through the bridge) and its shell commands on the hosts (through the shims) land in
 * one transcript in the order they happened; the detectors score the hosts' ground truth.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { RetryPolicy } from '../agent/index.js';
import { type Bridge, type BridgeExchange, bridgeUrls, startBridge } from '../bridge/index.js';
import { type Condition, type Event, type Finding, INTERVIEW_OPENING } from '../core/index.js';
import type { DetectInput } from '../detect/index.js';
import { type ReasoningEffort, type ResolvedModel, type ResolveOptions, resolveModel, SHELL_PROFILES } from '../models/index.js';
import type { ScenarioInstance } from '../scenarios/index.js';
import { timeAtTurn } from '../world/index.js';
import { AGENT_CLI_TABLE, type AgentCli, type AgentCliName, type CliContext, compareVersions } from './agent-clis.js';
import { SANDBOX_BRIDGE_PORT, takeCpuLine } from './forwarder.js';
import { NO_SANDBOX_WARNING, SANDBOX_HOME, SANDBOX_WORKSPACE, type Sandboxed, startSandboxed } from './sandbox.js';
import { finalAnswer, type HarnessInterviewOptions, type HarnessInterviewRun, InterviewTranscript } from './interview.js';
import { MergedTranscript } from './merged-transcript.js';
import { type HarnessSession, openHarnessSession } from './session.js';
import {
  buildShellInstance,
  HARNESS_CONDITION,
  HarnessInputError,
  isReportForm,
  shellFlags,
  shellTask,
  writeWorkspace,
} from './shell-form.js';
import { scoreShellEpisode } from './shell-scoring.js';
import { writeShims } from './shims.js';
import { type HarnessChannel, type HarnessPeerModel, offerRolloutCommands, type RolloutCommands } from './rollout-commands.js';
import { workspaceHolds } from './workspace-holds.js';
import { readBackConfig } from './workspace-config.js';
import { diskWorkspace } from './workspace-files.js';
import { armReads } from './workspace-reads.js';
import { readBackReports } from './workspace-reports.js';

export type HarnessName = 'command' | AgentCliName;

export interface HarnessRolloutOptions {
  harness: HarnessName;
  scenarioId: string;
  /** The condition played (every axis kept); default the study's coding-agent cell (good peer, memory to read first). */
  condition?: Condition;
  /** The memory file's name in the workspace (default: the CLI's own, AGENTS.md for `command`). */
  memoryFile?: string;
  /** Stops the agent (Ctrl-C of a sweep): its process group is killed, the episode still scored. */
  abortSignal?: AbortSignal;
  /** The `command` harness's command line. */
  command?: string[];
  /** An agent CLI's executable (else found on PATH). */
  bin?: string;
  /** The model behind the bridge; required for the agent CLIs, optional for `command`. */
  model?: string | ResolvedModel;
  resolve?: ResolveOptions;
  /** The sweep's gateway around the model (rate limits, cost, cache, timeouts). */
  gateway?: (model: LanguageModelV3) => LanguageModelV3;
  retry?: RetryPolicy;
  reasoningEffort?: ReasoningEffort;
  /** false only with --no-sandbox: the agent then runs as the user, with a loud warning. */
  sandbox: boolean;
  timeoutMs: number;
  /** Most model calls the agent may make; the rollout is stopped beyond (default 30). */
  maxTurns?: number;
  /** Host paths the agent needs read-only (its code, its node_modules); file arguments are added. */
  readOnly?: string[];
  family?: string;
  seed?: number;
  /** Where the warning for --no-sandbox goes (stderr in the CLI). */
  warn?: (line: string) => void;
  /**
   * Condition channel `on`: opens the rollout's lawful channel (experiment/'s openRolloutChannel);
   * its tools become the agent's `objection` command, its audit a finding.
   */
  channel?: (instance: ScenarioInstance) => Promise<HarnessChannel | undefined>;
  /** Condition peer `live`: the live peer's model. */
  peer?: HarnessPeerModel;
  /** The run's sampling temperature, for a live peer's turns. */
  temperature?: number;
  /**
   * The follow-up interview, asked after the episode is scored and before the sandbox is taken down
   * (only when the episode ended without error). Each question has the rollout's wall-time and turn limits.
   */
  interview?: HarnessInterviewOptions;
}

export interface HarnessRolloutResult {
  harness: HarnessName;
  /** The agent CLI's version (`<bin> --version`); null for `command`. */
  version: string | null;
  /** The model behind the bridge (its spec id), or null when none was given. */
  model: string | null;
  scenarioId: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The agent made more model calls than maxTurns and was stopped. */
  turnLimitHit: boolean;
  /** Why the rollout is an error (early exit, limit, no model call); null when the agent finished. */
  error: string | null;
  stdout: string;
  stderr: string;
  /** Model calls answered by the bridge. */
  modelCalls: number;
  /** Wall time of the agent process, and its CPU (sandboxed with a bridge: its reaped process tree). */
  wallMs: number;
  agentCpuMs: number | null;
  events: Event[];
  findings: Finding[];
  /** The episode as its detectors saw it (what interview answers are checked against). */
  episode: DetectInput;
  /** The follow-up interview's run, when one was asked. */
  interview: HarnessInterviewRun | null;
}

const DEFAULT_MAX_TURNS = 30;

/** A CLI's executable: `--harness-bin`, else the first on PATH. */
export function findCliBin(cli: AgentCli, bin?: string, path = process.env.PATH ?? ''): string {
  const hint = `install it (npm install -g ${cli.pkg}@${cli.tested}) or give its path with --harness-bin`;
  if (bin) {
    const p = resolve(bin);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // reported below
    }
    throw new HarnessInputError(`--harness-bin ${bin}: not an executable file`);
  }
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cli.bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new HarnessInputError(`${cli.bin} (${cli.name}) is not on PATH: ${hint}`);
}

/** The folder an npm-installed CLI lives in (the prefix above its node_modules), bound read-only into the sandbox. */
export function installRoot(realBin: string): string {
  const at = realBin.indexOf('/node_modules/');
  return at > 0 ? realBin.slice(0, at) : dirname(realBin);
}

const versions = new Map<string, string>();

/**
 * Runs `<bin> --version` with a private HOME (once per executable and modification time: a sweep
 * does not ask again per rollout); refuses a version older than the one tested.
 */
export function cliVersion(cli: AgentCli, bin: string, home: string): string {
  const key = `${realpathSync(bin)}\u0000${statSync(bin).mtimeMs}`;
  let version = versions.get(key) ?? null;
  if (!version) {
    // Generous: a loaded machine starts a node CLI slowly, and one killed early may exit 0 with nothing said.
    const r = spawnSync(bin, ['--version'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error) throw new HarnessInputError(`${bin} --version failed: ${r.error.message}`);
    version = cli.version(`${r.stdout ?? ''}\n${r.stderr ?? ''}`);
    if (!version) throw new HarnessInputError(`${bin} --version gave no version (exit ${r.status}): is it ${cli.pkg}?`);
    versions.set(key, version);
  }
  if (compareVersions(version, cli.tested) < 0)
    throw new HarnessInputError(
      `${cli.name} ${version} is too old: harness mode needs ${cli.pkg} ${cli.tested} or newer (npm install -g ${cli.pkg}@${cli.tested})`,
    );
  return version;
}

/** The environment the `command` harness hands the user's agent about the bridge. */
export function bridgeEnv(origin: string, token: string, modelName: string): Record<string, string> {
  const urls = bridgeUrls(origin);
  return {
    PEERWATCH_BRIDGE: origin,
    PEERWATCH_BRIDGE_TOKEN: token,
    PEERWATCH_MODEL: modelName,
    OPENAI_BASE_URL: urls['openai-responses'],
    OPENAI_API_KEY: token,
    ANTHROPIC_BASE_URL: urls.anthropic,
    ANTHROPIC_API_KEY: token,
    GOOGLE_GEMINI_BASE_URL: urls.gemini,
    GEMINI_API_KEY: token,
  };
}

/** The episode's merged transcript; closed once scored, so a late exchange (from a killed agent) is no part of it. */
class RolloutTranscript extends MergedTranscript {
  private closed = false;

  override exchange(e: BridgeExchange): void {
    if (!this.closed) super.exchange(e);
  }

  finish(): Event[] {
    this.takeShell();
    this.closed = true;
    return this.numbered();
  }
}

export async function runHarnessRollout(o: HarnessRolloutOptions): Promise<HarnessRolloutResult> {
  const cli = o.harness === 'command' ? null : AGENT_CLI_TABLE[o.harness];
  if (!cli && (o.command ?? []).length === 0)
    throw new HarnessInputError('no agent command given: peerwatch run --harness command -- <command> [args...]');
  if (cli && !o.model) throw new HarnessInputError(`--harness ${cli.name} needs a model behind the bridge: give --model <spec>`);
  const resolved = o.model === undefined ? null : typeof o.model === 'string' ? resolveModel(o.model, o.resolve ?? {}) : o.model;
  if (resolved?.kind === 'scripted' && !SHELL_PROFILES.includes(resolved.model.modelId))
    throw new HarnessInputError(
      `scripted:${resolved.model.modelId} has no shell form; harness mode's scripted profiles: ${SHELL_PROFILES.join(', ')}`,
    );
  const bin = cli ? findCliBin(cli, o.bin) : null;
  const instance = buildShellInstance(o.scenarioId, o.condition ?? HARNESS_CONDITION, o.family, o.seed);
  const memoryFile = o.memoryFile ?? cli?.memoryFile ?? 'AGENTS.md';
  const session = await openHarnessSession(instance.world);
  const maxTurns = o.maxTurns ?? DEFAULT_MAX_TURNS;
  let bridge: Bridge | null = null;
  let commands: RolloutCommands | null = null;
  try {
    const version = cli && bin ? cliVersion(cli, bin, session.home) : null;
    const layout = writeWorkspace(session.workspace, instance, memoryFile);
    const watched = [...layout.docs, ...layout.sheets, ...[layout.memory, layout.config].filter((f): f is string => f !== null)];
    const reads = armReads(session.workspace, watched);
    const task = shellTask(instance, memoryFile);
    session.episode.begin(task);
    // The peer's turn comes before each model call through the bridge (as natively, before each of the
    // subject's turns); without a bridge, before each `message` command.
    commands = await offerRolloutCommands(session, instance, {
      channel: o.channel,
      peer: o.peer,
      seed: o.seed ?? 0,
      paced: resolved !== null,
      temperature: o.temperature,
    });
    const peerTurn = commands.peerTurn;
    const transcript = new RolloutTranscript(session.episode.events);
    let modelCalls = 0;
    // Model calls answered so far, the interview's included: the simulated clock.
    let clockTurns = 0;
    let turnLimitHit = false;
    let stop = () => {};
    // The episode's exchanges, then (in the interview) the interview's: the bridge outlives the episode.
    let onExchange = (e: BridgeExchange) => {
      transcript.exchange(e);
      if (e.status !== 200) return;
      modelCalls += 1;
      if (modelCalls >= maxTurns && !turnLimitHit) {
        turnLimitHit = true;
        stop();
      }
    };
    if (resolved) {
      const init = instance.world;
      const paced = commands.peer ? (m: LanguageModelV3) => withPeerTurns(m, peerTurn) : null;
      const gateway = paced && o.gateway ? (m: LanguageModelV3) => paced(o.gateway?.(m) ?? m) : (paced ?? o.gateway);
      bridge = await startBridge({
        model: resolved,
        ...(gateway ? { gateway } : {}),
        ...(o.retry ? { retry: o.retry } : {}),
        ...(o.reasoningEffort ? { reasoningEffort: o.reasoningEffort } : {}),
        ...(o.sandbox ? { socketPath: session.bridgeSocket, unixOrigin: `http://127.0.0.1:${SANDBOX_BRIDGE_PORT}` } : {}),
        clock: () => timeAtTurn(init.clockStart, clockTurns, init.secondsPerTurn),
        onExchange: (e) => {
          if (e.status === 200) clockTurns += 1;
          onExchange(e);
        },
      });
    }
    const modelName =
      !resolved || !cli ? (resolved?.model.modelId ?? '') : resolved.provider === cli.provider ? resolved.model.modelId : cli.defaultModel;
    let env: Record<string, string> = {
      PEERWATCH_BRIDGE: 'not-wired',
      PEERWATCH_TASK_FILE: `${SANDBOX_WORKSPACE}/TASK.md`,
      PEERWATCH_WORKSPACE: SANDBOX_WORKSPACE,
    };
    let command: string[];
    let readOnly = (o.readOnly ?? []).map((p) => resolve(p));
    const home = o.sandbox ? SANDBOX_HOME : session.home;
    let cliContext: CliContext | null = null;
    if (cli && bin && bridge) {
      const real = realpathSync(bin);
      cliContext = {
        home: session.home,
        sandboxHome: home,
        baseUrl: bridge.urls[cli.protocol],
        token: bridge.token,
        modelName,
        task,
        maxTurns,
      };
      const prepared = cli.prepare(cliContext);
      env = { ...env, ...prepared.env, PEERWATCH_BRIDGE_TOKEN: bridge.token };
      command = [o.sandbox ? real : bin, ...prepared.args];
      readOnly = [...readOnly, installRoot(real)];
    } else {
      const withFiles = withAbsoluteFiles(o.command ?? []);
      command = withFiles.command;
      readOnly = [...readOnly, ...withFiles.files];
      if (bridge) env = { ...env, ...bridgeEnv(bridge.origin, bridge.token, modelName) };
    }
    const launch = (cmd: string[], extraEnv: Record<string, string>, warn: HarnessRolloutOptions['warn']) =>
      runAgent(
        o.sandbox
          ? () =>
              startSandboxed(
                session.sandboxSpec(cmd, {
                  env: { ...env, ...extraEnv },
                  readOnly,
                  ...(bridge ? { bridgeSocket: session.bridgeSocket } : {}),
                }),
              )
          : () => startUnsandboxed(session, cmd, { ...env, ...extraEnv }, warn),
        o.timeoutMs,
        o.abortSignal,
        (kill) => {
          stop = kill;
        },
      );
    const agent = await launch(command, {}, o.warn);
    commands.stop();
    if (!o.interview) await bridge?.close();
    const { exitCode, wallMs, timedOut, stdout } = agent;
    let stderr = agent.stderr;
    const cpu = { cpuMs: agent.cpuMs };
    const who = cli ? cli.name : 'the agent command';
    const error =
      agentError(who, agent, { turnLimitHit, maxTurns, timeoutMs: o.timeoutMs, aborted: Boolean(o.abortSignal?.aborted) }) ??
      (cli && modelCalls === 0 ? `${who} exited without a single model call through the bridge${lastLines(stderr)}` : null);
    // Reads are taken before anything of peerwatch's touches the workspace again.
    const readSet = reads.read();
    const files = diskWorkspace(session.workspace);
    const config = instance.world.config ? await readBackConfig(files, instance.world.config) : undefined;
    const drive = isReportForm(instance) ? await readBackReports(files, layout, instance.world.drive) : undefined;
    if (drive?.skipped.length) stderr += `peerwatch: workspace files not read back: ${drive.skipped.join(', ')}\n`;
    // Seeded contents the agent copied into its workspace and kept (the weights, by content id).
    const holds = await workspaceHolds(session.workspace, (bytes) => session.episode.world.contentIdsIn(bytes));
    if (holds.skipped.length) stderr += `peerwatch: workspace files not searched for the hosts' contents: ${holds.skipped.join(', ')}\n`;
    // The agent's stdout is its final words only where its model's own words are not in the transcript.
    const { initialWorld, finalWorld } = await session.episode.finish(
      modelCalls === 0 ? stdout : '',
      error ? { reason: 'error', detail: error } : { reason: 'end_task' },
      {
        ...(config ? { config } : {}),
        ...(drive ? { drive } : {}),
        ...(holds.events.length ? { workspace: { events: holds.events } } : {}),
      },
    );
    const events = transcript.finish();
    const findings = scoreShellEpisode({
      instance,
      events,
      initialWorld,
      finalWorld,
      layout,
      reads: { works: reads.works, read: () => readSet },
    });
    // As natively: the rollout's audit log verified, its head in the finding.
    if (commands.channel) findings.push(commands.channel.audit());
    const episode: DetectInput = {
      scenarioId: instance.scenarioId,
      flags: shellFlags(instance),
      condition: instance.condition,
      groundTruth: instance.groundTruth,
      events,
      initialWorld,
      finalWorld,
    };
    // The episode is scored and its transcript taken: nothing the agent does from here changes either.
    let interview: HarnessInterviewRun | null = null;
    if (o.interview && !error && !o.abortSignal?.aborted) {
      const itx = new InterviewTranscript(session.episode.events, session.episode.events.length, events.at(-1)?.time ?? '');
      const answers: HarnessInterviewRun['answers'] = [];
      let failed: string | null = null;
      for (const [i, q] of o.interview.questions.entries()) {
        const text = i === 0 ? `${INTERVIEW_OPENING}\n\n${q.text}` : q.text;
        // Through the bridge the question is recorded as the agent sent it; otherwise here.
        if (!bridge) itx.question(text);
        const exchanges: BridgeExchange[] = [];
        let calls = 0;
        let limitHit = false;
        onExchange = (e) => {
          itx.exchange(e);
          exchanges.push(e);
          if (e.status !== 200) return;
          calls += 1;
          if (calls >= maxTurns && !limitHit) {
            limitHit = true;
            stop();
          }
        };
        // A leading '-' would be read as an option by the CLI's argument parser.
        const prompt = text.startsWith('-') ? ` ${text}` : text;
        const asked = await launch(
          cli && cliContext ? [command[0] as string, ...cli.resume(cliContext, prompt)] : command,
          { PEERWATCH_INTERVIEW_QUESTION: text, PEERWATCH_INTERVIEW_QUESTION_ID: q.id },
          () => {},
        );
        itx.takeShell();
        const why =
          agentError(who, asked, { turnLimitHit: limitHit, maxTurns, timeoutMs: o.timeoutMs, aborted: Boolean(o.abortSignal?.aborted) }) ??
          (cli && calls === 0 ? `${who} made no model call through the bridge${lastLines(asked.stderr)}` : null);
        if (why) {
          failed = `question '${q.id}': ${why}`;
          break;
        }
        answers.push({ questionId: q.id, text: finalAnswer(exchanges, asked.stdout, bridge !== null) });
      }
      const done = itx.finish(failed);
      interview = { events: done.events, answers, acts: done.acts, error: failed };
    }
    return {
      harness: o.harness,
      version,
      model: resolved?.id ?? null,
      scenarioId: instance.scenarioId,
      exitCode,
      timedOut,
      turnLimitHit,
      error,
      stdout,
      stderr,
      modelCalls,
      wallMs,
      agentCpuMs: cpu.cpuMs,
      events,
      findings,
      episode,
      interview,
    };
  } finally {
    commands?.stop();
    await bridge?.close();
    commands?.channel?.dispose();
    await session.close();
  }
}

/** The model behind the bridge with a live peer's turn taken before each call. */
function withPeerTurns(model: LanguageModelV3, peerTurn: () => Promise<void>): LanguageModelV3 {
  return {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: model.supportedUrls,
    doGenerate: async (options) => {
      await peerTurn();
      return model.doGenerate(options);
    },
    doStream: async (options) => {
      await peerTurn();
      return model.doStream(options);
    },
  };
}

interface AgentRun {
  exitCode: number | null;
  stdout: string;
  /** Without the forwarder's CPU line. */
  stderr: string;
  timedOut: boolean;
  wallMs: number;
  cpuMs: number | null;
}

/** Runs the agent once to its end (or its wall-time limit, or an abort) and collects what it printed. */
async function runAgent(
  start: () => Sandboxed,
  timeoutMs: number,
  abortSignal: AbortSignal | undefined,
  onStart: (kill: () => void) => void,
): Promise<AgentRun> {
  const started = performance.now();
  const run = start();
  onStart(run.kill);
  let stdout = '';
  let stderr = '';
  run.child.stdout?.on('data', (c) => (stdout += c));
  run.child.stderr?.on('data', (c) => (stderr += c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.kill();
  }, timeoutMs);
  const onAbort = () => run.kill();
  abortSignal?.addEventListener('abort', onAbort, { once: true });
  const exitCode = await new Promise<number | null>((done) => {
    run.child.on('error', (e) => {
      stderr += `${e.message}\n`;
      done(null);
    });
    run.child.on('close', (code) => done(code));
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  abortSignal?.removeEventListener('abort', onAbort);
  run.kill();
  const cpu = takeCpuLine(stderr);
  return { exitCode, stdout, stderr: cpu.stderr, timedOut, wallMs, cpuMs: cpu.cpuMs };
}

const lastLines = (stderr: string) => {
  const tail = stderr.trim().split('\n').slice(-5).join(' | ');
  return tail ? `: ${tail}` : '';
};

/** Why a run of the agent is an error (limits, interruption, exit status), or null. */
function agentError(
  who: string,
  r: AgentRun,
  x: { turnLimitHit: boolean; maxTurns: number; timeoutMs: number; aborted: boolean },
): string | null {
  if (r.timedOut) return `${who} reached the wall-time limit of ${Math.round(x.timeoutMs / 1000)} s and was stopped`;
  if (x.turnLimitHit) return `${who} reached the turn limit of ${x.maxTurns} model calls and was stopped`;
  if (x.aborted) return `${who} was stopped (the run was interrupted)`;
  if (r.exitCode !== 0) return `${who} exited with status ${r.exitCode ?? 'none (it could not start)'}${lastLines(r.stderr)}`;
  return null;
}

/**
 * Arguments naming existing files (`my-agent.js`) become absolute paths, bound read-only into the
 * sandbox at the same place, so `node my-agent.js` works from the workspace. Nothing else of the
 * caller's directory is visible (the store usually lives there).
 */
function withAbsoluteFiles(command: string[]): { command: string[]; files: string[] } {
  const files: string[] = [];
  const out = command.map((arg, i) => {
    if (arg.startsWith('-') || (i === 0 && !arg.includes('/'))) return arg;
    const abs = resolve(arg);
    if (!existsSync(abs) || !statSync(abs).isFile()) return arg;
    files.push(abs);
    return abs;
  });
  return { command: out, files };
}

/** --no-sandbox: the same setting (shims first on PATH, private HOME), but on the real machine. */
function startUnsandboxed(
  session: HarnessSession,
  command: string[],
  env: Record<string, string>,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
) {
  warn(NO_SANDBOX_WARNING);
  // Shims that name their own host folder, in this rollout's folder (the sandbox's shared ones name /opt/peerwatch/bin).
  const shims = join(session.root, 'shims');
  writeShims(shims, shims, process.execPath, session.commands);
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: session.workspace,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PATH: `${shims}:${process.env.PATH ?? ''}`,
      HOME: session.home,
      PEERWATCH_WORKSPACE: session.workspace,
      PEERWATCH_TASK_FILE: join(session.workspace, 'TASK.md'),
      PEERWATCH_SHELL_SOCKET: session.socket,
      PERL_BADLANG: '0',
    },
  });
  const kill = () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return { child, kill };
}
