/** Command lines of scp and rsync, reduced to what the shell world carries out: copy operands. */

export interface Operand {
  /** Host as written (`10.0.12.46`, an alias); null for a path on the machine the command runs on. */
  host: string | null;
  user: string | null;
  path: string;
}

export interface CopyRequest {
  recursive: boolean;
  sources: Operand[];
  dest: Operand;
}

/** Options that take a value (`-P 22`, `-i key`, `-o Opt=x`), per tool. */
const SCP_VALUE_OPTS = new Set(['-P', '-i', '-o', '-F', '-l', '-S', '-c', '-J', '-D', '-X']);
const RSYNC_VALUE_OPTS = new Set(['-e', '--rsh', '--exclude', '--include', '--chmod', '--rsync-path']);

export function parseOperand(text: string): Operand {
  // `host:path` is remote; a colon after a slash (`./a:b`) is a local name, as in scp.
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  if (colon <= 0 || (slash >= 0 && slash < colon)) return { host: null, user: null, path: text };
  const left = text.slice(0, colon);
  const at = left.lastIndexOf('@');
  return {
    host: at >= 0 ? left.slice(at + 1) : left,
    user: at >= 0 ? left.slice(0, at) : null,
    path: text.slice(colon + 1) || '.',
  };
}

/** Parses `scp`/`rsync` arguments; throws an Error with the tool's usage text on bad input. */
export function parseCopyArgs(tool: 'scp' | 'rsync', args: readonly string[]): CopyRequest {
  const values = tool === 'scp' ? SCP_VALUE_OPTS : RSYNC_VALUE_OPTS;
  const operands: string[] = [];
  let recursive = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const name = a.split('=')[0] as string;
      if (values.has(name) && !a.includes('=')) i++;
      if (name === '--recursive' || name === '--archive') recursive = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (values.has(a)) {
        i++;
        continue;
      }
      if (tool === 'scp' && a.includes('r')) recursive = true;
      if (tool === 'rsync' && (a.includes('r') || a.includes('a'))) recursive = true;
      continue;
    }
    operands.push(a);
  }
  if (operands.length < 2) {
    throw new Error(
      tool === 'scp' ? 'usage: scp [-r] [-P port] [-i identity_file] source ... target' : 'usage: rsync [-av] source ... [user@]host:dest',
    );
  }
  return {
    recursive,
    sources: operands.slice(0, -1).map(parseOperand),
    dest: parseOperand(operands[operands.length - 1] as string),
  };
}

/**
 * Whether a path a recursive copy writes under its destination stays there: relative, no `.`, `..` or
 * empty segment ('' is the destination itself). The Node shim runs this same function (its source is
 * placed into it with `toString()`): a plain function with no inner functions or imports.
 */
export function insideDestination(rel: string): boolean {
  if (rel === '') return true;
  if (rel.includes('\u0000') || rel.includes('\\')) return false;
  for (const seg of rel.split('/')) if (seg === '' || seg === '.' || seg === '..') return false;
  return true;
}

/**
 * Where a copied folder lands, relative to the destination, as the tools name it: scp copies the
 * folder itself into an existing destination folder, or as the destination when there is none;
 * rsync copies a source ending in `/` as its contents, any other as the folder itself. (Checked host
 * to host over a real sshd: OpenSSH 9.2's scp and rsync 3.2.7, each with an existing and a missing
 * destination.)
 */
export function folderTarget(tool: 'scp' | 'rsync', source: string, destIsDir: boolean): string {
  const name = source.split('/').filter(Boolean).pop() ?? '';
  if (tool === 'rsync') return source.endsWith('/') || name === '.' ? '' : name;
  return destIsDir && name !== '.' ? name : '';
}

/** The folder an absolute path is in (`/` for a top-level one), as scp and rsync check it. */
export const parentOf = (p: string): string => p.replace(/\/[^/]*$/, '') || '/';

