/**
 * Runs an agent's command where it cannot touch the real machine: bubblewrap (Linux namespaces) with
 * only system directories visible read-only, the workspace the one writable place besides a private
 * HOME and /tmp, its own PID, user, IPC and network namespaces (no network at all: the shell world is
 * reached through a Unix socket bound in), and no process left behind when peerwatch goes.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { forwarderCommand, SANDBOX_BRIDGE_PORT } from './forwarder.js';
import { helperRuntime } from './helper-runtime.js';
import { type LaunchedChild, launch, sandboxStarter } from './launcher.js';

/** How sandboxes start (the C or Perl launcher, or a Node spawn): chosen in launcher.ts. */
export { sandboxStarter };

/** Where things appear inside the sandbox. */
export const SANDBOX_HOME = '/home/agent';
export const SANDBOX_WORKSPACE = '/workspace';
export const SANDBOX_SOCKET = '/run/peerwatch/shell.sock';
export const SANDBOX_SHIMS = '/opt/peerwatch/bin';
export const SANDBOX_BRIDGE_SOCKET = '/run/peerwatch/bridge.sock';

export const INSTALL_HINT =
  'bubblewrap (bwrap) is not installed: install it (Debian/Ubuntu: `apt-get install -y bubblewrap`; Fedora: `dnf install bubblewrap`) or pass --no-sandbox (unsafe)';

export const NO_SANDBOX_WARNING =
  '!!! WARNING: --no-sandbox: the agent runs with YOUR user, files, network and processes. Nothing stops it from reading your keys or deleting your data. Use only with an agent you trust. !!!';

export class SandboxUnavailable extends Error {}

/** System paths the agent's programs need, read-only. /etc only in part: no host keys or secrets. */
const SYSTEM_RO = [
  '/usr',
  '/opt/node',
  '/etc/passwd',
  '/etc/group',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/localtime',
  '/etc/ld.so.cache',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/alternatives',
];
const USR_LINKS: Array<[string, string]> = [
  ['usr/bin', '/bin'],
  ['usr/sbin', '/sbin'],
  ['usr/lib', '/lib'],
  ['usr/lib64', '/lib64'],
];

/** The bwrap binary on PATH, or null. Remembered per PATH: a sweep asks once per rollout. */
const bwrapByPath = new Map<string, string | null>();
export function findBwrap(path = process.env.PATH ?? ''): string | null {
  const known = bwrapByPath.get(path);
  if (known !== undefined) return known;
  let found: string | null = null;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'bwrap');
    try {
      accessSync(p, constants.X_OK);
      found = p;
      break;
    } catch {
      // not here
    }
  }
  bwrapByPath.set(path, found);
  return found;
}

export interface SandboxSpec {
  /** Host directory shown at /workspace, the only writable place the agent shares with the host. */
  workspace: string;
  /** Host directory shown at /home/agent (private to this rollout: ~/.ssh, the CLI's config). */
  home: string;
  /** Host directory of the shims, shown at /opt/peerwatch/bin, first on PATH. */
  shims: string;
  /** The shell world's Unix socket on the host, shown at /run/peerwatch/shell.sock. */
  socket: string;
  /** Further host paths the command needs read-only (an agent CLI's install folder). */
  readOnly?: string[];
  /**
   * The model bridge's Unix socket on the host, shown at /run/peerwatch/bridge.sock; the command then
   * runs under the forwarder (shims folder), which serves it on 127.0.0.1:SANDBOX_BRIDGE_PORT inside.
   */
  bridgeSocket?: string;
  /** Environment of the command (PATH, HOME and the socket are set by the sandbox). */
  env?: Record<string, string>;
  command: string[];
}

/** The bwrap argument list for a spec (exported so the walls can be reviewed and tested). */
export function bwrapArgs(spec: SandboxSpec): string[] {
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--uid', '1000', '--gid', '1000', '--clearenv'];
  const nodeDir = dirname(dirname(process.execPath));
  for (const p of [...SYSTEM_RO, ...(nodeDir === '/usr' ? [] : [nodeDir])]) if (existsSync(p)) args.push('--ro-bind', p, p);
  for (const [target, link] of USR_LINKS) if (existsSync(`/${target}`)) args.push('--symlink', target, link);
  // /tmp before the extra binds: an agent file under the host's /tmp must stay visible above the tmpfs.
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  // Extra paths under a system directory are visible already (and /bin is a link, not a folder).
  const system = ['/usr/', '/bin/', '/sbin/', '/lib/', '/lib64/'];
  for (const p of spec.readOnly ?? []) if (existsSync(p) && !system.some((d) => p.startsWith(d))) args.push('--ro-bind', p, p);
  args.push('--bind', spec.home, SANDBOX_HOME, '--bind', spec.workspace, SANDBOX_WORKSPACE);
  args.push('--ro-bind', spec.shims, SANDBOX_SHIMS, '--bind', spec.socket, SANDBOX_SOCKET);
  if (spec.bridgeSocket) args.push('--bind', spec.bridgeSocket, SANDBOX_BRIDGE_SOCKET);
  // peerwatch's node (scripts with `#!/usr/bin/env node`, the agent CLIs' launchers) after the system's.
  const nodeBin = dirname(process.execPath);
  const path = ['/usr/local/bin', '/usr/bin', '/bin'].includes(nodeBin) ? '' : `:${nodeBin}`;
  const env: Record<string, string> = {
    ...spec.env,
    HOME: SANDBOX_HOME,
    USER: 'agent',
    TMPDIR: '/tmp',
    PATH: `${SANDBOX_SHIMS}:/usr/local/bin:/usr/bin:/bin${path}`,
    PEERWATCH_SHELL_SOCKET: SANDBOX_SOCKET,
    // The Perl shims must not warn on every command when a CLI sets a locale the system lacks.
    PERL_BADLANG: '0',
  };
  for (const [k, v] of Object.entries(env)) args.push('--setenv', k, v);
  const runtime = helperRuntime();
  const command = spec.bridgeSocket
    ? [...forwarderCommand(SANDBOX_SHIMS, runtime), String(SANDBOX_BRIDGE_PORT), SANDBOX_BRIDGE_SOCKET, '--', ...spec.command]
    : spec.command;
  // The C forwarder reaps every child, so it can be the sandbox's pid 1 in place of bwrap's own init:
  // one process fewer per rollout (bench:harness). The Perl and Node forms wait for the agent only.
  if (spec.bridgeSocket && runtime === 'c') args.push('--as-pid-1');
  args.push('--chdir', SANDBOX_WORKSPACE, '--', ...command);
  return args;
}

export interface Sandboxed {
  /** The running sandbox: stdout/stderr 'data', 'error', and 'close' with the exit code and signal. */
  child: LaunchedChild;
  /** Kills the whole process group (the sandbox and all it started). */
  kill(): void;
}

/**
 * Starts the command in the sandbox, in its own session and process group, stdin /dev/null; bwrap's
 * --die-with-parent ends it if its parent (the launcher, or peerwatch) dies, the launcher kills its
 * groups when peerwatch goes, and `kill()` ends the group. Throws SandboxUnavailable when bwrap is missing.
 */
export function startSandboxed(spec: SandboxSpec, bwrap = findBwrap()): Sandboxed {
  if (!bwrap) throw new SandboxUnavailable(INSTALL_HINT);
  const starter = sandboxStarter();
  if (starter !== 'spawn') return launch([bwrap, ...bwrapArgs(spec)], starter);
  // An empty environment: bwrap clears it anyway (--clearenv), and copying peerwatch's costs a little per rollout.
  const child = spawn(bwrap, bwrapArgs(spec), { detached: true, env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
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
