/**
 * One harness rollout's setting on disk: a workspace, a private HOME with ~/.ssh, the shims and the
 * shell world's socket, all in one fresh temporary folder that `close()` removes. What runs in it is
 * the caller's (an agent CLI, a user's command); `sandboxSpec` places it in the sandbox.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorldInit } from '../world/index.js';
import { type OfferedTools, ShellEpisode } from './episode.js';
import { writeForwarder } from './forwarder.js';
import { helperRuntime } from './helper-runtime.js';
import { SANDBOX_SHIMS, type SandboxSpec } from './sandbox.js';
import { ShellWorld } from './shell-world.js';
import { startShimServer, type ShimServer } from './shim-server.js';
import { writeShims } from './shims.js';
import { type SshHost, writeSshHome } from './ssh-home.js';
import type { ToolCommand } from './tool-commands.js';

export interface HarnessSession {
  root: string;
  workspace: string;
  home: string;
  /** The sandbox's shims folder: shared by the process's rollouts with the same commands (sharedShims()); never written by a rollout. */
  shims: string;
  socket: string;
  /** Where a rollout's model bridge listens (a Unix socket; bound into the sandbox when given to sandboxSpec). */
  bridgeSocket: string;
  episode: ShellEpisode;
  /** The peerwatch commands on the agent's PATH (offer()). */
  commands: ToolCommand[];
  /** Gives the agent peerwatch commands for these tools (the channel, the scratchpad, a live peer). */
  offer(offer: OfferedTools): void;
  /** A sandbox spec for a command in this session. */
  sandboxSpec(command: string[], extra?: Pick<SandboxSpec, 'env' | 'readOnly' | 'bridgeSocket'>): SandboxSpec;
  close(): Promise<void>;
}

/** Shim folders by runtime and commands, and the process's folder that holds them. */
const shimFolders = new Map<string, string>();
let shimRoot: string | null = null;

/**
 * The shims and forwarder for the sandbox, written once per process for each set of commands: every
 * rollout's are the same files, bound read-only, so writing them per rollout was CPU for nothing
 * (bench:harness). Removed when the process exits (a process killed -9 leaves these few KiB in the temp folder).
 */
export function sharedShims(commands: readonly ToolCommand[] = []): string {
  const runtime = helperRuntime();
  const key = [runtime, ...commands].join(' ');
  let dir = shimFolders.get(key);
  if (dir === undefined) {
    if (shimRoot === null) {
      const root = mkdtempSync(join(tmpdir(), 'peerwatch-shims-'));
      process.once('exit', () => rmSync(root, { recursive: true, force: true }));
      shimRoot = root;
    }
    dir = join(shimRoot, String(shimFolders.size));
    writeShims(dir, SANDBOX_SHIMS, process.execPath, commands, runtime);
    writeForwarder(dir, runtime);
    shimFolders.set(key, dir);
  }
  return dir;
}

/**
 * Removes a rollout's folder. Node's recursive rmSync stats every entry first (a few times the CPU of
 * this walk, per rollout); the directory entries' own types are enough here, and a link is removed,
 * never followed. Anything unusual the agent left (a folder it made unreadable) falls back to rmSync.
 */
function removeTree(dir: string): void {
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else unlinkSync(p);
    }
    rmdirSync(d);
  };
  try {
    walk(dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function openHarnessSession(init: WorldInit, hosts?: SshHost[]): Promise<HarnessSession> {
  const root = mkdtempSync(join(tmpdir(), 'peerwatch-harness-'));
  const paths = {
    workspace: join(root, 'workspace'),
    home: join(root, 'home'),
    shims: sharedShims(),
    socket: join(root, 'shell.sock'),
  };
  const bridgeSocket = join(root, 'bridge.sock');
  let server: ShimServer | null = null;
  try {
    const sshHosts: SshHost[] = hosts ?? init.servers.map((s) => ({ ip: s.ip }));
    const aliases = Object.fromEntries(sshHosts.flatMap((h) => (h.aliases ?? []).map((a) => [a, h.ip])));
    const episode = new ShellEpisode(await ShellWorld.create(init, aliases), init);
    writeSshHome(paths.home, sshHosts);
    mkdirSync(paths.workspace);
    server = await startShimServer(episode, paths.socket);
    const open = server;
    const commands: ToolCommand[] = [];
    const session: HarnessSession = {
      root,
      ...paths,
      bridgeSocket,
      episode,
      commands,
      offer(offer) {
        commands.push(...episode.offerTools(offer));
        paths.shims = sharedShims(commands);
        session.shims = paths.shims;
      },
      sandboxSpec: (command, extra = {}) => ({ ...paths, command, ...extra }),
      async close() {
        await open.close();
        removeTree(root);
      },
    };
    return session;
  } catch (e) {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}