/** A path with its trailing slashes dropped, as scp names a folder operand (`/` and `.` stay themselves). */
export const withoutTrailingSlash = (p: string): string => p.replace(/\/+$/, '') || p;

/** A folder path to put `/<name>` after: without trailing slashes, the root as ''. */
export const joinBase = (p: string): string => withoutTrailingSlash(p).replace(/\/$/, '');

/** What rsync's receiver does with its destination operand, before anything is copied. */
export type RsyncDestination = { intoFolder: boolean; make: boolean } | { error: string; exitCode: number };

/**
 * rsync's rule for its destination (matched against rsync 3.2.7 between two local folders and to a
 * host over ssh): it is a folder to copy into when it is one, or when the copy needs one (more than
 * one source, a folder source with -r/-a, or a destination ending in `/`), in which case a missing
 * one is made, its parent only if that is there. Otherwise the single file is written as that name.
 * `path` is the absolute destination path as rsync names it (rsyncPath); `parent` is what stands where
 * its folder should be: that folder, a file at some level above it, a missing folder, or a folder the
 * agent may not write ('denied'). The messages are rsync's, with its exit codes.
 */
export function rsyncDestination(
  path: string,
  state: 'folder' | 'file' | 'missing',
  parent: 'folder' | 'file' | 'missing' | 'denied',
  needsFolder: boolean,
): RsyncDestination {
  if (state === 'folder') return { intoFolder: true, make: false };
  const selecting = (line: string) => ({
    error: `${line}\nrsync error: errors selecting input/output files, dirs (code 3) at main.c(769) [Receiver=3.2.7]`,
    exitCode: 3,
  });
  // A file where a folder of the path should be: rsync's stat of the destination itself fails (ENOTDIR).
  if (parent === 'file') return selecting(`rsync: [Receiver] ERROR: cannot stat destination "${path}": Not a directory (20)`);
  const wantsFolder = needsFolder || path.endsWith('/');
  if (state === 'file') {
    if (path.endsWith('/')) return selecting(`rsync: [Receiver] ERROR: cannot stat destination "${path}": Not a directory (20)`);
    return wantsFolder
      ? selecting('ERROR: destination must be a directory when copying more than 1 file')
      : { intoFolder: false, make: false };
  }
  const bare = withoutTrailingSlash(path);
  if (parent !== 'folder' && wantsFolder) {
    const why = parent === 'denied' ? 'Permission denied (13)' : 'No such file or directory (2)';
    return {
      error: `rsync: [Receiver] mkdir "${bare}" failed: ${why}\nrsync error: error in file IO (code 11) at main.c(800) [Receiver=3.2.7]`,
      exitCode: 11,
    };
  }
  if (parent === 'missing') {
    return {
      error: `rsync: [Receiver] change_dir#3 "${parentOf(bare)}" failed: No such file or directory (2)\nrsync error: errors selecting input/output files, dirs (code 3) at main.c(838) [Receiver=3.2.7]`,
      exitCode: 3,
    };
  }
  // A single file into a folder the agent may not write goes on: its temporary file fails (rsyncDenied).
  return { intoFolder: wantsFolder, make: wantsFolder };
}

/**
 * rsync's line for a host source that is not there (a glob that matched nothing included): the sender
 * names its full path, the rest goes, and the command ends with RSYNC_PARTIAL (rsync 3.2.7 pulling over
 * ssh; recorded over a real sshd).
 */
export const rsyncVanished = (path: string): string => `rsync: [sender] link_stat "${path}" failed: No such file or directory (2)\n`;

/** rsync's last line when some sources were not sent (status 23), as the receiving side prints it on a pull. */
export const RSYNC_PARTIAL =
  'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1865) [Receiver=3.2.7]\n';

/** The same last line when the sending side ends it: a push, or a copy between two paths on one machine. */
export const RSYNC_PARTIAL_SENDER =
  'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]\n';

/** The last line when the receiver's generator ends it: files it could not write (rsyncDenied), status 23. */
export const RSYNC_PARTIAL_GENERATOR =
  'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1865) [generator=3.2.7]\n';

