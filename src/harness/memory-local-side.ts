/**
 * The workspace side of an `scp`/`rsync`/`sftp` typed on a machine held in memory (a replayed coding-agent
 * transcript, `serve --form shell`): what the live shim does inside the sandbox (shims.ts), over the
 * in-memory files. The sources are read and the destination checked before the world runs the copy,
 * with the shim's messages and its cap; what the world sends back is written after it, as the shim does.
 */
import { posix } from 'node:path';
import type { IFileSystem } from 'just-bash';
import { globPartMatch } from '../core/index.js';
import {
  type Blocked,
  folderTarget,
  insideDestination,
  type Operand,
  parseCopyArgs,
  scpLocalDestination,
  withoutTrailingSlash as trim,
} from './copy-args.js';
import { sftpArgs, sftpDownloadLine, sftpLine, sftpLocalGlob, sftpLocalPath } from './sftp-batch.js';
import { localKey } from './sftp-session.js';
import { MAX_LINK_CHECK_ENTRIES, MAX_LOCAL_BYTES, MAX_LOCAL_DIRS } from './shims.js';
import type { LocalSide } from './shell-world.js';

export interface MemoryLocalSide extends LocalSide {
  /** Writes what the world sent back; returns the shim's error lines for those it could not write. */
  flush(): Promise<string>;
}

/** The in-memory files one command reads and writes, with the shim's caps, messages and walls. */
function memoryFiles(fs: IFileSystem, tool: 'scp' | 'rsync' | 'sftp', cwd: string, home: string) {
  const absolute = (p: string) => posix.resolve(cwd, p === '~' || p.startsWith('~/') ? `${home}${p.slice(1)}` : p);
  const kind = async (p: string) => {
    try {
      const s = await fs.stat(absolute(p));
      return s.isDirectory ? 'dir' : s.isFile ? 'file' : 'other';
    } catch {
      return 'none';
    }
  };
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>();
  // scp -r: links to folders met in a walk (scp names them; nothing is followed).
  const linked = new Set<string>();
  let total = 0;
  const tooLarge = (op: string) => ({
    error: `${tool}: ${op}: too large for the shell world (at most ${MAX_LOCAL_BYTES} bytes of workspace files per command)`,
  });
  /** Reads one local file for the request; false past the shim's cap. */
  const take = async (key: string) => {
    const bytes = await fs.readFileBuffer(absolute(key));
    total += bytes.length;
    if (total > MAX_LOCAL_BYTES || files.size >= MAX_LOCAL_DIRS) return false;
    files.set(key, bytes);
    return true;
  };
  // -r of a local folder, as the shim walks it: sub-folders and regular files, no link followed.
  const walk = async (op: string) => {
    const root = trim(op);
    const pending = [root];
    for (let dir = pending.shift(); dir !== undefined; dir = pending.shift()) {
      for (const name of (await fs.readdir(absolute(dir))).sort()) {
        const key = `${dir}/${name}`;
        const st = await fs.lstat(absolute(key));
        if (st.isDirectory) {
          if (dirs.size >= MAX_LOCAL_DIRS) return false;
          dirs.add(key);
          pending.push(key);
        } else if (st.isFile && !(await take(key))) return false;
        else if (tool === 'scp' && st.isSymbolicLink && (await kind(key)) === 'dir') linked.add(key);
      }
    }
    return true;
  };
  /** What the world sent back, in order: files, a recursive copy's entries (`within`), sftp's `lmkdir` folders (`mkdir`). */
  const writes: Array<{ path: string; bytes: Uint8Array | null; within?: string; mkdir?: true; mode?: number }> = [];
  /** sftp's `lmkdir`, as the shim makes it: never over something there, its mode when `lumask` set one. */
  const makeDir = async (p: string, mode?: number): Promise<string> => {
    if ((await kind(p)) !== 'none') return `${tool}: ${p}: File exists\n`;
    try {
      await fs.mkdir(absolute(p));
      if (mode !== undefined) await fs.chmod(absolute(p), mode);
      return '';
    } catch {
      return `${tool}: ${p}: No such file or directory\n`;
    }
  };
  /** One entry of a recursive copy, as the shim makes it: never through a link, never outside the destination. */
  const writeTree = async (within: string, rel: string, bytes: Uint8Array | null): Promise<string> => {
    if (!insideDestination(rel)) return `${tool}: error: unexpected filename: ${rel}\n`;
    const root = trim(within);
    const k = await kind(root);
    if (k === 'none') await fs.mkdir(absolute(root));
    else if (k !== 'dir') return `${tool}: ${root}: Not a directory\n`;
    const parts = rel ? rel.split('/') : [];
    let at = root;
    for (const [i, part] of parts.entries()) {
      at = `${at}/${part}`;
      const l = await fs.lstat(absolute(at)).catch(() => null);
      if (l?.isSymbolicLink) return `${tool}: error: unexpected filename: ${rel}\n`;
      if (i < parts.length - 1 || bytes === null) {
        if (!l) await fs.mkdir(absolute(at));
        else if (!l.isDirectory) return `${tool}: ${at}: Not a directory\n`;
      } else if (l?.isDirectory) return `${tool}: ${at}: Is a directory\n`;
      else await fs.writeFile(absolute(at), bytes);
    }
    return '';
  };
  /** The LocalSide calls every tool shares: reads of what was taken, writes kept for flush(). */
  const side = {
    read: (p: string) => files.get(p) ?? null,
    isDir: (p: string) => dirs.has(p) || dirs.has(trim(p)),
    write: (p: string, bytes: Uint8Array) => {
      writes.push({ path: p, bytes });
    },
    walk: (p: string) => {
      if (!dirs.has(p) && !dirs.has(trim(p))) return null;
      const prefix = `${trim(p)}/`;
      const under = (keys: Iterable<string>) => [...keys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
      return { dirs: under(dirs), files: under(files.keys()), folderLinks: under(linked) };
    },
    writeTree: (within: string, rel: string, bytes: Uint8Array | null) => {
      writes.push({ path: rel, bytes, within });
    },
    mkdir: (p: string, mode?: number) => {
      writes.push({ path: p, bytes: null, mkdir: true, ...(mode === undefined ? {} : { mode }) });
    },
    async flush() {
      let errors = '';
      for (const w of writes.splice(0)) {
        if (w.within !== undefined) errors += await writeTree(w.within, w.path, w.bytes);
        else if (w.mkdir) errors += await makeDir(w.path, w.mode);
        else if ((await kind(w.path)) === 'dir') errors += `${tool}: ${w.path}: Is a directory\n`;
        else if (w.bytes) await fs.writeFile(absolute(w.path), w.bytes);
      }
      return errors;
    },
  };
  return { absolute, kind, files, dirs, take, walk, tooLarge, side };
}

/**
 * The folders a local glob reaches, listed into `listings` (sorted names; none for what is not a folder)
 * before sftpLocalGlob walks them: one level at a time, each level's walk over what is listed so far.
 */
async function listGlobFolders(
  fs: IFileSystem,
  absolute: (p: string) => string,
  pattern: string,
  lcwd: string,
  listings: Map<string, string[]>,
): Promise<void> {
  const parts = pattern.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    const wanted: string[] = [];
    sftpLocalGlob(
      parts.slice(0, depth).join('/'),
      lcwd,
      (d) => {
        if (!listings.has(d)) wanted.push(d);
        return listings.get(d) ?? null;
      },
      globPartMatch,
      MAX_LINK_CHECK_ENTRIES,
    );
    for (const d of wanted) {
      const names = await fs.readdir(absolute(d)).catch(() => null);
      if (names) listings.set(d, [...names].sort());
    }
  }
}

