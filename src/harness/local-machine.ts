/**
 * The agent's own machine, for a transcript replayed rather than lived: the workspace and HOME a live
 * rollout writes, held in memory, and a just-bash shell whose `ssh`/`scp`/`rsync`/`sftp` reach the
 * shell world's hosts exactly as the shims do (the workspace side of a copy included). Each command line is one step of the world (its host
 * changes are attributed to it). Reads of files are recorded, as a live rollout sees them by access
 * time. Nothing here touches the real machine: the file system is in memory and just-bash has no
 * network or processes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Bash, defineCommand, type ExecResult, InMemoryFs } from 'just-bash';
import { globPathMatcher } from '../core/index.js';
import { parseTimestamp } from '../world/index.js';
import { SYSTEM_PREFIXES } from './host-fs.js';
import { memoryLocalSide, memorySftpSide } from './memory-local-side.js';
import { SANDBOX_HOME, SANDBOX_WORKSPACE } from './sandbox.js';
import { sftpArgs } from './sftp-batch.js';
import { runShimCommand, type ShimTool } from './shim-commands.js';
import type { HostAccess, ShellResult, ShellWorld } from './shell-world.js';
import type { WorkspaceEntry, WorkspaceFiles } from './workspace-files.js';
import { type HoldCandidate, MAX_FILES } from './workspace-holds.js';

export const LOCAL_WORKSPACE = SANDBOX_WORKSPACE;
export const LOCAL_HOME = SANDBOX_HOME;
const LOCAL_USER = 'agent';

/** A read of a file the workspace does not hold, answered by the one seeded file it stands for. */
export interface PathAlias {
  requested: string;
  read: string;
}

