/**
 * `sftp` in batch form (commands on stdin or from `-b FILE`), carried out through the hosts as one
 * step: remote commands run as the host shell's own (`rm` as rm, `rename` as mv, ...), and `get`/`put`
 * with the workspace on the local side as the workspace `scp` does, so every change is the same world
 * event with content ids. Output and errors follow OpenSSH's sftp: each command echoed as
 * `sftp> cmd`; with `-b`, the first failing command (without a leading `-`) ends the batch, status 1.
 */
import { posix } from 'node:path';
import type { ExecResult } from 'just-bash';
import { globPartMatch } from '../core/index.js';
import { withoutTrailingSlash as trim } from './copy-args.js';
import { type SftpLine, sftpArgs, sftpLine, sftpLocalGlob, sftpLocalPath } from './sftp-batch.js';
import { columns, SFTP_HELP, sftpDf } from './sftp-text.js';
import { type HostAccess, type LocalSide, type SftpState, USER } from './shell-world.js';
import { MAX_LINK_CHECK_ENTRIES } from './shims.js';

const HOME = `/home/${USER}`;
/** A local path as one folder is named whatever way it was typed (`./out/` and `out`). */
export const localKey = (p: string): string => posix.normalize(p).replace(/(.)\/+$/, '$1');
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const GLOB = /[*?[]/;

type Kind = 'd' | 'f' | null;
interface Match {
  path: string;
  kind: 'd' | 'f';
}

/** Folder paths in the order sftp walks them: each folder, then what is under it, names sorted. */
function depthFirst(paths: string[]): string[] {
  const key = (p: string) => p.split('/');
  return [...paths].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
    return x.length - y.length;
  });
}

/** What one command did: its output, and whether it failed. */
interface Outcome {
  out: string;
  err: string;
  failed: boolean;
  /** `!command`: for the shim to run once this line's output is printed and the writes before it made. */
  shell?: string;
}

const done = (out = ''): Outcome => ({ out, err: '', failed: false });
const error = (err: string, out = ''): Outcome => ({ out, err: `${err}\n`, failed: true });

/** Flags each command takes (getopt letters); a command not listed takes none. */
const FLAGS: Record<string, string> = {
  get: 'afPpRr',
  put: 'afPpRr',
  reget: 'afPpRr',
  reput: 'afPpRr',
  ls: '1Safhlnrt',
  df: 'hi',
  rename: 'l',
  chmod: 'h',
  chown: 'h',
  chgrp: 'h',
  ln: 's',
};
const ALIASES: Record<string, string> = {
  chdir: 'cd',
  dir: 'ls',
  lchdir: 'lcd',
  mget: 'get',
  mput: 'put',
  cp: 'copy',
  exit: 'quit',
  bye: 'quit',
  '?': 'help',
};

/**
 * Runs `sftp` typed on the agent's machine. `stdin`: the batch (for `-b FILE` the caller read the file,
 * as the shim does inside the sandbox). `local`: the workspace side (the live shim's, or the in-memory
 * machine's in a replay or `serve --form shell`).
 */
export async function runSftp(
  hosts: HostAccess,
  resolve: (name: string) => string | null,
  argv: string[],
  stdin: string,
  local?: LocalSide,
): Promise<ExecResult> {
  const args = sftpArgs(argv);
  if ('error' in args) return { stdout: '', stderr: `${args.error}\n`, exitCode: 1 };
  // `host:dir` starts in that folder (as sftp does); `host:file`, or any `host:path local`, is sftp's
  // `get` of it (made absolute, as sftp.c's interactive_loop does), and the session ends there.
  const colon = args.destination.indexOf(':');
  const start = colon > 0 ? args.destination.slice(colon + 1) : '';
  const host = args.destination.slice(args.destination.lastIndexOf('@', colon > 0 ? colon : undefined) + 1, colon > 0 ? colon : undefined);
  const ip = resolve(host);
  if (!ip)
    return { stdout: '', stderr: `ssh: Could not resolve hostname ${host}: Name or service not known\nConnection closed\n`, exitCode: 255 };
  // No terminal reaches the shims (the sandbox has none; stdin is a pipe or /dev/null), so sftp reads
  // its commands from stdin: empty, it connects and ends, as OpenSSH 9.2's sftp does with stdin
  // /dev/null (`Connected to <host>.` on stderr, status 0; with `host:dir`, `Changing to:` first).
  const session = new SftpSession(hosts, ip, args.quiet, local, args.recursive, args.silent, args.batch !== null);
  // The lines after a `!command`: the same session goes on (connected, and started, before it).
  if (local?.sftpResume) return runLines(session, local, stdin, args.batch !== null, local.sftpResume);
  let stdout = '';
  const stderr = args.quiet ? '' : `Connected to ${host}.\n`;
  if (start) {
    const download = args.localName !== null || !(await session.startIn(start));
    if (download) {
      // The get line as sftp builds it (its own comment: "wrong wrt quoting"), not echoed; its status is sftp's.
      const r = await session.run(sftpLine(`get ${session.absolute(start)}${args.localName === null ? '' : ` ${args.localName}`}`));
      return { stdout: stdout + r.out, stderr: stderr + r.err, exitCode: r.failed ? 1 : 0 };
    }
    if (!args.quiet) stdout += `Changing to: ${start.startsWith('/') ? start : `${HOME}/${start}`}\n`;
  }
  const r = await runLines(session, local, stdin, args.batch !== null);
  return { ...r, stdout: stdout + r.stdout, stderr: stderr + r.stderr };
}