/** Why mkdir(2) of `p` would fail now, as the shim finds it ('' when it can make it). */
async function mkdirWhy(kind: (p: string) => Promise<string>, p: string): Promise<string> {
  if ((await kind(p)) !== 'none') return 'File exists';
  const parent = await kind(posix.dirname(p));
  if (parent === 'none') return 'No such file or directory';
  return parent === 'dir' ? '' : 'Not a directory';
}

/**
 * Links under `top` (itself included), by path as sftp names it, as the shim looks before a
 * recursive copy lands there; null past MAX_LINK_CHECK_ENTRIES entries or MAX_LOCAL_DIRS links.
 */
async function linksUnder(fs: IFileSystem, absolute: (p: string) => string, top: string): Promise<Set<string> | null> {
  const links = new Set<string>();
  const pending = [top];
  let seen = 0;
  let at = pending.shift();
  for (; at !== undefined && seen++ < MAX_LINK_CHECK_ENTRIES && links.size < MAX_LOCAL_DIRS; at = pending.shift()) {
    const l = await fs.lstat(absolute(at)).catch(() => null);
    if (l?.isSymbolicLink) links.add(at);
    else if (l?.isDirectory)
      for (const n of (await fs.readdir(absolute(at)).catch(() => [])).sort()) pending.push(at === '.' ? n : `${at}/${n}`);
  }
  return at === undefined ? links : null;
}

/**
 * The workspace side of one `sftp` batch over the in-memory files, as the Node shim builds it in the
 * sandbox (shims.ts): the files and folders its `put` lines name (walked for `put -r`), the folders
 * `lcd`/`lls` name, the links and occupied targets where `get -r` lands; what `get` brings is written
 * by flush(). `{ error }`: the line the shim would print (exit 1); null when the arguments do not parse.
 */