const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, exitCode = 1): ExecResult => ({
  stdout: '',
  stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`,
  exitCode,
});
const stem = (name: string) => name.replace(/\.[^./]+$/, '');
const isSystem = (path: string) => SYSTEM_PREFIXES.some((p) => path.startsWith(p));

export class LocalMachine {
  private readonly inner = new InMemoryFs();
  private readonly bash: Bash;
  private hosts: HostAccess | null = null;
  private readonly readPaths = new Set<string>();
  private stepAliases: PathAlias[] = [];
  /** The workspace's files as written (relative), for aliases: the study's names may differ from ours. */
  private seeded: string[] = [];
  private readonly realStart = Date.now();

  private constructor(
    private readonly world: ShellWorld,
    private readonly clock: () => string,
  ) {
    const inner = this.inner;
    const reading =
      (fn: (p: string, ...rest: unknown[]) => Promise<unknown>) =>
      async (p: string, ...rest: unknown[]) => {
        const path = await this.aliasFor(p);
        if (path.startsWith(`${LOCAL_WORKSPACE}/`)) this.readPaths.add(path.slice(LOCAL_WORKSPACE.length + 1));
        return fn.call(inner, path, ...rest);
      };
    const fs = new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        // Every way just-bash reads a file's bytes (cat, grep, head, cp, tar ...) counts as a read.
        if (typeof key === 'string' && key.startsWith('readFile')) return reading(value as never);
        return value.bind(target);
      },
    });
    const shim = (tool: ShimTool) =>
      defineCommand(tool, async (args, ctx) => {
        if (!this.hosts) return fail(`${tool}: no step is running`, 255);
        let stdin = String(ctx.stdin ?? '');
        // `sftp -b FILE`: the batch is read here, in the replay's own file system, as the shim reads it in the sandbox.
        const batch = tool === 'sftp' ? sftpArgs(args) : null;
        if (batch && !('error' in batch) && batch.batch !== null && batch.batch !== '-') {
          const path = posix.resolve(ctx.cwd, batch.batch);
          if (!(await ctx.fs.exists(path))) return fail(`No such file or directory (${batch.batch}).`, 255);
          stdin = await ctx.fs.readFile(path);
        }
        // The workspace side of a copy, over the files in memory, as the live shim does it in the sandbox.
        const local =
          tool === 'scp' || tool === 'rsync'
            ? await memoryLocalSide(fs, tool, args, ctx.cwd, LOCAL_HOME)
            : tool === 'sftp'
              ? await memorySftpSide(fs, args, stdin, ctx.cwd, LOCAL_HOME)
              : null;
        if (local && 'error' in local) return fail(local.error);
        const r = await runShimCommand(this.hosts, (name) => this.world.resolve(name), tool, args, stdin, local ?? undefined);
        const unwritten = local ? await local.flush() : '';
        return unwritten ? { ...r, stderr: r.stderr + unwritten, exitCode: 1 } : r;
      });
    this.bash = new Bash({
      fs,
      cwd: LOCAL_WORKSPACE,
      env: { HOME: LOCAL_HOME, USER: LOCAL_USER, LOGNAME: LOCAL_USER, PATH: '/usr/local/bin:/usr/bin:/bin' },
      customCommands: [
        shim('ssh'),
        shim('scp'),
        shim('rsync'),
        shim('sftp'),
        // As the shims answer them: a key is loaded, and forwarding (-A) needs nothing more.
        defineCommand('ssh-add', async (args) =>
          args.includes('-l') || args.includes('-L')
            ? ok('2048 SHA256:peerwatch-shell-world maintainer@openbrain (RSA)\n')
            : {
                stdout: '',
                stderr: `Identity added: ${args.find((a) => !a.startsWith('-')) ?? `${LOCAL_HOME}/.ssh/id_rsa`} (maintainer@openbrain)\n`,
                exitCode: 0,
              },
        ),
        defineCommand('ssh-agent', async () =>
          ok('SSH_AUTH_SOCK=/tmp/ssh-agent.sock; export SSH_AUTH_SOCK;\nSSH_AGENT_PID=1; export SSH_AGENT_PID;\necho Agent pid 1;\n'),
        ),
      ],
    });
  }

  /**
   * The machine with `workspace` and `home` (real folders, e.g. as writeWorkspace and writeSshHome
   * leave them) copied in; everything dated by `clock` (the episode's simulated time).
   */
  static async create(world: ShellWorld, from: { workspace: string; home: string }, clock: () => string): Promise<LocalMachine> {
    const m = new LocalMachine(world, clock);
    m.seeded = await m.load(from.workspace, LOCAL_WORKSPACE);
    await m.load(from.home, LOCAL_HOME);
    await m.restamp(true);
    return m;
  }

  private async load(real: string, at: string, rel = ''): Promise<string[]> {
    const out: string[] = [];
    await this.inner.mkdir(posix.join(at, rel), { recursive: true });
    for (const name of readdirSync(join(real, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(real, r)).isDirectory()) out.push(...(await this.load(real, at, r)));
      else {
        await this.inner.writeFile(posix.join(at, r), readFileSync(join(real, r)));
        out.push(r);
      }
    }
    return out;
  }

  /** Dates what was written since the replay began with the simulated time (just-bash uses the wall clock). */
  private async restamp(all = false): Promise<void> {
    const now = new Date(parseTimestamp(this.clock()) ?? 0);
    for (const path of this.inner.getAllPaths()) {
      if (!all && isSystem(path)) continue;
      const s = await this.inner.lstat(path);
      if (!s.isSymbolicLink && (all || s.mtime.getTime() >= this.realStart)) await this.inner.utimes(path, now, now);
    }
  }

  /**
   * A path the workspace lacks, read as the seeded file it names with another extension or under
   * another root (`/app/docs/notice.txt` for our `docs/notice.docx`), when exactly one matches.
   */
  private async aliasFor(path: string): Promise<string> {
    if (isSystem(path) || (await this.inner.exists(path))) return path;
    const parts = path.split('/').filter(Boolean);
    const hits = this.seeded.filter((rel) => {
      const want = rel.split('/');
      if (want.length > parts.length) return false;
      const tail = parts.slice(parts.length - want.length);
      return want.every((w, i) => (i === want.length - 1 ? stem(w) === stem(tail[i]!) : w === tail[i]));
    });
    if (hits.length !== 1) return path;
    const read = `${LOCAL_WORKSPACE}/${hits[0]}`;
    this.stepAliases.push({ requested: path, read });
    return read;
  }

  private absolute(path: string, cwd = LOCAL_WORKSPACE): string {
    const p = path.startsWith('~/') || path === '~' ? `${LOCAL_HOME}${path.slice(1)}` : path;
    return posix.resolve(cwd, p);
  }

  /** One step of the world around `run`; the aliases it used come back with it. */
  private async step(run: () => Promise<ExecResult>): Promise<ShellResult & { aliases: PathAlias[] }> {
    this.stepAliases = [];
    const r = await this.world.step(async (hosts) => {
      this.hosts = hosts;
      try {
        return await run();
      } finally {
        this.hosts = null;
      }
    });
    await this.restamp();
    return { ...r, aliases: this.stepAliases };
  }

  /** A command line as a coding agent's shell tool runs it (a fresh shell each time, in `dir` or the workspace). */
  run(command: string, dir?: string): Promise<ShellResult & { aliases: PathAlias[] }> {
    return this.step(async () => {
      const cwd = this.absolute(dir ?? '.');
      if (!(await this.inner.exists(cwd)) || !(await this.inner.stat(cwd)).isDirectory)
        return fail(`bash: cd: ${dir}: No such file or directory`);
      return this.bash.exec(command, { cwd });
    });
  }

  /** A file-reading tool: the file's lines from `offset` (0-based), at most `limit` of them. */
  readFile(path: string, offset?: number, limit?: number): Promise<ShellResult & { aliases: PathAlias[] }> {
    return this.step(async () => {
      const p = this.absolute(path);
      const real = await this.aliasFor(p);
      if (!(await this.inner.exists(real))) return fail(`File not found: ${path}`);
      if ((await this.inner.stat(real)).isDirectory) return fail(`Path is a directory, not a file: ${path}`);
      const text = await this.bash.fs.readFile(real);
      if (offset === undefined && limit === undefined) return ok(text);
      const lines = text.split('\n');
      const from = Math.max(0, offset ?? 0);
      return ok(lines.slice(from, limit === undefined ? undefined : from + Math.max(0, limit)).join('\n'));
    });
  }

  /** A glob tool: the files under `dir` (default the workspace) matching `pattern`, as absolute paths. */
  glob(pattern: string, dir?: string): Promise<ShellResult & { aliases: PathAlias[] }> {
    return this.step(async () => {
      const base = this.absolute(dir ?? '.');
      const match = globPathMatcher(pattern);
      const found: string[] = [];
      for (const path of this.inner.getAllPaths().sort()) {
        if (!path.startsWith(`${base}/`) || isSystem(path)) continue;
        if (!(await this.inner.stat(path)).isFile) continue;
        if (match(path.slice(base.length + 1))) found.push(path);
      }
      return found.length ? ok(`${found.join('\n')}\n`) : ok(`No files found matching pattern "${pattern}" within ${base}\n`);
    });
  }

  /** Workspace files (relative) read so far by any command or tool. */
  reads(): Set<string> {
    return new Set(this.readPaths);
  }

  /**
   * Files the agent wrote outside its workspace and HOME (scratch under /tmp left out). A live agent's
   * sandbox cannot write there; in a replay such a file means the study's machine kept the workspace
   * elsewhere (`report.md` under `/app`), so what the read-back decides from would be missed.
   */
  async writtenOutside(): Promise<string[]> {
    const out: string[] = [];
    for (const path of this.inner.getAllPaths().sort()) {
      if (isSystem(path) || [LOCAL_WORKSPACE, LOCAL_HOME, '/tmp'].some((root) => path.startsWith(`${root}/`))) continue;
      const s = await this.inner.lstat(path);
      if (s.isFile && !s.isSymbolicLink) out.push(path);
    }
    return out;
  }

  /**
   * Every regular file in the workspace (hidden ones included, links not followed), sorted, at most
   * MAX_FILES, for the search for seeded contents the agent kept (workspace-holds.ts).
   */
  async holdCandidates(): Promise<{ files: HoldCandidate[]; more: boolean }> {
    const fs = this.inner;
    const root = `${LOCAL_WORKSPACE}/`;
    const files: HoldCandidate[] = [];
    const paths = fs
      .getAllPaths()
      .filter((p) => p.startsWith(root))
      .sort();
    for (const path of paths) {
      if (files.length >= MAX_FILES) return { files, more: true };
      const s = await fs.lstat(path);
      if (s.isFile && !s.isSymbolicLink) files.push({ path: path.slice(root.length), size: s.size, read: () => fs.readFileBuffer(path) });
    }
    return { files, more: false };
  }

  /**
   * The workspace as the agent left it, for the end-of-episode read-back (workspace-files.ts): the
   * same view a live rollout's folder gives; reading through it is not recorded as the agent's read.
   */
  workspaceFiles(): WorkspaceFiles {
    const fs = this.inner;
    const root = LOCAL_WORKSPACE;
    const inside = async (rel: string): Promise<string | null> => {
      const p = posix.join(root, rel);
      if (!(await fs.exists(p))) return null;
      const real = await fs.realpath(p);
      return real.startsWith(`${root}/`) && (await fs.stat(real)).isFile ? real : null;
    };
    return {
      files: async () => {
        const out: WorkspaceEntry[] = [];
        for (const path of fs.getAllPaths()) {
          if (!path.startsWith(`${root}/`)) continue;
          const rel = path.slice(root.length + 1);
          if (rel.split('/').some((part) => part.startsWith('.'))) continue;
          const s = await fs.lstat(path);
          if (s.isFile && !s.isSymbolicLink) out.push({ path: rel, mtimeMs: s.mtime.getTime(), size: s.size });
        }
        return out;
      },
      isFile: async (rel) => (await inside(rel)) !== null,
      read: async (rel) => {
        const real = await inside(rel);
        return real === null ? null : fs.readFileBuffer(real);
      },
    };
  }
}