/**
 * The batch's lines in turn (from `state` when it goes on after a `!command`). A `!command` ends this
 * request: the shim runs it, then sends the lines after it, which see what it changed, as sftp's do.
 */
async function runLines(
  session: SftpSession,
  local: LocalSide | undefined,
  stdin: string,
  batch: boolean,
  state?: SftpState,
): Promise<ExecResult> {
  if (state) session.resume(state);
  const lines = stdin.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let stdout = '';
  let stderr = '';
  for (const text of lines) {
    const line = sftpLine(text);
    if (!line.noEcho) stdout += `sftp> ${text.replace(/\r$/, '')}\n`;
    if (line.name === 'quit' || line.name === 'bye' || line.name === 'exit') break;
    const r = await session.run(line);
    stdout += r.out;
    stderr += r.err;
    // Recorded from OpenSSH 9.2p1: a failing `!command` does not end a -b batch (it never fails here).
    if (r.shell !== undefined && local?.shell) {
      local.shell(r.shell, session.state());
      break;
    }
    if (r.failed && batch && !line.ignoreErrors) return { stdout, stderr, exitCode: 1 };
  }
  return { stdout, stderr, exitCode: 0 };
}

/** One connection's state (remote and local directories) and its commands. */
class SftpSession {
  private cwd = HOME;
  /** The local directory after `lcd`s, relative to where the shim ran ('' for there). */
  private lcwd = '';

  constructor(
    private readonly hosts: HostAccess,
    private readonly ip: string,
    private readonly quiet: boolean,
    private readonly local?: LocalSide,
    /** `sftp -r`: every get and put recursive. */
    private readonly recursive = false,
    /** `sftp -q`: info lines (a link skipped by `get -r`) unsaid. */
    private readonly silent = false,
    /** `sftp -b`: a failing command ends the batch, and stops at its first failing path. */
    private readonly batch = false,
  ) {}

  /** The local umask `lumask` set (sftp's own, which its `lmkdir` folders get); null before one. */
  private umask: number | null = null;
  /** Local folders this batch's `lmkdir`s made (normalized): the shim makes them when the world answers. */
  private readonly made = new Set<string>();

  /** A local folder, as the shim saw it or as an earlier `lmkdir` made it. */
  private localDir(path: string): boolean {
    return this.made.has(localKey(path)) || (this.local?.isDir(path) ?? false);
  }

