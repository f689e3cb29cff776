/**
 * The `command` harness: runs the user's own agent (any command line) in the sandbox against one
 * scenario in shell form (shell-form.ts), then scores it (shell-scoring.ts). The agent gets:
 *
 * - its working directory `/workspace` (PEERWATCH_WORKSPACE) with `TASK.md` (PEERWATCH_TASK_FILE),
 *   the company's documents under `docs/` and, with a memory condition, its memory file (`AGENTS.md`
 *   unless the caller names another, e.g. `CLAUDE.md`, `GEMINI.md`);
 * - `ssh`, `scp`, `sftp`, `rsync`, `ssh-add`, `ssh-agent` first on PATH, reaching the hosts;
 * - HOME=/home/agent with ~/.ssh (config, known_hosts, id_rsa) and a private /tmp;
 * - PEERWATCH_BRIDGE: `not-wired` unless the caller passes bridge variables in `env`.
 *
 * The transcript: TASK.md as the first (user) event, every shim command with its output and world
 * events, the agent's own stdout as its final words, end-of-episode processing, the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Condition, Event, Finding } from '../core/index.js';
import { NO_SANDBOX_WARNING, SANDBOX_WORKSPACE, startSandboxed } from './sandbox.js';
import { openHarnessSession } from './session.js';
import { buildShellInstance, HARNESS_CONDITION, HarnessInputError, shellTask, writeWorkspace } from './shell-form.js';
import { scoreShellEpisode } from './shell-scoring.js';
import { writeShims } from './shims.js';
import { readBackConfig } from './workspace-config.js';
import { armReads } from './workspace-reads.js';

export { buildShellInstance, HARNESS_CONDITION, HarnessInputError, SHELL_SCENARIOS } from './shell-form.js';

export interface CommandHarnessOptions {
  scenarioId: string;
  command: string[];
  /** The condition played (every axis kept); default the study's coding-agent cell (good peer, memory to read first). */
  condition?: Condition;
  /** false only with --no-sandbox: the command then runs as the user, with a loud warning. */
  sandbox: boolean;
  timeoutMs: number;
  /** Host paths the agent needs read-only (its code, its node_modules); file arguments are added. */
  readOnly?: string[];
  family?: string;
  seed?: number;
  /** The memory file's name in the workspace (default AGENTS.md). */
  memoryFile?: string;
  /** Extra environment for the agent (bridge URLs and token when a bridge is wired). */
  env?: Record<string, string>;
  /** Where the warning for --no-sandbox goes (stderr in the CLI). */
  warn?: (line: string) => void;
  /** Stops the agent (Ctrl-C of a sweep): its process group is killed, the episode still scored. */
  abortSignal?: AbortSignal;
}

export interface CommandHarnessResult {
  scenarioId: string;
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  events: Event[];
  findings: Finding[];
}

export async function runCommandHarness(o: CommandHarnessOptions): Promise<CommandHarnessResult> {
  if (o.command.length === 0) throw new HarnessInputError('no agent command given: peerwatch run --harness command -- <command> [args...]');
  const instance = buildShellInstance(o.scenarioId, o.condition ?? HARNESS_CONDITION, o.family, o.seed);
  const memoryFile = o.memoryFile ?? 'AGENTS.md';
  const session = await openHarnessSession(instance.world);
  try {
    const layout = writeWorkspace(session.workspace, instance, memoryFile);
    const watched = [...layout.docs, ...layout.sheets, ...[layout.memory, layout.config].filter((f): f is string => f !== null)];
    const reads = armReads(session.workspace, watched);
    session.episode.begin(shellTask(instance, memoryFile));
    const env = {
      PEERWATCH_BRIDGE: 'not-wired',
      ...o.env,
      PEERWATCH_TASK_FILE: `${SANDBOX_WORKSPACE}/TASK.md`,
      PEERWATCH_WORKSPACE: SANDBOX_WORKSPACE,
    };
    const { command, files } = withAbsoluteFiles(o.command);
    const readOnly = [...(o.readOnly ?? []).map((p) => resolve(p)), ...files];
    const run = o.sandbox
      ? startSandboxed(session.sandboxSpec(command, { env, readOnly }))
      : startUnsandboxed(session, command, env, o.warn);
    let stdout = '';
    let stderr = '';
    run.child.stdout?.on('data', (c) => (stdout += c));
    run.child.stderr?.on('data', (c) => (stderr += c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      run.kill();
    }, o.timeoutMs);
    const onAbort = () => run.kill();
    o.abortSignal?.addEventListener('abort', onAbort, { once: true });
    const exitCode = await new Promise<number | null>((done) => {
      run.child.on('error', (e) => {
        stderr += `${e.message}\n`;
        done(null);
      });
      run.child.on('close', (code) => done(code));
    });
    clearTimeout(timer);
    o.abortSignal?.removeEventListener('abort', onAbort);
    run.kill();
    const failed = timedOut
      ? `the agent ran past its wall-time limit (${Math.round(o.timeoutMs / 1000)} s) and was killed`
      : exitCode !== 0
        ? `the agent exited with status ${exitCode ?? 'none (it could not start)'}${stderr.trim() ? `: ${tail(stderr)}` : ''}`
        : null;
    // Reads are taken before anything of peerwatch's touches the workspace again.
    const readSet = reads.read();
    const config = instance.world.config ? readBackConfig(session.workspace, instance.world.config) : undefined;
    const { initialWorld, finalWorld, events } = await session.episode.finish(
      stdout,
      failed ? { reason: 'error', detail: failed } : { reason: 'end_task' },
      config,
    );
    const findings = scoreShellEpisode({
      instance,
      events,
      initialWorld,
      finalWorld,
      layout,
      reads: { works: reads.works, read: () => readSet },
    });
    return { scenarioId: instance.scenarioId, exitCode, timedOut, stdout, stderr, events, findings };
  } finally {
    await session.close();
  }
}

function tail(text: string, max = 500): string {
  const t = text.trim();
  return t.length <= max ? t : `...${t.slice(-max)}`;
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
  session: Awaited<ReturnType<typeof openHarnessSession>>,
  command: string[],
  env: Record<string, string>,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
) {
  warn(NO_SANDBOX_WARNING);
  writeShims(session.shims);
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: session.workspace,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PATH: `${session.shims}:${process.env.PATH ?? ''}`,
      HOME: session.home,
      PEERWATCH_WORKSPACE: session.workspace,
      PEERWATCH_TASK_FILE: join(session.workspace, 'TASK.md'),
      PEERWATCH_SHELL_SOCKET: session.socket,
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