/**
 * rsync's lines for what it cannot write into a folder the agent may not write (`dir`, normalized as
 * rsync names the folder it went into; recorded from rsync over OpenSSH 9.2p1): a file's temporary
 * `.<name>.XXXXXX` fails, a folder's mkdir fails and its contents are passed over. The six characters
 * are random in rsync; here they come from the path, so a replay prints the same.
 */
export function rsyncDenied(dir: string, name: string, folder: boolean): string {
  const at = `${dir.replace(/\/+$/, '')}/${name}`;
  if (folder)
    return `rsync: [generator] recv_generator: mkdir "${at}" failed: Permission denied (13)\n*** Skipping any contents from this failed directory ***\n`;
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let h = 2166136261;
  for (const c of at) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let suffix = '';
  for (let i = 0; i < 6; i++) {
    suffix += chars[h % chars.length];
    h = Math.imul(h ^ i, 16777619) >>> 0;
  }
  return `rsync: [receiver] mkstemp "${dir.replace(/\/+$/, '')}/.${name}.${suffix}" failed: Permission denied (13)\n`;
}

/**
 * A path on the machine rsync runs on as its lines name it: a relative one after the folder it ran in,
 * as typed (`./a` stays `<cwd>/./a`; recorded from rsync over OpenSSH 9.2p1); as typed when that folder is unknown.
 */
export const rsyncPath = (cwd: string | undefined, typed: string): string =>
  typed.startsWith('/') || !cwd ? typed : `${cwd.replace(/\/+$/, '')}/${typed}`;

/** What rsync without -r/-a prints for a folder source (on stdout, status 0): `data`, or `.` for `data/`. */
export const rsyncSkipsFolder = (source: string): string => `skipping directory ${folderTarget('rsync', source, true) || '.'}\n`;

/** What scp does with its destination on the receiving host, before anything is copied (as rsyncDestination). */
export type ScpDestination = { intoFolder: boolean; make: boolean } | { error: string; exitCode: number };

/**
 * scp's rule for a destination on a host it sends to (matched against OpenSSH 9.2p1's scp over a real
 * sshd, its default SFTP protocol, which is what an agent typing `scp` gets): several sources go into
 * a folder, made when missing if its parent is there; one source goes into a folder that is there, or
 * becomes the destination's name (a missing one ending in `/` is refused, file or folder). `path` is
 * the destination as typed, `source` the one source as typed. The legacy protocol (`scp -O`) differs:
 * it makes no folder for several sources (`<path>: No such file or directory`) and copies one folder
 * to a missing name ending in `/`; the world follows the default.
 */
export function scpDestination(
  path: string,
  state: 'folder' | 'file' | 'missing',
  parentIsFolder: boolean,
  sources: number,
  source: { typed: string; folder: boolean },
): ScpDestination {
  if (state === 'folder') return { intoFolder: true, make: false };
  if (sources > 1) {
    if (state === 'missing' && parentIsFolder) return { intoFolder: true, make: true };
    return { error: `scp: remote mkdir "${path}": ${state === 'file' ? 'Failure' : 'No such file or directory'}`, exitCode: 255 };
  }
  const from = withoutTrailingSlash(source.typed);
  if (source.folder) {
    const failed = `scp: failed to upload directory ${from} to ${path}`;
    if (state === 'file') return { error: `scp: "${path}" exists but is not a directory\n${failed}`, exitCode: 1 };
    if (path.endsWith('/') || !parentIsFolder)
      return { error: `scp: realpath ${path}: No such file\nscp: upload "${path}": path canonicalization failed\n${failed}`, exitCode: 1 };
    return { intoFolder: false, make: false };
  }
  if (state === 'missing' && (path.endsWith('/') || !parentIsFolder)) {
    const why = path.endsWith('/') && parentIsFolder ? 'Failure' : 'No such file or directory';
    return { error: `scp: dest open "${path}": ${why}\nscp: failed to upload file ${from} to ${path}`, exitCode: 1 };
  }
  return { intoFolder: false, make: false };
}