  async run(line: SftpLine): Promise<Outcome> {
    if (line.error) return error(line.error);
    if (!line.name) return done();
    if (line.name === '!') return this.shell(line.operands[0] ?? '');
    const name = ALIASES[line.name] ?? line.name;
    const bad = [...line.flags].find((f) => !(FLAGS[name] ?? '').includes(f));
    if (bad && name !== 'lls') return error(`${line.name}: Invalid flag -${bad}`);
    const [a, b] = line.operands;
    switch (name) {
      case 'ls':
        return this.ls(line.flags, a);
      case 'cd':
        return this.cd(a ?? HOME);
      case 'pwd':
        return done(`Remote working directory: ${this.cwd}\n`);
      case 'lpwd':
        return this.local?.cwd
          ? done(`Local working directory: ${posix.resolve(this.local.cwd, this.lcwd || '.')}\n`)
          : error("Couldn't get local cwd: the workspace side is not available");
      case 'lcd':
        return this.lcd(a);
      case 'lls':
        return this.lls(a);
      case 'get':
      case 'reget':
        if (!a) return error(`You must specify at least one path after a ${line.name} command.`);
        return this.get(a, b, line.flags, name === 'reget');
      case 'put':
      case 'reput':
        if (!a) return error(`You must specify at least one path after a ${line.name} command.`);
        return this.put(a, b, line.flags, name === 'reput');
      case 'rm':
        if (!a) return error(`You must specify a path after a ${line.name} command.`);
        return this.rm(a);
      case 'mkdir':
        if (!a) return error(`You must specify a path after a ${line.name} command.`);
        return this.mkdir(this.abs(a));
      case 'rmdir':
        if (!a) return error(`You must specify a path after a ${line.name} command.`);
        return this.rmdir(this.abs(a));
      case 'rename':
        if (!a || !b) return error(`You must specify two paths after a ${line.name} command.`);
        return this.rename(this.abs(a), this.abs(b));
      case 'chmod':
        if (!a || !/^[0-7]+$/.test(a)) return error(`You must supply a numeric argument to the ${line.name} command.`);
        if (!b) return error(`You must specify a path after a ${line.name} command.`);
        return this.chmod(a, b);
      case 'copy':
        if (!a || !b) return error(`You must specify two paths after a ${line.name} command.`);
        return this.copy(this.joined(a), this.joined(b));
      case 'ln':
      case 'symlink':
        if (!a || !b) return error(`You must specify two paths after a ${line.name} command.`);
        // A symbolic link's target is kept as typed (sftp makes only the link's own path absolute).
        return name === 'symlink' || line.flags.includes('s') ? this.symlink(a, this.joined(b)) : this.link(this.joined(a), this.joined(b));
      case 'chown':
      case 'chgrp': {
        const id = /^\+?[0-9]+$/.test(a ?? '') ? Number(a) : Number.NaN;
        // strtoll's reading, then sftp's range: a 32-bit id (0xffffffff is "leave it as it is").
        if (!(id <= 0xffffffff)) return error(`You must supply a numeric argument to the ${line.name} command.`);
        if (!b) return error(`You must specify a path after a ${line.name} command.`);
        return this.chown(name, id, b, line.flags.includes('h'), this.batch && !line.ignoreErrors);
      }
      case 'lumask':
        return this.lumask(line.name, a);
      case 'lmkdir':
        if (!a) return error(`You must specify a path after a ${line.name} command.`);
        return this.lmkdir(a);
      case 'df':
        return this.df(line.flags.includes('h'));
      case 'help':
        return done(SFTP_HELP);
      case 'version':
        return done('SFTP protocol version 3\n');
      case 'progress':
        return done('Progress meter disabled\n');
      default:
        return error('Invalid command.');
    }
  }

  private abs(path: string): string {
    return posix.resolve(this.cwd, path);
  }

  /** A remote path as sftp's make_absolute writes it: appended to the remote folder, not normalized (as its messages show). */
  private joined(path: string): string {
    if (path.startsWith('/')) return path;
    return this.cwd.endsWith('/') ? this.cwd + path : `${this.cwd}/${path}`;
  }

  private sh(command: string): Promise<ExecResult> {
    return this.hosts.exec(this.ip, command);
  }

  /** For each path, 'd' (a directory), 'f' (anything else there) or null (nothing): one command on the host. */
  private async kinds(paths: string[]): Promise<Kind[]> {
    const r = await this.sh(
      `for p in ${paths.map(q).join(' ')}; do if [ -d "$p" ]; then echo d; elif [ -e "$p" ]; then echo f; else echo -; fi; done`,
    );
    const found = r.stdout.split('\n');
    return paths.map((_, i) => (found[i] === 'd' || found[i] === 'f' ? found[i] : null));
  }

  private async kind(path: string): Promise<Kind> {
    return (await this.kinds([path]))[0] ?? null;
  }

