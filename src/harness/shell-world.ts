/**
 * The scenario's company as hosts reached by shell. Each server of a WorldInit becomes a host whose
 * `/data` holds stand-ins of its files (marked with their contentIds, sizes as claimed); remote
 * commands run in just-bash over that host's file system. After every command the hosts are compared
 * with before, and each change becomes a world event carrying contentIds, named as the native world
 * names them (server.copy, server.rename, server.delete), so the existing detectors decide from
 * ground truth. `finish()` builds the final WorldState and runs end-of-episode processing.
 */
import { posix } from 'node:path';
import { Bash, defineCommand, type ExecResult } from 'just-bash';
import {
  type ConfigStore,
  type DriveFile,
  parseTimestamp,
  type WorldEvent,
  World,
  type WorldInit,
  type WorldState,
} from '../world/index.js';
import { globPartMatch } from '../core/index.js';
import { blobIndex, contentIdsIn, standIn } from './content-marks.js';
import {
  type Blocked,
  folderTarget,
  joinBase,
  type Operand,
  parentOf,
  parseCopyArgs,
  RSYNC_PARTIAL,
  RSYNC_PARTIAL_GENERATOR,
  RSYNC_PARTIAL_SENDER,
  rsyncDenied,
  rsyncDestination,
  rsyncPath,
  rsyncSkipsFolder,
  rsyncVanished,
  scpCannotWrite,
  scpDestination,
  scpGlobDestination,
  scpHostToHost,
  scpFolderLinks,
  scpFolderOntoFile,
  scpLocalDestination,
  scpSkipsSource,
  scpStatLocal,
  scpUnreadableInFolder,
  withoutTrailingSlash,
} from './copy-args.js';
import { type HostFile, HostFs, SYSTEM_PREFIXES } from './host-fs.js';
import { human, USED_FRACTION, VOLUME_BYTES } from './sizes.js';

export const DATA_DIR = '/data';
export const USER = 'maintainer';
const HOME = `/home/${USER}`;

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** What the command changed on any host, in the order found. */
  events: WorldEvent[];
}

/**
 * The agent's own machine (its workspace) as `scp`/`rsync` typed there reach it. The shim reads and
 * writes these files inside the sandbox, with the agent's own rights, so peerwatch never opens a
 * path the agent names: sources come with the request, writes go back with the answer.
 */
/** An sftp session's state carried over a `!command`: remote and local directories, and `lumask`'s umask. */
export interface SftpState {
  /** The remote working directory (absolute). */
  cwd: string;
  /** The local directory after `lcd`s, relative to where the shim ran ('' for there). */
  lcwd: string;
  /** The umask `lumask` set; null before one. */
  umask: number | null;
}

export interface LocalSide {
  /** A local source's bytes as the shim read them (by the operand as typed), or null when it could not. */
  read(path: string): Uint8Array | null;
  /** Whether a local operand is a directory, as the shim saw it. */
  isDir(path: string): boolean;
  /** A file for the shim to write (the operand as typed, or `<dir>/<name>` for a directory operand). */
  write(path: string, bytes: Uint8Array): void;
  /** sftp's `lpwd`, and the folder rsync's lines name workspace paths after: the directory the shim ran in. */
  cwd?: string;
  /** sftp's `lcd` with no folder: the agent's home, where it goes. */
  home?: string;
  /** sftp's `lls`: the names in a local directory, as the shim listed them; null when it could not. */
  list?(path: string): string[] | null;
  /** sftp's `get`: whether the shim can write into a local folder (checked before anything is copied). */
  writable?(dir: string): boolean;
  /**
   * `scp -r`/`rsync -r` from a local folder: its sub-folders and regular files (paths relative to it),
   * as the shim walked it (no link followed), and (scp) the files it could not read and folders it
   * could not list (in dirs too), and its links to folders (not sent); null when it did not walk it.
   */
  walk?(path: string): { dirs: string[]; files: string[]; unreadable?: string[]; folderLinks?: string[] } | null;
  /**
   * `scp -r`/`rsync -r` into the workspace: a folder (`bytes` null) or file for the shim to make at
   * `rel` under the destination operand `dest`, which it makes first when missing; the shim refuses a
   * `rel` that would leave `dest` (insideDestination) or pass through a link.
   */
  writeTree?(dest: string, rel: string, bytes: Uint8Array | null): void;
  /**
   * Whether `rel` under the destination operand is a link, as the shim saw it before the copy (it
   * looks where each host folder would land): a copy that would write through one is refused unrecorded.
   */
  linkUnder?(rel: string): boolean;
  /** Whether the destination operand (for rsync, without a trailing `/`) is there and is not a folder, as the shim saw it. */
  occupied?(path: string): boolean;
  /**
   * `scp`/`rsync` into the workspace: why the shim cannot write at the destination operand (its folder
   * is missing, a file, or, for scp, not the agent's to write), or null; the world answers with scp's
   * line for the source's kind, or rsync's for whether its file list needs a folder (the shim knows
   * neither: a host glob's matches are the host's), and sends nothing.
   */
  blocked?(dest: string): Blocked | null;
  /** `scp` from the workspace: a source operand that is there but the shim could not read. */
  unreadable?(path: string): boolean;
  /**
   * sftp's `get -r`: whether a local path (as sftp names it after `lcd`s) is a link, as the shim saw
   * it before the batch ran under each folder a `get -r` writes into.
   */
  isLink?(path: string): boolean;
  /**
   * sftp's `lmkdir`: why mkdir(2) of a local path would fail as the shim found it before the batch
   * ('' when it can make it: absent, in a folder the agent can write); null when it did not look.
   */
  mkdirError?(path: string): string | null;
  /** sftp's `lmkdir`: a folder for the shim to make, in order with the writes; `mode` when `lumask` set one. */
  mkdir?(path: string, mode?: number): void;
  /**
   * sftp's `!command`: the batch stops after its line; the shim prints the answer, runs the command
   * with the local shell (in `state.lcwd`, with `state.umask` when `lumask` set one) and sends the
   * lines after it as a new request carrying `state` (`sftpResume`). Only the live shim has one.
   */
  shell?(command: string, state: SftpState): void;
  /** sftp: the session state a `!command` paused, for the rest of the batch the shim sends after it. */
  sftpResume?: SftpState;
  /** sftp's `get -r`: links in the host folder are passed over (its download_dir), not followed as scp -r's are. */
  skipHostLinks?: boolean;
}

/** What one `scp`/`rsync` may send back into the workspace (the stand-ins are a few KiB each). */
export const MAX_WORKSPACE_REPLY = 8 * 1024 * 1024;
/** Files and folders one recursive copy walks on a host (a link loop ends here too). */
const MAX_TREE_ENTRIES = 10_000;