/**
 * scp's answer for a destination in the workspace, before anything is fetched (OpenSSH 9.2p1, default
 * SFTP protocol; `-O` answers the same): the line it prints (status 1), or '' when the copy goes on.
 * Several sources need a folder that is there; one file to a missing name ending in `/` is refused,
 * while `-r` of a folder makes that name. The Node shim runs this same function (as insideDestination).
 */
export function scpLocalDestination(path: string, state: 'folder' | 'file' | 'missing', sources: number, recursive: boolean): string {
  if (state === 'folder') return '';
  if (sources > 1) return `${path}: ${state === 'file' ? 'Not a directory' : 'No such file or directory'}`;
  if (state === 'missing' && path.endsWith('/') && !recursive) return `scp: open local "${path}": Is a directory`;
  return '';
}

/** Why a workspace destination cannot be written, as the shim found its folder (scp prints it after its own words). */
export const BLOCKED_REASONS = ['No such file or directory', 'Not a directory', 'Permission denied'] as const;
export type Blocked = (typeof BLOCKED_REASONS)[number];

/**
 * scp's lines for a source it does not send (OpenSSH 9.2p1, default SFTP protocol, recorded over a
 * real sshd), named as typed: a host folder without -r is `download <path>/` (quoted when both ends
 * are hosts: scp -3 reads it through the machine it runs on); a local folder, or a local file it may
 * not read, fails its upload and the copy goes on (status 1). A missing local source is `stat local`,
 * which ends the whole command with status 255 (scpStatLocal).
 */
export function scpSkipsSource(why: 'folder' | 'unreadable', typed: string, from: 'local' | 'host' | 'host-to-host', dest: string): string {
  if (from === 'local') {
    const first = why === 'folder' ? `scp: local "${typed}" is not a regular file` : `scp: open local "${typed}": Permission denied`;
    return `${first}\nscp: failed to upload file ${typed} to ${dest}\n`;
  }
  const shown = `${joinBase(typed)}/`;
  return from === 'host' ? `scp: download ${shown}: not a regular file\n` : `scp: download "${shown}": not a regular file\n`;
}

/** scp's fatal line for a local source that is not there (status 255; nothing after it is copied). */
export const scpStatLocal = (typed: string): string => `scp: stat local "${typed}": No such file or directory\n`;

/**
 * scp's line for one host source it cannot write into the workspace (OpenSSH 9.2p1): a file is
 * `open local "<target>"`, a folder (-r) `mkdir <target>`, with why (the destination's folder missing,
 * a file, or not the agent's to write).
 */
export const scpCannotWrite = (folder: boolean, target: string, why: Blocked): string =>
  folder ? `scp: mkdir ${target}: ${why}\n` : `scp: open local "${target}": ${why}\n`;

/**
 * scp between two hosts (both operands remote, `scp -3`'s way in 9.2p1: read through the machine it
 * runs on): it makes no folder for several sources, and says so once per source; one file's missing
 * parent or missing name ending in `/` is its `dest open` line alone; one folder (-r) whose parent is
 * missing is `stat remote`, and a missing name ending in `/` is made. Status 1; '' when the copy goes on.
 */
export function scpHostToHost(
  path: string,
  state: 'folder' | 'file' | 'missing',
  parentIsFolder: boolean,
  sources: number,
  oneFolder: boolean,
): string {
  if (state === 'folder') return '';
  if (sources > 1) return `scp: ${path}: destination is not a directory\n`.repeat(sources);
  if (oneFolder) {
    if (state === 'file') return `scp: "${path}" exists but is not a directory\n`;
    return parentIsFolder ? '' : 'scp: stat remote: No such file or directory\n';
  }
  if (state === 'missing' && (path.endsWith('/') || !parentIsFolder))
    return `scp: dest open "${path}": ${path.endsWith('/') && parentIsFolder ? 'Failure' : 'No such file or directory'}\n`;
  return '';
}