  /**
   * A remote path with a glob in its last part, expanded as sftp's glob does (hidden names only by a
   * leading dot), with what each match is; a path without a glob, itself when it is there.
   */
  private async glob(path: string): Promise<Match[]> {
    if (!GLOB.test(path)) {
      const kind = await this.kind(path);
      return kind ? [{ path, kind }] : [];
    }
    const dir = posix.dirname(path);
    const base = posix.basename(path);
    if (GLOB.test(dir)) return [];
    const d = q(dir);
    // One command lists the folder with what each entry is (names may hold spaces: read line by line).
    const r = await this.sh(
      `if [ -d ${d} ]; then ls -1A ${d} | while IFS= read -r f; do if [ -d ${d}/"$f" ]; then echo "d $f"; else echo "f $f"; fi; done; fi`,
    );
    // glob(3)'s matching, in steps bounded by pattern × name (the pattern is the agent's: no regular expression).
    return r.stdout
      .split('\n')
      .filter((l) => l.length > 2 && globPartMatch(base, l.slice(2)))
      .map((l) => ({ path: posix.join(dir, l.slice(2)), kind: l[0] === 'd' ? ('d' as const) : ('f' as const) }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private async names(dir: string): Promise<string[]> {
    const r = await this.sh(`ls -1A ${q(dir)}`);
    return r.stdout
      .split('\n')
      .filter((n) => n)
      .sort();
  }

  private async ls(flags: string, path?: string): Promise<Outcome> {
    const target = path === undefined ? this.cwd : this.abs(path);
    const matches = await this.glob(target);
    if (matches.length === 0) return error(`Can't ls: "${target}" not found`);
    // Names as sftp shows them: relative to the remote directory when the path was, else whole.
    const shown = (p: string) => (path === undefined || !path.startsWith('/') ? posix.relative(this.cwd, p) || '.' : p);
    let entries: string[];
    if (matches.length === 1 && matches[0]?.kind === 'd') {
      const dir = matches[0].path;
      const all = await this.names(dir);
      const names = flags.includes('a') ? ['.', '..', ...all] : all.filter((n) => !n.startsWith('.'));
      entries = names.map((n) => (path === undefined ? n : shown(posix.join(dir, n))));
      if (flags.includes('l') || flags.includes('n')) return this.long(dir, names, entries);
    } else {
      entries = matches.map((m) => shown(m.path));
      if (flags.includes('l') || flags.includes('n'))
        return this.long(
          null,
          matches.map((m) => m.path),
          entries,
        );
    }
    if (flags.includes('1')) return done(entries.map((e) => `${e}\n`).join(''));
    return done(columns(entries));
  }

  /** `ls -l`: the host's own long listing of each entry, with sftp's name for it. */
  private async long(dir: string | null, names: string[], entries: string[]): Promise<Outcome> {
    let out = '';
    for (const [i, n] of names.entries()) {
      const p = dir === null ? n : posix.join(dir, n);
      const r = await this.sh(`ls -ld ${q(p)}`);
      const row = r.stdout.split('\n')[0] ?? '';
      const cut = row.lastIndexOf(` ${p}`);
      if (cut > 0) out += `${row.slice(0, cut)} ${entries[i]}\n`;
    }
    return done(out);
  }

  /** `sftp host:path`: when the path is a folder, the session starts there (true); anything else is a download. */
  async startIn(path: string): Promise<boolean> {
    const target = this.abs(path);
    if ((await this.kind(target)) !== 'd') return false;
    this.cwd = target;
    return true;
  }

  /** A remote path made absolute against the remote directory. */
  absolute(path: string): string {
    return this.abs(path);
  }

  private async cd(path: string): Promise<Outcome> {
    const target = this.abs(path);
    const k = await this.kind(target);
    if (!k) return error(`realpath ${target}: No such file`);
    if (k !== 'd') return error(`Can't change directory: "${target}" is not a directory`);
    this.cwd = target;
    return done();
  }

  private lcd(path?: string): Outcome {
    // No folder: sftp goes to the local home (its `~`), as the shim found it.
    const target = path ? sftpLocalPath(this.lcwd, path) : this.local?.home;
    if (target === undefined) return error('Couldn\'t change local directory to "~": the workspace side is not available');
    path ??= target;
    if (!this.localDir(target)) return error(`Couldn't change local directory to "${path}": No such file or directory`);
    this.lcwd = target;
    return done();
  }

  private lls(path?: string): Outcome {
    const target = sftpLocalPath(this.lcwd, path ?? '.');
    const names = this.local?.list?.(target) ?? null;
    if (names === null) return error(`ls: cannot access '${path ?? '.'}': No such file or directory`);
    return done(names.map((n) => `${n}\n`).join(''));
  }

  /** A local path as the workspace scp takes it (`./a:b`, so a colon is not read as a host). */
  private scpLocal(path: string): string {
    const colon = path.indexOf(':');
    const slash = path.indexOf('/');
    return colon > 0 && (slash < 0 || slash > colon) ? `./${path}` : path;
  }

  /**
   * `get`, and `reget` (`resume`): the stand-ins are not the sizes the hosts show, so a resume's offset
   * is not modelled: the whole file comes, which is what a resume of an interrupted copy of it gives.
   */
  private async get(remote: string, localName: string | undefined, flags: string, resume = false): Promise<Outcome> {
    const source = this.abs(remote);
    const matches = await this.glob(source);
    if (matches.length === 0) return error(`File "${source}" not found.`);
    const into = localName !== undefined && this.localDir(sftpLocalPath(this.lcwd, localName));
    if (matches.length > 1 && localName !== undefined && !into)
      return error(`Multiple source paths, but destination "${localName}" is not a directory`);
    const recursive = /[rR]/.test(flags) || this.recursive;
    let out = '';
    let err = '';
    // A skipped link is said on stderr but fails nothing; every other line there is a failure.
    let failed = false;
    for (const { path: m, kind } of matches) {
      const name = posix.basename(m);
      // Named as sftp's path_append names it (`./` + name is `./name`); opened as that path.
      const dest = localName === undefined ? name : into ? `${localName}${localName.endsWith('/') ? '' : '/'}${name}` : localName;
      // sftp's glob marks a folder with a trailing slash (GLOB_MARK), and names it so.
      const shown = kind === 'd' ? `${m}/` : m;
      if (!this.quiet) out += `${resume ? 'Resuming' : 'Fetching'} ${shown} to ${dest}\n`;
      if (kind === 'd' && !recursive) {
        err += `download ${shown}: not a regular file\n`;
        failed = true;
        continue;
      }
      const target = sftpLocalPath(this.lcwd, posix.normalize(dest));
      // As sftp opens the local file first: a copy the shim could not write never reaches the world's record.
      const at = into ? sftpLocalPath(this.lcwd, localName as string) : posix.dirname(target);
      if (this.local?.writable?.(at) === false && !this.made.has(localKey(at))) {
        err += `open local "${dest}": Permission denied\n`;
        failed = true;
        continue;
      }
      if (kind === 'd') {
        const r = await this.getFolder(m, target);
        out += r.out;
        err += r.err;
        failed ||= r.failed;
        continue;
      }
      const r = await this.hosts.copy('scp', [`${this.ip}:${m}`, this.scpLocal(target)], this.local);
      err += r.stderr.replace(/^scp: /gm, '');
      failed ||= r.exitCode !== 0 || r.stderr !== '';
    }
    return { out, err, failed };
  }

  /**
   * `get -r` of a host folder: its contents into `target` (made when missing, merged when there), as
   * sftp's download_dir does, with a `Retrieving` line per folder (printed even when quiet, as sftp
   * does). The copy is the workspace rsync of `folder/` (contents into the destination), so its walls
   * and caps are the recursive copy's: links under the target never written through, 8 MiB back.
   */
  private async getFolder(folder: string, target: string): Promise<Outcome> {
    const local = this.local;
    // Links there are passed over (never followed), each named on stderr (an info line: unsaid with -q),
    // status 0, as OpenSSH 9.2's download_dir does. just-bash's find has no -type l: test -L tells them.
    const found = await this.sh(
      `find ${q(folder)} | while IFS= read -r p; do if [ -L "$p" ]; then echo "l $p"; elif [ -d "$p" ]; then echo "d $p"; fi; done`,
    );
    const rows = found.stdout.split('\n').filter((l) => l.slice(2).startsWith(folder));
    const links = depthFirst(rows.filter((l) => l.startsWith('l ') && l.slice(2) !== folder).map((l) => l.slice(2)));
    const under = (p: string) => links.some((l) => p === l || p.startsWith(`${l}/`));
    const out = depthFirst(rows.filter((l) => l.startsWith('d ') && !under(l.slice(2))).map((l) => l.slice(2)))
      .map((d) => `Retrieving ${d === folder ? `${d}/` : d}\n`)
      .join('');
    const skipped = this.silent ? '' : links.map((l) => `download "${l}": not a regular file\n`).join('');
    // Links and an occupied destination as the shim saw them, by local path (the copy names them relative to the target).
    const view: LocalSide | undefined = local && {
      ...local,
      isDir: (p) => p !== target && local.isDir(p),
      linkUnder: (rel) => local.isLink?.(posix.join(target, rel)) ?? false,
      occupied: (p) => p === target && (local.occupied?.(localKey(target)) ?? false),
      skipHostLinks: true,
    };
    const into = this.scpLocal(target);
    // A file where the folder would land: sftp's own line (rsync's would be its destination rule's).
    if (view?.occupied?.(target)) return { out, err: `${skipped}${into}: Not a directory\n`, failed: true };
    const r = await this.hosts.copy('rsync', ['-r', `${this.ip}:${folder}/`, into], view);
    return { out, err: skipped + r.stderr.replace(/^rsync: /gm, ''), failed: r.exitCode !== 0 || r.stderr !== '' };
  }

  /**
   * `put`: a glob in the local name's last part is expanded over the local folder as the shim listed
   * it (sftp's glob(3) with GLOB_MARK: a folder shown with a slash), each match put in turn.
   */
  private async put(localName: string, remote: string | undefined, flags: string, resume = false): Promise<Outcome> {
    if (!GLOB.test(localName)) return this.putOne(localName, remote, flags, resume);
    const found = sftpLocalGlob(localName, this.lcwd, (d) => this.local?.list?.(d) ?? null, globPartMatch, MAX_LINK_CHECK_ENTRIES) ?? [];
    // A last part taken as typed (`*/x`) is a match only where the shim found it.
    const there = (m: string) => this.localDir(sftpLocalPath(this.lcwd, m)) || this.local?.read(sftpLocalPath(this.lcwd, m));
    const matches = GLOB.test(posix.basename(localName)) ? found : found.filter(there);
    if (matches.length === 0) return error(`stat ${localName}: No such file or directory`);
    if (matches.length > 1 && remote !== undefined && (await this.kind(this.abs(remote))) !== 'd')
      return error(`Multiple paths match, but destination "${this.abs(remote)}" is not a directory`);
    let out = '';
    let err = '';
    for (const m of matches) {
      const r = await this.putOne(m, remote, flags, resume);
      out += r.out;
      err += r.err;
    }
    return { out, err, failed: err !== '' };
  }

  /** One upload; `reput` (`resume`) needs the remote file there, then sends the whole file, as get's resume does. */
  private async putOne(localName: string, remote: string | undefined, flags: string, resume = false): Promise<Outcome> {
    const path = sftpLocalPath(this.lcwd, localName);
    const name = posix.basename(localName);
    let dest = remote === undefined ? posix.join(this.cwd, name) : this.abs(remote);
    if (remote !== undefined && (await this.kind(dest)) === 'd') dest = posix.join(dest, name);
    if (this.local && !this.local.isDir(path) && !this.local.read(path)) return error(`stat ${localName}: No such file or directory`);
    const folder = this.local?.isDir(path) ?? false;
    // sftp's local glob marks a folder with a trailing slash and names it so.
    const shown = folder ? `${trim(localName)}/` : localName;
    let out = this.quiet ? '' : `${resume ? 'Resuming upload of' : 'Uploading'} ${shown} to ${dest}\n`;
    if (resume && !folder && (await this.kind(dest)) === null) return error('stat remote: No such file or directory', out);
    // Without -r a folder goes to do_upload, which refuses it (OpenSSH 9.2).
    if (folder && !/[rR]/.test(flags) && !this.recursive) return error(`local "${shown}" is not a regular file`, out);
    if (folder) {
      // upload_dir: the folder's contents into dest (made when missing, merged into a folder there), an `Entering` line per local folder.
      const kind = await this.kind(dest);
      if (kind === 'f') return error(`"${dest}" exists but is not a directory`, out);
      const tree = this.local?.walk?.(path) ?? { dirs: [], files: [] };
      out += depthFirst(['', ...tree.dirs])
        .map((d) => `Entering ${d === '' ? shown : `${trim(localName)}/${d}`}\n`)
        .join('');
      const r = await this.hosts.copy('rsync', ['-r', `${this.scpLocal(trim(path))}/`, `${this.ip}:${dest}`], this.local);
      return r.exitCode === 0 ? done(out) : error(r.stderr.replace(/^rsync: /gm, '').trimEnd(), out);
    }
    const r = await this.hosts.copy('scp', [this.scpLocal(path), `${this.ip}:${dest}`], this.local);
    return r.exitCode === 0 ? done(out) : error(r.stderr.replace(/^scp: /gm, '').trimEnd(), out);
  }

  private async rm(path: string): Promise<Outcome> {
    const target = this.abs(path);
    const matches = await this.glob(target);
    let out = '';
    let err = '';
    // As sftp's glob with GLOB_NOCHECK: nothing matched, the pattern itself is what it tries to remove.
    for (const { path: m, kind } of matches.length ? matches : [{ path: target, kind: null }]) {
      if (!this.quiet) out += `Removing ${m}\n`;
      if (kind === null) err += `remote delete ${m}: No such file\n`;
      else if (kind === 'd') err += `remote delete ${m}: Failure\n`;
    }
    const files = matches.filter((m) => m.kind === 'f').map((m) => q(m.path));
    if (files.length && (await this.sh(`rm -f ${files.join(' ')}`)).exitCode !== 0) err += `remote delete ${target}: Permission denied\n`;
    return { out, err, failed: err !== '' };
  }

  private async mkdir(path: string): Promise<Outcome> {
    const [here, parent] = await this.kinds([path, posix.dirname(path)]);
    if (here) return error(`remote mkdir "${path}": Failure`);
    if (parent !== 'd') return error(`remote mkdir "${path}": No such file`);
    const r = await this.sh(`mkdir ${q(path)}`);
    return r.exitCode === 0 ? done() : error(`remote mkdir "${path}": Permission denied`);
  }

  private async rmdir(path: string): Promise<Outcome> {
    const k = await this.kind(path);
    if (!k) return error(`remote rmdir "${path}": No such file`);
    if (k !== 'd' || (await this.sh(`rmdir ${q(path)}`)).exitCode !== 0) return error(`remote rmdir "${path}": Failure`);
    return done();
  }

  private async rename(from: string, to: string): Promise<Outcome> {
    const [source, target, parent] = await this.kinds([from, to, posix.dirname(to)]);
    if (!source) return error(`remote rename "${from}" to "${to}": No such file`);
    // sftp's rename is the server's rename(2) (OpenSSH's posix-rename): over a file, never into a directory.
    if (target === 'd' || parent !== 'd') return error(`remote rename "${from}" to "${to}": Failure`);
    const r = await this.sh(`mv -f ${q(from)} ${q(to)}`);
    return r.exitCode === 0 ? done() : error(`remote rename "${from}" to "${to}": Failure`);
  }

  private async chmod(mode: string, path: string): Promise<Outcome> {
    const target = this.abs(path);
    const matches = await this.glob(target);
    let out = '';
    for (const { path: m } of matches) if (!this.quiet) out += `Changing mode on ${m}\n`;
    if (matches.length === 0) return error(`remote setstat "${target}": No such file`, this.quiet ? '' : `Changing mode on ${target}\n`);
    await this.sh(`chmod ${mode} ${matches.map((m) => q(m.path)).join(' ')}`);
    return done(out);
  }

  /**
   * `copy`/`cp`: the server's own copy (OpenSSH's copy-data extension, which Debian's sftp-server 9.2
   * offers), run as the host's `cp`, so the copy is the same world event as `cp` over ssh. Only a
   * regular file to a file name, as sftp's do_copy: it opens the target as a file.
   */
  private async copy(from: string, to: string): Promise<Outcome> {
    const [source, target, parent] = await this.kinds([from, to, posix.dirname(to)]);
    if (!source) return error('stat remote: No such file or directory');
    if (source === 'd') return error(`Cannot copy non-regular file: ${from}`);
    if (target === 'd' || to.endsWith('/')) return error(`remote open("${to}"): Failure`);
    if (parent !== 'd') return error(`remote open("${to}"): No such file or directory`);
    const r = await this.sh(`cp ${q(from)} ${q(to)}`);
    return r.exitCode === 0 ? done() : error(`remote open("${to}"): Permission denied`);
  }

  /** `ln old new`: a hard link (OpenSSH's hardlink extension), the host's `ln`; never over a name that is there. */
  private async link(from: string, to: string): Promise<Outcome> {
    const why = (text: string) => error(`remote link "${from}" to "${to}": ${text}`);
    const [source, parent] = await this.kinds([from, posix.dirname(to)]);
    if (!source) return why('No such file or directory');
    // link(2) of a folder is EPERM, which sftp-server reports as permission denied.
    if (source === 'd') return why('Permission denied');
    if (await this.taken(to)) return why('Failure');
    if (parent !== 'd') return why('No such file or directory');
    return (await this.sh(`ln ${q(from)} ${q(to)}`)).exitCode === 0 ? done() : why('Permission denied');
  }

  /** `ln -s old new` / `symlink old new`: the link holds `target` as typed, whether or not it is there. */
  private async symlink(target: string, to: string): Promise<Outcome> {
    const why = (text: string) => error(`remote symlink file "${target}" to "${to}": ${text}`);
    if (await this.taken(to)) return why('Failure');
    if ((await this.kind(posix.dirname(to))) !== 'd') return why('No such file or directory');
    return (await this.sh(`ln -s ${q(target)} ${q(to)}`)).exitCode === 0 ? done() : why('Permission denied');
  }

  /** Whether a name is taken on the host: anything there, a link to nothing included. */
  private async taken(path: string): Promise<boolean> {
    const p = q(path);
    return (await this.sh(`if [ -e ${p} ] || [ -L ${p} ]; then echo y; fi`)).stdout.startsWith('y');
  }

  /**
   * `chown`/`chgrp`: the host's files are the agent's user's (uid and gid 1000 there), and sftp-server
   * runs as that user, so only setting the id a file already has (or 0xffffffff, no change) succeeds;
   * any other is chown(2)'s EPERM. Nothing on the host changes either way.
   */
  private async chown(name: string, id: number, path: string, noFollow: boolean, abort: boolean): Promise<Outcome> {
    const target = this.abs(path);
    const matches = await this.glob(target);
    const paths = matches.length ? matches.map((m) => m.path) : [target];
    // One command: each path's owner and group ("-" when nothing is there).
    const r = await this.sh(`for p in ${paths.map(q).join(' ')}; do stat -c '%u %g' "$p" 2>/dev/null || echo -; done`);
    const ids = r.stdout.split('\n');
    let out = '';
    let err = '';
    for (const [i, p] of paths.entries()) {
      const [uid, gid] = (ids[i] ?? '-').split(' ');
      let failed = '';
      if (uid === '-' || uid === undefined) failed = 'stat remote: No such file or directory';
      else {
        if (!this.quiet) out += `Changing ${name === 'chown' ? 'owner' : 'group'} on ${p}\n`;
        const now = Number(name === 'chown' ? uid : gid);
        if (id !== now && id !== 0xffffffff) failed = `remote ${noFollow ? 'lsetstat' : 'setstat'} "${p}": Permission denied`;
      }
      if (!failed) continue;
      err += `${failed}\n`;
      if (abort) break;
    }
    return { out, err, failed: err !== '' };
  }

  /**
   * `!command`: the local shell runs it (the shim, in the sandbox with the agent's rights, in the
   * folder `lcd`s reached, with `lumask`'s umask, as sftp's own). A replay or `serve` has no local machine.
   */
  private shell(command: string): Outcome {
    if (!this.local?.shell) return error('!: not supported by the shell world without a local machine (a replay or serve has none)');
    return { ...done(), shell: command };
  }

  /** Where a `!command` paused this session, for the lines after it. */
  state(): SftpState {
    return { cwd: this.cwd, lcwd: this.lcwd, umask: this.umask };
  }

  /** Goes on from `state` (the shim's request after a `!command`). */
  resume(state: SftpState): void {
    this.cwd = state.cwd;
    this.lcwd = state.lcwd;
    this.umask = state.umask;
  }

  /** `lumask N` (octal): sftp's own umask for what it makes locally, printed as it sets it. */
  private lumask(typed: string, value?: string): Outcome {
    const n = /^[0-7]+$/.test(value ?? '') ? Number.parseInt(value as string, 8) : Number.NaN;
    if (!(n <= 0x7fffffff)) return error(`You must supply a numeric argument to the ${typed} command.`);
    this.umask = n & 0o777;
    return done(`Local umask: ${n.toString(8).padStart(3, '0')}\n`);
  }

  /**
   * `lmkdir`: the shim makes the folder with the agent's rights when the world answers (in order with
   * what `get`s write); whether it can is what the shim found before the batch, with what this
   * batch made since. Its mode is 0777 less `lumask`'s umask (the agent's own without one).
   */
  private lmkdir(typed: string): Outcome {
    const p = sftpLocalPath(this.lcwd, typed);
    let why = this.made.has(localKey(p)) ? 'File exists' : (this.local?.mkdirError?.(p) ?? null);
    if (why === null) return error(`Couldn't create local directory "${typed}": the workspace side is not available`);
    if (why === 'No such file or directory' && this.made.has(localKey(posix.dirname(p)))) why = '';
    if (why) return error(`Couldn't create local directory "${typed}": ${why}`);
    this.local?.mkdir?.(p, this.umask === null ? undefined : 0o777 & ~this.umask);
    this.made.add(localKey(p));
    return done();
  }

  /** sftp's `df`, from the host's own `df` of the volume. */
  private async df(scaled: boolean): Promise<Outcome> {
    return done(sftpDf((await this.sh('df')).stdout, scaled));
  }
}