/** A glob character in a path's last part (scp's and rsync's host sources are matched on the host when one is there). */
const GLOB = /[*?[]/;

/** The label of the agent's own machine in world events (`from: 'workspace:<path>'`). */
export const WORKSPACE_HOST = 'workspace';

/**
 * The hosts as one step reaches them: commands and copies run straight on the hosts, so a step made
 * of several (`ssh a ... && scp ...`) is still one change, attributed to the step.
 */
export interface HostAccess {
  exec(ip: string, command: string, stdin?: string): Promise<ExecResult>;
  /**
   * `scp`/`rsync` typed on the agent's own machine. Workspace paths need `local` (the live shims
   * give it); without it they are refused.
   */
  copy(tool: 'scp' | 'rsync', args: string[], local?: LocalSide): Promise<ExecResult>;
}

interface Host {
  ip: string;
  disk: HostFs;
  /** Made on the first command run on the host (shell()): a host only copied to needs none. */
  bash: Bash | null;
  /** Bytes in use on /data that are not files of the scenario (the rest of the 38%). */
  baseUsed: number;
}

const nameOf = (path: string) => (path.startsWith(`${DATA_DIR}/`) ? path.slice(DATA_DIR.length + 1) : path);
const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, exitCode = 1): ExecResult => ({
  stdout: '',
  stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`,
  exitCode,
});

/** What stands where a workspace destination's folder should be (rsyncDestination), by why the shim could not write there. */
const PARENT_WHEN_BLOCKED: Record<Blocked, 'file' | 'denied' | 'missing'> = {
  'Not a directory': 'file',
  'Permission denied': 'denied',
  'No such file or directory': 'missing',
};

/** What is at a path on a host: a folder, another file, or nothing. */
async function pathKind(fs: Bash['fs'], p: string): Promise<'folder' | 'file' | 'missing'> {
  if (!(await fs.exists(p))) return 'missing';
  return (await fs.stat(p)).isDirectory ? 'folder' : 'file';
}

/**
 * What stands where a path's folder should be, for rsyncDestination: its parent folder, a file at some
 * level above it (ENOTDIR), or a missing parent under a folder.
 */
async function parentState(fs: Bash['fs'], p: string): Promise<'folder' | 'file' | 'missing'> {
  const parent = parentOf(p);
  for (let at = parent; ; at = parentOf(at)) {
    const kind = await pathKind(fs, at);
    if (kind === 'file') return 'file';
    if (kind === 'folder') return at === parent ? 'folder' : 'missing';
    if (at === '/') return 'missing';
  }
}

export class ShellWorld {
  private readonly hosts = new Map<string, Host>();
  private readonly start: WorldState;
  private readonly deleted: WorldState['destroyed'] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** The hosts' files after the last command (tracked()); null while one runs or after one failed. */
  private last: Map<string, HostFile[]> | null = null;
  /** The simulated time now (`YYYY-MM-DD HH:MM:SS`); the episode sets it to its step's time. */
  private clock: () => string;
  /** just-bash stamps what it writes with the real time; anything stamped at or after this is restamped. */
  private readonly realStart = Date.now();
  /** Blob ids of every seeded content, to read contentIds out of bytes that pass through the workspace. */
  private readonly index: ReadonlyMap<string, string>;
  /** This step's copies into the workspace (events), and contents that came from it (contentId -> path). */
  private toWorkspace: WorldEvent[] = [];
  private fromWorkspace = new Map<string, string>();

  private constructor(
    init: WorldInit,
    private readonly aliases: ReadonlyMap<string, string>,
  ) {
    this.start = new World(init).initialState();
    this.clock = () => init.clockStart;
    this.index = blobIndex(init.servers.flatMap((s) => s.files.map((f) => f.contentId)));
  }

  /** Files the agent writes are dated by this clock (simulated time), never the wall clock. */
  setClock(clock: () => string): void {
    this.clock = clock;
  }

  /** `aliases` maps extra host names (from ~/.ssh/config) to server IPs. */
  static async create(init: WorldInit, aliases: Record<string, string> = {}): Promise<ShellWorld> {
    const world = new ShellWorld(init, new Map(Object.entries(aliases)));
    const claimed = new Map<string, number>();
    for (const s of init.servers) for (const f of s.files) claimed.set(f.contentId, f.size);
    for (const server of init.servers) {
      const disk = new HostFs(claimed);
      await disk.inner.mkdir(DATA_DIR, { recursive: true });
      await disk.inner.mkdir(HOME, { recursive: true });
      for (const f of server.files) {
        const path = `${DATA_DIR}/${f.filename}`;
        await disk.inner.writeFile(path, standIn(f.contentId, f.size));
        // `ls -la` shows the scenario's dates (simulated time, UTC), not when the episode began.
        const mtime = new Date(parseTimestamp(f.last_modified) ?? 0);
        await disk.inner.utimes(path, mtime, mtime);
      }
      const seeded = server.files.reduce((sum, f) => sum + f.size, 0);
      world.hosts.set(server.ip, { ip: server.ip, disk, bash: null, baseUsed: Math.max(0, VOLUME_BYTES * USED_FRACTION - seeded) });
    }
    // Nothing has run yet: the first command's "before" is this.
    world.last = await world.inventory();
    return world;
  }

  /** The host's shell, made when a command first runs there (just-bash registers ~190 commands per instance). */
  private shell(host: Host): Bash {
    host.bash ??= new Bash({
      fs: host.disk.fs,
      cwd: HOME,
      env: { HOME, USER, LOGNAME: USER, HOSTNAME: host.ip, PATH: '/usr/bin:/bin' },
      customCommands: this.commandsFor(host),
    });
    return host.bash;
  }

  ips(): string[] {
    return [...this.hosts.keys()];
  }

  /** The IP a written host name stands for (`maintainer@10.0.12.45` gives `10.0.12.45`), or null. */
  resolve(name: string): string | null {
    const bare = name.includes('@') ? name.slice(name.lastIndexOf('@') + 1) : name;
    if (this.hosts.has(bare)) return bare;
    return this.aliases.get(bare) ?? null;
  }

  /** Runs one command line on a host, as `ssh <ip> <command>` would. One command at a time. */
  exec(ip: string, command: string, stdin = ''): Promise<ShellResult> {
    return this.step((hosts) => hosts.exec(ip, command, stdin));
  }

  /** `scp`/`rsync` run on the agent's own machine (workspace paths need `local`). */
  copyFromWorkspace(tool: 'scp' | 'rsync', args: string[], local?: LocalSide): Promise<ShellResult> {
    return this.step((hosts) => hosts.copy(tool, args, local));
  }

  /** The seeded contents (contentIds) some bytes hold, as a host's file would report them. */
  contentIdsIn(bytes: Uint8Array): string[] {
    return contentIdsIn(bytes, this.index);
  }

  /**
   * One step (a command line typed on the agent's own machine), one at a time: whatever `run` does
   * on the hosts through `hosts` is compared before and after as a whole.
   */
  step(run: (hosts: HostAccess) => Promise<ExecResult>): Promise<ShellResult> {
    const hosts: HostAccess = {
      exec: (ip, command, stdin = '') => this.shell(this.host(ip)).exec(command, { cwd: HOME, ...(stdin ? { stdin } : {}) }),
      copy: (tool, args, local) => this.copy(tool, args, null, HOME, local),
    };
    return this.serial(() => this.tracked(() => run(hosts)));
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private host(ip: string): Host {
    const host = this.hosts.get(ip);
    if (!host) throw new Error(`unknown host ${ip}`);
    return host;
  }

  private async inventory(): Promise<Map<string, HostFile[]>> {
    const out = new Map<string, HostFile[]>();
    for (const [ip, h] of this.hosts) out.set(ip, await h.disk.files());
    return out;
  }

  /**
   * Runs a command and returns what it changed. Commands run one at a time and only they change the
   * hosts, so the inventory after one is the inventory before the next (taken again if one throws).
   */
  private async tracked(run: () => Promise<ExecResult>): Promise<ShellResult> {
    const before = this.last ?? (await this.inventory());
    this.last = null;
    this.toWorkspace = [];
    this.fromWorkspace = new Map();
    const r = await run();
    await this.restamp();
    const after = await this.inventory();
    this.last = after;
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, events: [...this.changes(before, after), ...this.toWorkspace] };
  }

  /** Gives what the last command wrote the simulated time instead of just-bash's wall-clock stamp. */
  private async restamp(): Promise<void> {
    const now = new Date(parseTimestamp(this.clock()) ?? 0);
    for (const h of this.hosts.values()) {
      for (const path of h.disk.inner.getAllPaths()) {
        // just-bash's own command stubs, devices and /proc are never the agent's writes (hundreds of paths per host).
        if (SYSTEM_PREFIXES.some((p) => path.startsWith(p))) continue;
        const s = await h.disk.inner.lstat(path);
        if (!s.isSymbolicLink && s.mtime.getTime() >= this.realStart) await h.disk.inner.utimes(path, now, now);
      }
    }
  }

  /** World events for what changed between two inventories. */
  private changes(before: Map<string, HostFile[]>, after: Map<string, HostFile[]>): WorldEvent[] {
    const events: WorldEvent[] = [];
    const key = (f: HostFile) => `${f.path}\u0000${f.contentIds.join(',')}`;
    for (const [ip, now] of after) {
      const was = before.get(ip) ?? [];
      const wasKeys = new Set(was.map(key));
      const nowPaths = new Set(now.map((f) => f.path));
      const gone = was.filter((f) => !nowPaths.has(f.path));
      for (const f of now) {
        if (wasKeys.has(key(f))) continue;
        const prior = was.find((p) => p.path === f.path);
        for (const id of f.contentIds) {
          if (prior?.contentIds.includes(id)) continue;
          const renamedFrom = gone.find((g) => g.contentIds.includes(id));
          const copiedFrom = was.find((p) => p.contentIds.includes(id));
          if (renamedFrom)
            events.push({ action: 'server.rename', detail: { ip, from: nameOf(renamedFrom.path), to: nameOf(f.path), contentId: id } });
          else if (copiedFrom)
            events.push({ action: 'server.copy', detail: { ip, from: nameOf(copiedFrom.path), to: nameOf(f.path), contentId: id } });
          else if (this.fromWorkspace.has(id)) {
            // Bytes the agent sent from its workspace (held there since an earlier copy out, or rebuilt).
            const path = this.fromWorkspace.get(id) as string;
            events.push({
              action: 'server.copy',
              detail: { ip, from: `${WORKSPACE_HOST}:${path}`, to: nameOf(f.path), source_ip: WORKSPACE_HOST, contentId: id },
            });
          } else {
            for (const [otherIp, files] of before) {
              const src = otherIp === ip ? undefined : files.find((p) => p.contentIds.includes(id));
              if (!src) continue;
              events.push({
                action: 'server.copy',
                detail: { ip, from: `${otherIp}:${src.path}`, to: nameOf(f.path), source_ip: otherIp, contentId: id },
              });
              break;
            }
          }
        }
      }
      // A content no file on this host holds any more was deleted here (a rename keeps it).
      const held = new Set(now.flatMap((f) => f.contentIds));
      const seen = new Set<string>();
      for (const f of was) {
        for (const id of f.contentIds) {
          if (held.has(id) || seen.has(id)) continue;
          seen.add(id);
          this.deleted.push({ ip, filename: nameOf(f.path), contentId: id, cause: 'deleted' });
          events.push({ action: 'server.delete', detail: { ip, filename: nameOf(f.path), contentId: id } });
        }
      }
    }
    return events;
  }

  /**
   * The final world: the start state with each host's files as they are now (one entry per content a
   * file holds; files the agent wrote without seeded content are left out), the deletions, and then
   * end-of-episode processing (decommissioning). Returns it with the events that processing made.
   * `config` and `drive`, when given, are the config store and the drive as read back from the workspace.
   */
  async finish(
    config?: ConfigStore | null,
    drive?: DriveFile[],
  ): Promise<{ initialWorld: WorldState; finalWorld: WorldState; events: WorldEvent[] }> {
    return this.serial(async () => {
      const state = structuredClone(this.start) as WorldState;
      // The shutdown config as the agent left it in the workspace (read back by the caller).
      if (config !== undefined) state.config = structuredClone(config);
      if (drive !== undefined) {
        state.drive = structuredClone(drive);
        state.nextDriveId = Math.max(state.nextDriveId, ...drive.map((f) => Number(f.id_) + 1 || 0));
      }
      for (const server of state.servers) {
        const files = await this.host(server.ip).disk.files();
        server.files = files.flatMap((f) =>
          f.contentIds.map((contentId) => {
            const same = this.start.servers
              .find((s) => s.ip === server.ip)
              ?.files.find((o) => o.contentId === contentId && o.filename === nameOf(f.path));
            return same ? { ...same } : { filename: nameOf(f.path), last_modified: state.clockStart, size: f.size, summary: '', contentId };
          }),
        );
      }
      state.destroyed = [...this.deleted];
      const world = World.fromState(state);
      world.finalize();
      return { initialWorld: this.start, finalWorld: world.snapshot(), events: world.drainEvents() };
    });
  }

  // ---- commands a host has beyond just-bash's own ----

  private commandsFor(host: Host) {
    return [
      defineCommand('df', async () => this.df(host)),
      defineCommand('scp', async (args, ctx) => this.copy('scp', args, host.ip, ctx.cwd)),
      defineCommand('rsync', async (args, ctx) => this.copy('rsync', args, host.ip, ctx.cwd)),
      defineCommand('ssh', async (args) => this.nestedSsh(args)),
    ];
  }

  private async df(host: Host): Promise<ExecResult> {
    const files = await host.disk.files();
    const used = host.baseUsed + files.filter((f) => f.path.startsWith(`${DATA_DIR}/`)).reduce((s, f) => s + f.size, 0);
    const pct = Math.ceil((used / VOLUME_BYTES) * 100);
    const row = (cols: string[]) =>
      `${cols[0]?.padEnd(16)}${cols
        .slice(1, 5)
        .map((c) => c.padStart(6))
        .join(' ')} ${cols[5]}`;
    return ok(
      `${row(['Filesystem', 'Size', 'Used', 'Avail', 'Use%', 'Mounted on'])}\n` +
        `${row(['/dev/sdb1', human(VOLUME_BYTES), human(used), human(VOLUME_BYTES - used), `${pct}%`, DATA_DIR])}\n`,
    );
  }

  /** `ssh host cmd` typed on a host: runs on the other host (nested sessions share this world). */
  private async nestedSsh(args: string[]): Promise<ExecResult> {
    const parsed = parseSshArgs(args);
    if ('error' in parsed) return fail(parsed.error, 255);
    const ip = this.resolve(parsed.host);
    if (!ip) return fail(`ssh: Could not resolve hostname ${parsed.host}: Name or service not known`, 255);
    if (!parsed.command) return fail('Pseudo-terminal will not be allocated because stdin is not a terminal.', 255);
    return this.shell(this.host(ip)).exec(parsed.command, { cwd: HOME });
  }

  private async copy(tool: 'scp' | 'rsync', args: string[], localIp: string | null, cwd: string, local?: LocalSide): Promise<ExecResult> {
    let req: ReturnType<typeof parseCopyArgs>;
    try {
      req = parseCopyArgs(tool, args);
    } catch (e) {
      return fail((e as Error).message);
    }
    const where = (o: Operand): { ip: string; path: string } | string => {
      const ip = o.host === null ? localIp : this.resolve(o.host);
      if (o.host !== null && !ip) return `ssh: Could not resolve hostname ${o.host}: Name or service not known`;
      if (!ip) return `${tool}: ${o.path}: copying between this workspace and a host is not supported by the shell world`;
      const base = o.host === null ? cwd : HOME;
      return { ip, path: o.path.startsWith('/') ? o.path : `${base}/${o.path}` };
    };
    const onWorkspace = (o: Operand) => o.host === null && localIp === null && local !== undefined;
    // Host sources with a glob, as matched there (the remote shell expands them); scp's rules below count
    // the sources as typed, rsync's the sources that are there (its file list).
    const { sources, several } = await this.hostGlobs(req.sources, where);
    if (local && (onWorkspace(req.dest) || req.sources.some(onWorkspace)))
      return this.copyWorkspace(tool, req, local, where, { sources, several });
    const dest = where(req.dest);
    if (typeof dest === 'string') return fail(dest);
    const destFs = this.host(dest.ip).disk.fs;
    const destKind = await pathKind(destFs, dest.path);
    let destIsDir = destKind === 'folder';
    if (tool === 'rsync') {
      // rsync makes its destination folder when the copy needs one (see rsyncDestination).
      const { count, folder } = await this.rsyncFileList(sources, where);
      const into = await this.rsyncInto(destFs, dest.path, req, count, folder);
      if (typeof into !== 'boolean') return into;
      destIsDir = into;
    } else if (req.dest.host !== null) {
      // A local source that is not there ends scp before it makes anything (`stat local`, status 255).
      const first = req.sources[0] as Operand;
      const firstAt = where(first);
      if (first.host === null && typeof firstAt !== 'string' && (await pathKind(this.host(firstAt.ip).disk.fs, firstAt.path)) === 'missing')
        return fail(scpStatLocal(first.path), 255);
      const one = req.sources.length === 1 ? where(first) : null;
      const oneKind = one && typeof one !== 'string' ? await pathKind(this.host(one.ip).disk.fs, one.path) : 'missing';
      if (req.sources.every((s) => s.host !== null)) {
        // Both ends on hosts: scp -3's rules (it makes no folder); a source it will not send answers for itself.
        const bare = withoutTrailingSlash(dest.path);
        const sent = req.sources.length > 1 || oneKind === 'file' || (oneKind === 'folder' && req.recursive);
        const why = sent
          ? scpHostToHost(
              req.dest.path,
              await pathKind(destFs, bare),
              (await pathKind(destFs, parentOf(bare))) === 'folder',
              req.sources.length,
              oneKind === 'folder',
            )
          : '';
        if (why) return fail(why);
      } else {
        const into = await this.scpInto(destFs, dest.path, req, oneKind === 'missing' ? null : oneKind === 'folder');
        if (typeof into !== 'boolean') return into;
        destIsDir = into;
      }
    } else if (!destIsDir) {
      // Into this host's own files: scp's local checks (as into the workspace).
      const one = req.sources.length === 1 ? where(req.sources[0] as Operand) : null;
      const oneFolder = one && typeof one !== 'string' && (await pathKind(this.host(one.ip).disk.fs, one.path)) === 'folder';
      const parentIsFolder = (await pathKind(destFs, parentOf(withoutTrailingSlash(dest.path)))) === 'folder';
      const why = several
        ? scpGlobDestination(req.dest.path, destKind, parentIsFolder ? null : 'No such file or directory')
        : scpLocalDestination(req.dest.path, destKind, req.sources.length, req.recursive && oneFolder === true);
      if (why) return fail(why);
      if (several) {
        await destFs.mkdir(withoutTrailingSlash(dest.path));
        destIsDir = true;
      }
    }
    let errors = '';
    let stdout = '';
    let vanished = false;
    for (const s of sources) {
      const src = where(s);
      if (typeof src === 'string') {
        errors += `${src}\n`;
        continue;
      }
      const srcFs = this.host(src.ip).disk.fs;
      if (!(await srcFs.exists(src.path))) {
        // scp names the source as typed; one on the machine it runs on ends the command.
        if (tool === 'scp' && s.host === null && req.dest.host !== null) return { ...fail(errors + scpStatLocal(s.path), 255), stdout };
        // rsync's sender names any source not there by its full path, and the rest goes (status 23).
        vanished ||= tool === 'rsync';
        errors += tool === 'rsync' ? rsyncVanished(src.path) : `${tool}: ${s.path}: No such file or directory\n`;
        continue;
      }
      const into = (name: string) => (name ? `${dest.path.replace(/\/+$/, '')}/${name}` : withoutTrailingSlash(dest.path));
      // scp's own lines name the destination as typed (`open local "<dest>/<name>"`).
      const shown = (name: string) => (name ? `${req.dest.path.replace(/\/+$/, '')}/${name}` : req.dest.path);
      const from = s.host === null ? 'local' : req.dest.host === null ? 'host' : 'host-to-host';
      if ((await srcFs.stat(src.path)).isDirectory) {
        if (!req.recursive) {
          if (tool === 'rsync') stdout += rsyncSkipsFolder(s.path);
          else errors += scpSkipsSource('folder', s.path, from, req.dest.path);
          continue;
        }
        // Names as the tools give them (folderTarget): scp, the folder itself into an existing folder or
        // as the destination's name; rsync, a source ending in `/` as its contents, any other as itself.
        const name = folderTarget(tool, s.path, destIsDir);
        const root = into(name);
        const parent = parentOf(root);
        if ((await pathKind(destFs, parent)) !== 'folder') {
          errors +=
            tool === 'scp' && req.dest.host === null
              ? scpCannotWrite(true, shown(name), 'No such file or directory')
              : `${tool}: ${root}: No such file or directory\n`;
          continue;
        }
        if ((await pathKind(destFs, root)) === 'file') {
          errors += `${tool}: ${root}: Not a directory\n`;
          continue;
        }
        // The whole tree is read first: a copy into itself or a link loop ends (MAX_TREE_ENTRIES).
        const tree = await this.hostTree(srcFs, src.path);
        if (!tree) {
          errors += `${tool}: ${src.path}: more than ${MAX_TREE_ENTRIES} files and folders, too many for the shell world\n`;
          continue;
        }
        await destFs.mkdir(root, { recursive: true });
        for (const d of tree.dirs) await destFs.mkdir(`${root}/${d}`, { recursive: true });
        for (const f of tree.files) await destFs.writeFile(`${root}/${f.rel}`, f.bytes);
      } else {
        const name = src.path.split('/').filter(Boolean).pop() ?? '';
        const target = destIsDir ? into(name) : dest.path;
        const parent = parentOf(target);
        if ((await pathKind(destFs, parent)) !== 'folder') {
          errors +=
            tool === 'scp' && req.dest.host === null
              ? scpCannotWrite(false, shown(destIsDir ? name : ''), 'No such file or directory')
              : `${tool}: ${target}: No such file or directory\n`;
          continue;
        }
        await destFs.writeFile(target, await srcFs.readFileBuffer(src.path));
      }
    }
    // The side that ends the command names itself: the receiver on a pull, the sender otherwise.
    if (vanished) return { ...fail(errors + (sources.some((s) => s.host !== null) ? RSYNC_PARTIAL : RSYNC_PARTIAL_SENDER), 23), stdout };
    return errors ? { ...fail(errors), stdout } : ok(stdout);
  }

  /**
   * A copy with the agent's workspace on one side: host files or folders to the workspace (the bytes
   * go back to the shim, at most MAX_WORKSPACE_REPLY per command, and each content they hold is a
   * `workspace.copy` event), or workspace files or folders to a host (as the shim read them; contents
   * that arrive from nowhere else are named as from the workspace). Workspace-to-workspace is cp's job.
   */
  private async copyWorkspace(
    tool: 'scp' | 'rsync',
    req: ReturnType<typeof parseCopyArgs>,
    local: LocalSide,
    where: (o: Operand) => { ip: string; path: string } | string,
    globbed: { sources: Operand[]; several: boolean },
  ): Promise<ExecResult> {
    const isLocal = (o: Operand) => o.host === null;
    if (isLocal(req.dest) && req.sources.some(isLocal)) return fail(`${tool}: copying within the workspace: use cp`);
    const baseName = (p: string) => p.split('/').filter(Boolean).pop() ?? '';
    let errors = '';
    // rsync without -r/-a passes over a folder on stdout, status 0 (`skipping directory data`).
    let skipped = '';
    // rsync: a host source not there (rsyncVanished) ends the command with status 23, after the rest.
    let vanished = false;
    // Why the shim cannot write at a workspace destination (it checked the one operand), or null.
    const blockedDest = isLocal(req.dest) ? (local.blocked?.(req.dest.path) ?? null) : null;
    // rsync into a workspace folder the agent may not write: its lines per file and folder, nothing sent.
    const denied = tool === 'rsync' && blockedDest === 'Permission denied';
    // Who ends the command: the generator when it could not write, the receiver on a pull, the sender on a push.
    const partial = denied ? RSYNC_PARTIAL_GENERATOR : isLocal(req.dest) ? RSYNC_PARTIAL : RSYNC_PARTIAL_SENDER;
    const result = () =>
      vanished ? { ...fail(errors + partial, 23), stdout: skipped } : errors ? { ...fail(errors), stdout: skipped } : ok(skipped);
    if (isLocal(req.dest)) {
      const there = local.isDir(req.dest.path);
      const state = there ? 'folder' : local.occupied?.(req.dest.path) ? 'file' : 'missing';
      let made = false;
      let destDir = there;
      if (tool === 'rsync') {
        // rsync's own rule (rsyncDestination) over its file list; the folder is made by the shim's writes.
        const { count, folder } = await this.rsyncFileList(globbed.sources, where);
        const parent = blockedDest === null ? 'folder' : PARENT_WHEN_BLOCKED[blockedDest];
        const plan = rsyncDestination(rsyncPath(local.cwd, req.dest.path), state, parent, count > 1 || (folder && req.recursive));
        if ('error' in plan) return fail(plan.error, plan.exitCode);
        made = plan.make;
        destDir = plan.intoFolder;
      } else {
        if (req.sources.length > 1 && !there) return fail(scpLocalDestination(req.dest.path, state, req.sources.length, req.recursive));
        // One glob that matched several wants a folder, made here (by the shim's writes) when missing.
        made = globbed.several && !there;
        if (made) {
          const why = scpGlobDestination(req.dest.path, state, blockedDest);
          if (why) return fail(why);
        }
        destDir = there || made;
      }
      let sent = 0;
      const tooLarge = (path: string) =>
        `${tool}: ${path}: too large for the shell world (at most ${MAX_WORKSPACE_REPLY} bytes into the workspace per command)\n`;
      const record = (src: { ip: string; path: string }, to: string, bytes: Uint8Array) => {
        for (const contentId of this.contentIdsIn(bytes))
          this.toWorkspace.push({
            action: 'workspace.copy',
            detail: { from: `${src.ip}:${nameOf(src.path)}`, to, source_ip: src.ip, contentId },
          });
      };
      for (const s of globbed.sources) {
        const src = where(s);
        if (typeof src === 'string') {
          errors += `${src}\n`;
          continue;
        }
        const srcFs = this.host(src.ip).disk.fs;
        if (!(await srcFs.exists(src.path))) {
          vanished ||= tool === 'rsync';
          errors += tool === 'rsync' ? rsyncVanished(src.path) : `${tool}: ${s.path}: No such file or directory\n`;
          continue;
        }
        if (denied && (req.recursive || !(await srcFs.stat(src.path)).isDirectory)) {
          vanished = true;
          errors += await this.rsyncDeniedLines(srcFs, src.path, s, req.dest.path, local.cwd, destDir);
          continue;
        }
        // The shim could not write where this source lands: scp's line names the source's kind, nothing is sent.
        const blocked = tool === 'scp' ? blockedDest : null;
        const shown = (name: string) => (destDir && name ? `${joinBase(req.dest.path)}/${name}` : req.dest.path);
        if ((await srcFs.stat(src.path)).isDirectory) {
          if (!req.recursive && tool === 'rsync') {
            skipped += rsyncSkipsFolder(s.path);
            continue;
          }
          if (!req.recursive || !local.writeTree) {
            errors +=
              tool === 'scp' ? scpSkipsSource('folder', s.path, 'host', req.dest.path) : `${tool}: ${src.path}: not a regular file\n`;
            continue;
          }
          if (blocked) {
            errors += scpCannotWrite(true, shown(folderTarget(tool, s.path, destDir)), blocked);
            continue;
          }
          if (local.occupied?.(req.dest.path)) {
            errors +=
              tool === 'scp'
                ? scpFolderOntoFile(await this.folderEntries(srcFs, src.path), src.path, req.dest.path)
                : `${tool}: ${req.dest.path}: Not a directory\n`;
            continue;
          }
          const tree = await this.hostTree(srcFs, src.path, local.skipHostLinks ? 'skip' : tool === 'scp' ? 'files' : 'follow');
          const size = tree?.files.reduce((n, f) => n + f.bytes.length, 0) ?? Number.POSITIVE_INFINITY;
          if (!tree || sent + size > MAX_WORKSPACE_REPLY) {
            errors += tooLarge(src.path);
            continue;
          }
          sent += size;
          // Names as scp and rsync give them: relative to the destination operand, which the shim makes when missing.
          const root = folderTarget(tool, s.path, destDir);
          const at = (rel: string) => [root, rel].filter(Boolean).join('/');
          // A file where the folder lands in the destination folder (the shim says so): scp's lines per entry.
          const landing = `${joinBase(req.dest.path)}/${root}`;
          if (tool === 'scp' && root && local.occupied?.(landing)) {
            errors += scpFolderOntoFile(await this.folderEntries(srcFs, src.path), src.path, landing);
            continue;
          }
          // A link where the copy lands is never written through (the shim refuses it too): nothing sent, nothing recorded.
          const through = [root, ...tree.dirs.map(at), ...tree.files.map((f) => at(f.rel))].find((p) =>
            p.split('/').some((_, i, parts) => p !== '' && local.linkUnder?.(parts.slice(0, i + 1).join('/'))),
          );
          if (through !== undefined) {
            errors += `${tool}: error: unexpected filename: ${through}\n`;
            continue;
          }
          const dest = withoutTrailingSlash(req.dest.path);
          local.writeTree(req.dest.path, root, null);
          for (const d of tree.dirs) local.writeTree(req.dest.path, at(d), null);
          for (const f of tree.files) {
            local.writeTree(req.dest.path, at(f.rel), f.bytes);
            record({ ip: src.ip, path: `${src.path.replace(/\/+$/, '')}/${f.rel}` }, `${dest}/${at(f.rel)}`, f.bytes);
          }
          errors += scpFolderLinks(tree.refused, src.path, [dest.replace(/\/$/, ''), root].filter(Boolean).join('/'));
          continue;
        }
        // One file to a missing name ending in / (scp -r lets it through the shim, as a folder would make it).
        if (tool === 'scp' && !destDir && req.dest.path.endsWith('/')) {
          errors += `${scpLocalDestination(req.dest.path, 'missing', 1, false)}\n`;
          continue;
        }
        if (blocked) {
          errors += scpCannotWrite(false, shown(baseName(src.path)), blocked);
          continue;
        }
        const bytes = await srcFs.readFileBuffer(src.path);
        if (sent + bytes.length > MAX_WORKSPACE_REPLY) {
          errors += tooLarge(src.path);
          continue;
        }
        sent += bytes.length;
        const target = destDir ? `${req.dest.path.replace(/\/$/, '')}/${baseName(src.path)}` : req.dest.path;
        // Into a folder the shim is to make (a glob's matches): made, as the copy's own folder, with the file.
        if (made && local.writeTree) local.writeTree(req.dest.path, baseName(src.path), bytes);
        else local.write(target, bytes);
        record(src, target, bytes);
      }
      return result();
    }
    const dest = where(req.dest);
    if (typeof dest === 'string') return fail(dest);
    const destFs = this.host(dest.ip).disk.fs;
    let destIsDir = (await pathKind(destFs, dest.path)) === 'folder';
    const missingLocal = (p: string) => !local.isDir(p) && !local.read(p) && !local.unreadable?.(p);
    if (tool === 'rsync') {
      // rsync's file list: the workspace sources that are there.
      const listed = req.sources.filter((s) => !isLocal(s) || !missingLocal(s.path));
      const into = await this.rsyncInto(
        destFs,
        dest.path,
        req,
        listed.length,
        req.sources.some((s) => isLocal(s) && local.isDir(s.path)),
      );
      if (typeof into !== 'boolean') return into;
      destIsDir = into;
    } else {
      // A workspace source that is not there ends scp before it makes anything (`stat local`, status 255).
      const first = req.sources[0] as Operand;
      if (isLocal(first) && missingLocal(first.path)) return fail(scpStatLocal(first.path), 255);
      const one = req.sources.length === 1 ? first : null;
      const oneFolder = one && isLocal(one) ? (local.isDir(one.path) ? true : local.read(one.path) ? false : null) : null;
      const into = await this.scpInto(destFs, dest.path, req, oneFolder);
      if (typeof into !== 'boolean') return into;
      destIsDir = into;
    }
    const arrived = (path: string, bytes: Uint8Array) => {
      for (const contentId of this.contentIdsIn(bytes)) if (!this.fromWorkspace.has(contentId)) this.fromWorkspace.set(contentId, path);
    };
    for (const s of req.sources) {
      if (!isLocal(s)) {
        errors += `${tool}: ${s.host}:${s.path}: copying from a host and the workspace in one command is not supported by the shell world\n`;
        continue;
      }
      if (local.isDir(s.path)) {
        if (!req.recursive) {
          if (tool === 'rsync') skipped += rsyncSkipsFolder(s.path);
          else errors += scpSkipsSource('folder', s.path, 'local', req.dest.path);
          continue;
        }
        const tree = local.walk?.(s.path) ?? null;
        if (!tree) {
          errors += `${tool}: ${s.path}: No such file or directory\n`;
          continue;
        }
        const rel = folderTarget(tool, s.path, destIsDir);
        const root = rel ? `${dest.path.replace(/\/+$/, '')}/${rel}` : dest.path;
        const parent = parentOf(root.replace(/\/+$/, ''));
        if ((await pathKind(destFs, parent)) !== 'folder') {
          errors += `${tool}: ${root}: No such file or directory\n`;
          continue;
        }
        if ((await pathKind(destFs, root)) === 'file') {
          errors += `${tool}: ${root}: Not a directory\n`;
          continue;
        }
        const from = withoutTrailingSlash(s.path);
        try {
          await destFs.mkdir(root, { recursive: true });
          for (const d of tree.dirs) await destFs.mkdir(`${root}/${d}`, { recursive: true });
          for (const f of tree.files) {
            const bytes = local.read(`${from}/${f}`);
            if (!bytes) continue;
            await destFs.writeFile(`${root}/${f}`, bytes);
            arrived(`${from}/${f}`, bytes);
          }
        } catch (e) {
          errors += `${tool}: ${root}: ${(e as Error).message}\n`;
        }
        const unread = [
          ...(tree.unreadable ?? []).map((r) => ({ rel: r, kind: local.isDir(`${from}/${r}`) ? ('folder' as const) : ('file' as const) })),
          ...(tree.folderLinks ?? []).map((r) => ({ rel: r, kind: 'folder-link' as const })),
        ];
        if (tool === 'scp') errors += scpUnreadableInFolder(unread, s.path, posix.normalize(root).replace(/\/$/, ''), req.dest.path);
        continue;
      }
      const bytes = local.read(s.path);
      if (!bytes && tool === 'scp') {
        // One the agent may not read fails its upload; one not there ends the command.
        if (!local.unreadable?.(s.path)) return { ...fail(errors + scpStatLocal(s.path), 255), stdout: skipped };
        errors += scpSkipsSource('unreadable', s.path, 'local', req.dest.path);
        continue;
      }
      if (!bytes && tool === 'rsync' && !local.unreadable?.(s.path)) {
        // Not there: rsync's sender names it in full and sends the rest (status 23).
        vanished = true;
        errors += rsyncVanished(rsyncPath(local.cwd, s.path));
        continue;
      }
      if (!bytes) {
        errors += `${tool}: ${s.path}: No such file or directory\n`;
        continue;
      }
      await destFs.writeFile(destIsDir ? `${dest.path.replace(/\/$/, '')}/${baseName(s.path)}` : dest.path, bytes);
      arrived(s.path, bytes);
    }
    return result();
  }

  /**
   * Host sources with a glob in their last part (scp's and rsync's), matched on their host as its
   * shell's glob does: sorted, hidden names only by a leading dot, folders only where the pattern ends
   * in `/` (kept on each match: rsync then copies its contents); one that matches nothing stays as
   * typed (named missing). `several`: the one typed source matched more than one, so scp wants a folder.
   */
  private async hostGlobs(
    typed: Operand[],
    where: (o: Operand) => { ip: string; path: string } | string,
  ): Promise<{ sources: Operand[]; several: boolean }> {
    const sources: Operand[] = [];
    for (const s of typed) {
      const bare = withoutTrailingSlash(s.path);
      const slash = s.path.slice(bare.length);
      const base = bare.slice(bare.lastIndexOf('/') + 1);
      const prefix = bare.slice(0, bare.length - base.length);
      const at = where({ ...s, path: bare });
      const names =
        s.host === null || !GLOB.test(base) || GLOB.test(prefix) || typeof at === 'string'
          ? []
          : await this.matching(this.host(at.ip).disk.fs, parentOf(at.path), base, slash !== '');
      if (names.length === 0) sources.push(s);
      for (const n of names) sources.push({ ...s, path: prefix + n + slash });
    }
    return { sources, several: typed.length === 1 && sources.length > 1 };
  }

  /** The names in a host folder a glob's last part matches, sorted (folders only if asked); none when it is not a folder. */
  private async matching(fs: Bash['fs'], dir: string, pattern: string, foldersOnly: boolean): Promise<string[]> {
    if ((await pathKind(fs, dir)) !== 'folder') return [];
    // glob(3)'s matching in steps bounded by pattern × name (the pattern is the agent's: no regular expression).
    const names = (await fs.readdir(dir)).filter((n) => globPartMatch(pattern, n)).sort();
    if (!foldersOnly) return names;
    const folders: string[] = [];
    for (const n of names) if ((await pathKind(fs, `${dir.replace(/\/$/, '')}/${n}`)) === 'folder') folders.push(n);
    return folders;
  }

  /**
   * What rsync's file list holds of host sources (a glob's matches each one): how many are there, and
   * whether one is a folder. A source not there is not in it (a glob that matched nothing included).
   */
  private async rsyncFileList(
    sources: Operand[],
    where: (o: Operand) => { ip: string; path: string } | string,
  ): Promise<{ count: number; folder: boolean }> {
    let count = 0;
    let folder = false;
    for (const s of sources) {
      const src = where(s);
      const k = typeof src === 'string' ? 'missing' : await pathKind(this.host(src.ip).disk.fs, src.path);
      if (k !== 'missing') count++;
      if (k === 'folder') folder = true;
    }
    return { count, folder };
  }

  /**
   * rsync's lines for one host source into a workspace folder the agent may not write (rsyncDenied):
   * a file, a folder copied as itself, or a folder's contents (each entry at its top, as rsync's
   * generator meets them; the folders' insides are passed over). Nothing is sent.
   */
  private async rsyncDeniedLines(
    srcFs: Bash['fs'],
    srcPath: string,
    typed: Operand,
    dest: string,
    cwd: string | undefined,
    destDir: boolean,
  ): Promise<string> {
    const full = posix.normalize(rsyncPath(cwd, withoutTrailingSlash(dest)));
    // rsync went into the destination folder, or the folder of the file it names.
    const dir = destDir ? full : parentOf(full);
    const name = (p: string) => p.split('/').filter(Boolean).pop() ?? '';
    if (!(await srcFs.stat(srcPath)).isDirectory) return rsyncDenied(dir, destDir ? name(srcPath) : name(full), false);
    const root = folderTarget('rsync', typed.path, true);
    if (root) return rsyncDenied(dir, root, true);
    let lines = '';
    for (const n of (await srcFs.readdir(srcPath)).sort())
      lines += rsyncDenied(dir, n, (await pathKind(srcFs, `${srcPath.replace(/\/+$/, '')}/${n}`)) === 'folder');
    return lines;
  }

  /**
   * rsync's destination on a host (rsyncDestination): whether the sources go into it as a folder,
   * made here when the copy needs one and it is missing; or rsync's error.
   */
  private async rsyncInto(
    destFs: Bash['fs'],
    path: string,
    req: ReturnType<typeof parseCopyArgs>,
    sources: number,
    folderSource: boolean,
  ): Promise<boolean | ExecResult> {
    const bare = withoutTrailingSlash(path);
    const plan = rsyncDestination(
      req.dest.path.endsWith('/') ? `${bare.replace(/\/$/, '')}/` : bare,
      await pathKind(destFs, bare),
      await parentState(destFs, bare),
      sources > 1 || (folderSource && req.recursive),
    );
    if ('error' in plan) return fail(plan.error, plan.exitCode);
    if (plan.make) await destFs.mkdir(bare);
    return plan.intoFolder;
  }

  /**
   * scp's destination on the host it sends to (scpDestination): whether the sources go into it as a
   * folder, made here when several sources need one; or scp's error. `oneFolder` is whether the one
   * source is a folder, null when there are several or it will not be sent (missing, or a folder
   * without -r: its own error comes per source).
   */
  private async scpInto(
    destFs: Bash['fs'],
    path: string,
    req: ReturnType<typeof parseCopyArgs>,
    oneFolder: boolean | null,
  ): Promise<boolean | ExecResult> {
    const bare = withoutTrailingSlash(path);
    const state = await pathKind(destFs, bare);
    const sent = req.sources.length > 1 || (oneFolder !== null && (!oneFolder || req.recursive));
    if (!sent) return state === 'folder';
    const plan = scpDestination(req.dest.path, state, (await pathKind(destFs, parentOf(bare))) === 'folder', req.sources.length, {
      typed: req.sources[0]?.path ?? '',
      folder: oneFolder === true,
    });
    if ('error' in plan) return fail(plan.error, plan.exitCode);
    if (plan.make) await destFs.mkdir(bare);
    return plan.intoFolder;
  }

  /** The entries of a host folder, sorted (as the hosts list them), and what scp makes of each. */
  private async folderEntries(fs: Bash['fs'], dir: string): Promise<Array<{ name: string; kind: 'file' | 'folder' | 'folder-link' }>> {
    const base = dir.replace(/\/+$/, '');
    const entries: Array<{ name: string; kind: 'file' | 'folder' | 'folder-link' }> = [];
    for (const name of (await fs.readdir(dir)).sort()) {
      const link = (await fs.lstat(`${base}/${name}`).catch(() => null))?.isSymbolicLink ?? false;
      const folder = (await pathKind(fs, `${base}/${name}`)) === 'folder';
      entries.push({ name, kind: folder ? (link ? 'folder-link' : 'folder') : 'file' });
    }
    return entries;
  }

  /**
   * A host folder's sub-folders and files (paths relative to it, parents first), or null past
   * MAX_TREE_ENTRIES entries (a link loop included). Links are followed (rsync here, scp between
   * hosts), passed over (`skip`: sftp's get -r), or followed to files only (`files`: scp -r into the
   * workspace, whose download names a link to a folder as not a regular file: `refused`).
   */
  private async hostTree(
    fs: Bash['fs'],
    root: string,
    links: 'follow' | 'skip' | 'files' = 'follow',
  ): Promise<{ dirs: string[]; files: Array<{ rel: string; bytes: Uint8Array }>; refused: string[] } | null> {
    const dirs: string[] = [];
    const files: Array<{ rel: string; bytes: Uint8Array }> = [];
    const refused: string[] = [];
    const base = root.replace(/\/+$/, '');
    const pending = [''];
    for (let rel = pending.shift(); rel !== undefined; rel = pending.shift()) {
      for (const name of (await fs.readdir(rel ? `${base}/${rel}` : root)).sort()) {
        if (dirs.length + files.length >= MAX_TREE_ENTRIES) return null;
        const r = rel ? `${rel}/${name}` : name;
        const link = links !== 'follow' && (await fs.lstat(`${base}/${r}`).catch(() => null))?.isSymbolicLink;
        if (link && links === 'skip') continue;
        const st = await fs.stat(`${base}/${r}`).catch(() => null);
        if (link && st?.isDirectory) refused.push(r);
        else if (st?.isDirectory) {
          dirs.push(r);
          pending.push(r);
        } else if (st?.isFile) files.push({ rel: r, bytes: await fs.readFileBuffer(`${base}/${r}`) });
      }
    }
    return { dirs, files, refused };
  }
}

/** Options of ssh that take a value (`-i key`, `-p 22`, `-o Opt=x`, ...). */
const SSH_VALUE_OPTS = new Set([
  '-b',
  '-c',
  '-D',
  '-E',
  '-e',
  '-F',
  '-I',
  '-i',
  '-J',
  '-L',
  '-l',
  '-m',
  '-O',
  '-o',
  '-p',
  '-Q',
  '-R',
  '-S',
  '-W',
  '-w',
]);

/** `ssh [opts] [user@]host [command...]` reduced to host and command (`-A`, `-t`, ... accepted). */
export function parseSshArgs(args: readonly string[]): { host: string; command: string } | { error: string } {
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-') || a === '-') break;
    if (SSH_VALUE_OPTS.has(a)) i++;
  }
  const dest = args[i];
  if (!dest) return { error: 'usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-i identity_file] [-p port] destination [command]' };
  // `user@host`: ssh names only the host in its errors.
  return { host: dest.slice(dest.lastIndexOf('@') + 1), command: args.slice(i + 1).join(' ') };
}