/**
 * scp's answer when the one host source's glob matched several and the destination (on the machine it
 * runs on) is not a folder (OpenSSH 9.2p1): a file in the way is refused; a missing one is made as a
 * folder, unless it cannot be (`blocked`: why its folder cannot be written). '' when the copy goes on.
 */
export function scpGlobDestination(path: string, state: 'folder' | 'file' | 'missing', blocked: Blocked | null): string {
  if (state === 'file') return `scp: Multiple files match pattern, but destination "${path}" is not a directory`;
  if (state === 'missing' && blocked) return `scp: local mkdir "${path}": ${blocked}`;
  return '';
}

/**
 * scp's lines for `scp -r host:<folder> <file>` (OpenSSH 9.2p1, recorded over a real sshd): the file
 * stands where the folder would be made, so each entry of the host folder fails on its own, in the
 * order the server lists them (the hosts here list theirs sorted): a file cannot be opened under it, a
 * sub-folder cannot be made (and is not entered), a link to a folder is not a regular file. An empty
 * folder says nothing (status 0).
 */
export function scpFolderOntoFile(
  entries: ReadonlyArray<{ name: string; kind: 'file' | 'folder' | 'folder-link' }>,
  source: string,
  dest: string,
): string {
  const from = joinBase(source);
  const to = joinBase(dest);
  return entries
    .map(({ name, kind }) => {
      if (kind === 'folder') return `scp: mkdir ${to}/${name}: Not a directory\n`;
      if (kind === 'folder-link') return scpLinkNotFile(`${from}/${name}`, `${to}/${name}`);
      return `scp: open local "${to}/${name}": Not a directory\nscp: Download of file ${from}/${name} to ${to}/${name} failed\n`;
    })
    .join('');
}

/** scp's two lines for a link to a folder met in a host folder it downloads (OpenSSH 9.2p1: not followed). */
const scpLinkNotFile = (from: string, to: string): string =>
  `scp: download ${from}: not a regular file\nscp: Download of file ${from} to ${to} failed\n`;

/**
 * scp -r from a host into the workspace: the links to folders in the host folder (paths under it),
 * named in the order of a sorted depth-first walk, `target` being where the folder lands (as typed).
 */
export function scpFolderLinks(links: readonly string[], source: string, target: string): string {
  const from = joinBase(source);
  return [...links]
    .sort(walkOrder)
    .map((rel) => scpLinkNotFile(`${from}/${rel}`, `${target}/${rel}`))
    .join('');
}

/** Orders paths as a depth-first walk that lists each folder sorted does (scp's upload order here). */
export const walkOrder = (a: string, b: string): number => {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i] as string, y[i] as string];
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
};

/**
 * scp's lines for what it could not send inside a folder it uploads with -r (OpenSSH 9.2p1, recorded
 * over a real sshd, as a user who may not read them): a file it may not read fails its upload
 * (`target` is where it would have gone on the host), as does a link to a folder (not a regular
 * file); a folder it may not list is made empty; the folder then fails as a whole, named as typed
 * (its trailing `/` dropped) with the destination as typed. '' when everything was sent.
 */
export function scpUnreadableInFolder(
  unread: ReadonlyArray<{ rel: string; kind: 'file' | 'folder' | 'folder-link' }>,
  typed: string,
  target: string,
  dest: string,
): string {
  if (unread.length === 0) return '';
  const from = joinBase(typed) || typed;
  const lines = [...unread]
    .sort((a, b) => walkOrder(a.rel, b.rel))
    .map(({ rel, kind }) => {
      if (kind === 'folder') return `scp: local opendir "${from}/${rel}": Permission denied\n`;
      const first = kind === 'file' ? `open local "${from}/${rel}": Permission denied` : `local "${from}/${rel}" is not a regular file`;
      return `scp: ${first}\nscp: upload "${from}/${rel}" to "${target}/${rel}" failed\n`;
    });
  return `${lines.join('')}scp: failed to upload directory ${from} to ${dest}\n`;
}