export async function memorySftpSide(
  fs: IFileSystem,
  argv: readonly string[],
  batch: string,
  cwd: string,
  home: string,
): Promise<MemoryLocalSide | { error: string } | null> {
  const args = sftpArgs(argv);
  if ('error' in args) return null;
  const m = memoryFiles(fs, 'sftp', cwd, home);
  const listings = new Map<string, string[]>();
  const links = new Set<string>();
  const occupied = new Set<string>();
  // lmkdir: why each folder could not be made before the batch ('' when it can), and those the batch makes.
  const mkdirs = new Map<string, string>();
  const made = new Set<string>();
  let lcwd = '';
  // sftp host:file [local] is the get of that file (a folder without local starts the batch there).
  const download = sftpDownloadLine(args.destination, args.localName);
  for (const text of [...(download === null ? [] : [download]), ...(args.localName === null ? batch.split('\n') : [])]) {
    const l = sftpLine(text);
    const [x, y] = l.operands;
    if (l.name === 'lcd' || l.name === 'lchdir') {
      // No folder: the home (sftp's ~).
      const p = x === undefined ? home : sftpLocalPath(lcwd, x);
      if ((await m.kind(p)) === 'dir') {
        m.dirs.add(p);
        lcwd = p;
      } else if (made.has(localKey(p))) lcwd = p;
    } else if (l.name === 'lmkdir' && x !== undefined) {
      const p = sftpLocalPath(lcwd, x);
      const why = await mkdirWhy(m.kind, p);
      if (!mkdirs.has(p)) mkdirs.set(p, why);
      if (!why || (why === 'No such file or directory' && made.has(localKey(posix.dirname(p))))) made.add(localKey(p));
    } else if (['put', 'mput', 'reput'].includes(l.name) && x !== undefined) {
      // A glob in the last part: the folder listed, and each match taken, as the shim expands it.
      let matches: string[] | null = [x];
      if (/[*?[]/.test(x)) {
        // Each folder the glob reaches, listed first (the expansion is synchronous, as the shim's is).
        await listGlobFolders(fs, m.absolute, x, lcwd, listings);
        matches = sftpLocalGlob(x, lcwd, (d) => listings.get(d) ?? null, globPartMatch, MAX_LINK_CHECK_ENTRIES);
        if (matches === null)
          return { error: `sftp: ${x}: too many entries there for the shell world (at most ${MAX_LINK_CHECK_ENTRIES})` };
      }
      for (const one of matches) {
        const p = sftpLocalPath(lcwd, one);
        const k = await m.kind(p);
        if (k === 'dir' && !m.dirs.has(p)) {
          m.dirs.add(p);
          if ((/[rR]/.test(l.flags) || args.recursive) && !(await m.walk(p))) return m.tooLarge(one);
        } else if (k === 'file' && !m.files.has(p) && !(await m.take(p))) return m.tooLarge(one);
      }
    } else if (['get', 'mget', 'reget'].includes(l.name)) {
      const p = y === undefined ? null : sftpLocalPath(lcwd, y);
      if (p !== null && (await m.kind(p)) === 'dir') m.dirs.add(p);
      if ((/[rR]/.test(l.flags) || args.recursive) && x !== undefined) {
        // Normalized, as the world names what it looks up (./out/ and out are one folder).
        const top = localKey(p ?? (/[*?[]/.test(x) ? lcwd || '.' : sftpLocalPath(lcwd, posix.basename(x))));
        if (['file', 'other'].includes(await m.kind(top))) occupied.add(top);
        const found = await linksUnder(fs, m.absolute, top);
        if (!found)
          return {
            error: `sftp: ${top}: too many entries or links there for the shell world (at most ${MAX_LINK_CHECK_ENTRIES} entries, ${MAX_LOCAL_DIRS} links)`,
          };
        for (const f of found) links.add(f);
      }
    } else if (l.name === 'lls') {
      const p = sftpLocalPath(lcwd, x ?? '.');
      const names = await fs.readdir(m.absolute(p)).catch(() => null);
      if (names) listings.set(p, names.sort());
    }
  }
  return {
    ...m.side,
    // The in-memory machine writes anywhere; what lands outside the workspace is reported by the replay.
    writable: () => true,
    cwd,
    home,
    list: (p) => listings.get(p) ?? null,
    isLink: (p) => links.has(p),
    occupied: (p) => occupied.has(p),
    mkdirError: (p) => mkdirs.get(p) ?? null,
  };
}

/**
 * The local side for one command line, or `{ error }` with the line the shim would print (exit 1),
 * or null when no operand is local or the arguments do not parse (the world answers those).
 */
export async function memoryLocalSide(
  fs: IFileSystem,
  tool: 'scp' | 'rsync',
  args: readonly string[],
  cwd: string,
  home: string,
): Promise<MemoryLocalSide | { error: string } | null> {
  let req: ReturnType<typeof parseCopyArgs>;
  try {
    req = parseCopyArgs(tool, args);
  } catch {
    return null;
  }
  const operands = [...req.sources, req.dest];
  if (operands.every((o) => o.host !== null)) return null;
  const { absolute, kind, dirs, take, walk, tooLarge, side } = memoryFiles(fs, tool, cwd, home);
  for (const [i, o] of operands.entries()) {
    if (o.host !== null) continue;
    const k = await kind(o.path);
    if (k === 'dir') {
      dirs.add(o.path);
      if (req.recursive && i < operands.length - 1 && !(await walk(o.path))) return tooLarge(o.path);
    }
    if (k !== 'file' || i === operands.length - 1) continue;
    if (!(await take(o.path))) return tooLarge(o.path);
  }
  // A workspace destination is checked before anything is sent, as scp opens it first; whether rsync
  // makes a missing folder depends on its file list (a host glob's matches): the world answers.
  const dest = req.dest;
  let blocked: Blocked | null = null;
  if (dest.host === null) {
    if (tool === 'scp') {
      const k = await kind(dest.path);
      const why = scpLocalDestination(
        dest.path,
        k === 'dir' ? 'folder' : k === 'none' ? 'missing' : 'file',
        req.sources.length,
        req.recursive,
      );
      // One host glob may match several, which make the folder: the world, which matches it, answers.
      const one = req.sources.length === 1 ? (req.sources[0] as Operand) : null;
      const glob = one !== null && one.host !== null && /[*?[]/.test(one.path.slice(one.path.lastIndexOf('/') + 1));
      if (why && !glob) return { error: why };
    }
    const where = dirs.has(dest.path) ? dest.path : posix.dirname(dest.path);
    let at = await kind(where);
    // stat(2) through a file fails with ENOTDIR, as the shim's statSync finds it.
    for (let up = where; at === 'none' && posix.dirname(up) !== up; ) {
      up = posix.dirname(up);
      const k = await kind(up);
      if (k === 'none') continue;
      if (k !== 'dir') at = 'file';
      break;
    }
    // scp's line names the host source's kind, rsync's whether it needs a folder: the world answers, as for the shim.
    blocked = at === 'dir' ? null : at === 'none' ? 'No such file or directory' : 'Not a directory';
  }
  // -r into a workspace folder: the links already where each host folder would land, as the shim finds them.
  const links = new Set<string>();
  const landings = new Set<string>();
  if (dest.host === null && req.recursive && dirs.has(dest.path)) {
    let seen = 0;
    for (const s of req.sources) {
      if (s.host === null) continue;
      // A glob's matches are the host's: the whole folder is looked at.
      const bare = trim(s.path);
      const top = /[*?[]/.test(bare.slice(bare.lastIndexOf('/') + 1)) ? '' : folderTarget(tool, s.path, true);
      const pending = top ? [top] : await fs.readdir(absolute(dest.path)).catch(() => []);
      let rel = pending.shift();
      for (; rel !== undefined && seen++ < MAX_LINK_CHECK_ENTRIES && links.size < MAX_LOCAL_DIRS; rel = pending.shift()) {
        const at = `${trim(dest.path)}/${rel}`;
        const l = await fs.lstat(absolute(at)).catch(() => null);
        if (l?.isSymbolicLink) links.add(rel);
        else if (l?.isDirectory) for (const n of await fs.readdir(absolute(at)).catch(() => [])) pending.push(`${rel}/${n}`);
        // A file where the host folder lands: scp fails each of its entries (the world names them).
        else if (l && rel === top) landings.add(`${trim(dest.path).replace(/\/$/, '')}/${rel}`);
      }
      // Not looked at whole: refused here, before the world records a copy the writes might refuse.
      if (rel !== undefined)
        return {
          error: `${tool}: ${dest.path}: too many entries or links there for the shell world (at most ${MAX_LINK_CHECK_ENTRIES} entries, ${MAX_LOCAL_DIRS} links)`,
        };
    }
  }
  // Something there that is not a folder (for rsync, x/ too): the world refuses a copy that needs a folder before recording it.
  const occupied =
    dest.host === null && !dirs.has(dest.path) && ['file', 'other'].includes(await kind(tool === 'rsync' ? trim(dest.path) : dest.path));
  return {
    ...side,
    // rsync's lines name workspace paths in full, after the folder it ran in.
    ...(tool === 'rsync' ? { cwd } : {}),
    linkUnder: (rel) => links.has(rel),
    occupied: (path) => (occupied && path === dest.path) || landings.has(path),
    blocked: () => blocked,
  };
}
