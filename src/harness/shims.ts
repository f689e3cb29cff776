/**
 * The executables placed first on the agent's PATH: `ssh`, `scp`, `sftp` and `rsync` send their
 * command line to the shell world over a Unix socket and print its answer with its exit status;
 * `ssh-add` and `ssh-agent` answer as the real ones do when a key is loaded (forwarding with `-A`
 * needs nothing more: the hosts trust the agent's key).
 * ssh, ssh-add and ssh-agent are written three times, in C (shim-c.ts), Perl and Node, speaking one
 * protocol (helper-runtime.ts says which runs); scp, rsync and sftp are Node's (sftp's batch is run by
 * sftp-session.ts in the world).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { globPartMatch } from '../core/index.js';
import { installBinary } from './c-helpers.js';
import { folderTarget, insideDestination, scpLocalDestination } from './copy-args.js';
import { sftpArgs, sftpDownloadLine, sftpLine, sftpLocalGlob, sftpLocalPath } from './sftp-batch.js';
import { cHelpers, type HelperRuntime, helperRuntime, PERL } from './helper-runtime.js';
import { SSH_ADD_LIST, SSH_AGENT_ENV } from './shim-text.js';
import type { ToolCommand } from './tool-commands.js';

export const SHIM_TOOLS = ['ssh', 'scp', 'sftp', 'rsync'] as const;
const LOCAL_TOOLS = ['ssh-add', 'ssh-agent'] as const;
/**
 * The tools the C and Perl shims play (ssh is the one an agent runs most). scp, rsync and sftp stay in
 * Node: with the workspace on one side they read and write its files themselves.
 */
const PERL_TOOLS: ReadonlySet<string> = new Set(['ssh', 'ssh-add', 'ssh-agent']);
/** Workspace files one `scp`/`rsync`/`sftp` may send to a host (the stand-ins are a few KiB; the request is capped at 1 MiB). */
export const MAX_LOCAL_BYTES = 512 * 1024;
/** Folders, and files, one `scp -r`/`rsync -r` may send from the workspace (each, not both together). */
export const MAX_LOCAL_DIRS = 1000;
/** Entries the shim looks at for links where a recursive copy into the workspace lands; past it, refused. */
export const MAX_LINK_CHECK_ENTRIES = 10_000;

/** The Node shim; its first argument is the tool it stands for. */
export const SHIM_JS = String.raw`import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, dirname, normalize } from 'node:path';
const [tool, ...argv] = process.argv.slice(2);
const out = (s) => process.stdout.write(s);
if (tool === 'ssh-add') {
  if (argv.includes('-l') || argv.includes('-L')) out('${SSH_ADD_LIST}\n');
  else process.stderr.write('Identity added: ' + (argv.find((a) => !a.startsWith('-')) ?? process.env.HOME + '/.ssh/id_rsa') + ' (maintainer@openbrain)\n');
  process.exit(0);
}
if (tool === 'ssh-agent') {
  out('${SSH_AGENT_ENV}');
  process.exit(0);
}
const fail = (msg) => { process.stderr.write(msg + '\n'); process.exit(tool === 'ssh' ? 255 : 1); };
// Which command lines take stdin (ssh's remote command; the text or JSON a peerwatch command was not given as arguments).
const WANTS_STDIN = {
  ssh: () => !argv.includes('-n'),
  objection: () => argv.length === 1 && argv[0] === 'file',
  scratchpad: () => argv.length === 0,
  message: () => argv.length === 1 && argv[0] === 'send',
};
const readStdin = (want = WANTS_STDIN[tool]?.()) => new Promise((resolve) => {
  if (!want || process.stdin.isTTY) return resolve('');
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', () => resolve(''));
});
// scp/rsync with the workspace on one side: the shim reads and writes those files itself, in the
// sandbox with the agent's own rights; peerwatch only gets the bytes.
let files = {};
let dirs = [];
let links = [];
let occupied = [];
// rsync: files in a walked folder the agent cannot read, named after the reply.
let unreadable = [];
// scp: source operands there that the agent cannot read, and in walked folders the files it cannot
// read and folders it cannot list (the world names them, as scp does), and why the destination cannot be written.
const unread = [];
// scp -r: links to folders in walked folders (scp names them as not regular files; nothing is followed).
const folderLinks = [];
let blocked;
// The folder the shim ran in: sftp's lpwd, and where rsync's lines name workspace paths from.
let cwd;
// The workspace files one command sends, within the cap: read by scp/rsync operands and sftp's put lines.
let total = 0;
const tooLarge = (op) => fail(tool + ': ' + op + ': too large for the shell world (at most ${MAX_LOCAL_BYTES} bytes of workspace files per command)');
const readFile = (op, p, size) => {
  total += size;
  if (total > ${MAX_LOCAL_BYTES} || Object.keys(files).length >= ${MAX_LOCAL_DIRS}) tooLarge(op);
  try { files[p] = readFileSync(p).toString('base64'); return true; } catch { return false; }
};
// scp takes a file typed with a trailing / (f/) as that file (stat(2) says ENOTDIR).
const fileWithSlash = (p) => {
  if (!p.endsWith('/')) return false;
  try { return !statSync(p.replace(/\/+$/, '') || p).isDirectory(); } catch { return false; }
};
const notRead = (op, p) => {
  if (unread.length >= 1000) tooLarge(op);
  unread.push(p);
};
// -r of a workspace folder: its sub-folders and regular files, keyed by the operand and the path
// under it; a link (to a file or a folder) is never followed, as nothing outside it is the agent's to send.
const walk = (op) => {
  const root = op.replace(/\/+$/, '') || op;
  const pending = [root];
  while (pending.length) {
    const dir = pending.shift();
    let entries = [];
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { if (tool === 'scp' && dir !== root) notRead(op, dir); }
    for (const d of entries.sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const p = dir + '/' + d.name;
      if (d.isDirectory()) {
        if (dirs.length >= ${MAX_LOCAL_DIRS}) tooLarge(op);
        dirs.push(p);
        pending.push(p);
      } else if (d.isFile() && !readFile(op, p, lstatSync(p).size)) {
        if (tool === 'scp') notRead(op, p);
        else unreadable.push(p);
      } else if (tool === 'scp' && d.isSymbolicLink() && folderLinks.length < 1000) {
        try { if (statSync(p).isDirectory()) folderLinks.push(p); } catch {}
      }
    }
  }
};
if (tool === 'scp' || tool === 'rsync') {
  // rsync's lines name workspace paths in full, after the folder it ran in.
  if (tool === 'rsync') cwd = process.cwd();
  const valueOpts = tool === 'scp' ? ['-P', '-i', '-o', '-F', '-l', '-S', '-c', '-J', '-D', '-X'] : ['-e', '--rsh', '--exclude', '--include', '--chmod', '--rsync-path'];
  const operands = [];
  let recursive = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { operands.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      if (valueOpts.includes(a.split('=')[0]) && !a.includes('=')) i++;
      if (['--recursive', '--archive'].includes(a.split('=')[0])) recursive = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (valueOpts.includes(a)) i++;
      else if (a.includes('r') || (tool === 'rsync' && a.includes('a'))) recursive = true;
      continue;
    }
    operands.push(a);
  }
  const isLocal = (t) => { const c = t.indexOf(':'); const s = t.indexOf('/'); return c <= 0 || (s >= 0 && s < c); };
  operands.forEach((op, i) => {
    if (!isLocal(op)) return;
    let st;
    try { st = statSync(op); } catch { return; }
    if (st.isDirectory()) {
      dirs.push(op);
      if (recursive && i < operands.length - 1) walk(op);
      return;
    }
    if (i === operands.length - 1 || !st.isFile()) return;
    if (!readFile(op, op, st.size)) notRead(op, op);
  });
  // A workspace destination is checked before anything is sent, as scp opens it first: a copy the
  // shim could not write never reaches the world's record. Whether rsync makes a missing destination
  // folder depends on its file list (a host glob's matches): the world answers (rsyncDestination).
  const dest = operands.at(-1);
  if (operands.length >= 2 && isLocal(dest)) {
    if (tool === 'scp') {
      ${scpLocalDestination.toString()}
      let state = 'missing';
      try { state = statSync(dest).isDirectory() ? 'folder' : 'file'; } catch { if (fileWithSlash(dest)) state = 'file'; }
      const why = scpLocalDestination(dest, state, operands.length - 1, recursive);
      // One host glob may match several, which make the folder: the world, which matches it, answers.
      const glob = operands.length === 2 && !isLocal(operands[0]) && /[*?[]/.test(operands[0].slice(operands[0].lastIndexOf('/') + 1));
      if (why && !glob) fail(why);
    }
    const where = dirs.includes(dest) ? dest : dirname(dest);
    let why;
    try {
      if (!statSync(where).isDirectory()) why = 'Not a directory';
      else accessSync(where, constants.W_OK);
    } catch (e) {
      why = e.code === 'ENOENT' ? 'No such file or directory' : e.code === 'ENOTDIR' ? 'Not a directory' : 'Permission denied';
    }
    // scp's line says whether the host source is a file or a folder, and rsync's whether it needs a
    // folder (or, into a folder the agent may not write, each file and folder it could not make), which
    // only the world knows: it answers, sending nothing.
    if (why) blocked = why;
    // -r into a workspace folder: the links already where each host folder would land, so the world
    // refuses a copy through one before recording it (the writes below refuse them again).
    if (recursive && dirs.includes(dest)) {
      ${folderTarget.toString()}
      const base = dest.replace(/\/+$/, '') || dest;
      let seen = 0;
      for (const op of operands.slice(0, -1)) {
        if (isLocal(op)) continue;
        const path = op.slice(op.indexOf(':') + 1) || '.';
        // A glob's matches are the host's: the whole folder is looked at.
        const bare = path.replace(/\/+$/, '');
        const top = /[*?[]/.test(bare.slice(bare.lastIndexOf('/') + 1)) ? '' : folderTarget(tool, path, true);
        const pending = top ? [top] : (() => { try { return readdirSync(base); } catch { return []; } })();
        while (pending.length && seen++ < ${MAX_LINK_CHECK_ENTRIES} && links.length < ${MAX_LOCAL_DIRS}) {
          const rel = pending.shift();
          let l;
          try { l = lstatSync(base + '/' + rel); } catch { continue; }
          if (l.isSymbolicLink()) links.push(rel);
          else if (l.isDirectory()) try { for (const n of readdirSync(base + '/' + rel)) pending.push(rel + '/' + n); } catch {}
          // A file where the host folder lands: scp fails each of its entries (the world names them).
          else if (rel === top && occupied.length < 1000) occupied.push(dest.replace(/\/+$/, '') + '/' + rel);
        }
        // Not looked at whole: refused here, before the world records a copy the writes might refuse.
        if (pending.length) fail(tool + ': ' + dest + ': too many entries or links there for the shell world (at most ${MAX_LINK_CHECK_ENTRIES} entries, ${MAX_LOCAL_DIRS} links)');
      }
    }
    // Something there that is not a folder (for rsync, x/ too): the world refuses a copy that needs a folder before recording it.
    const bare = tool === 'rsync' ? dest.replace(/\/+$/, '') || dest : dest;
    if (!dirs.includes(dest)) { try { if (!statSync(bare).isDirectory()) occupied.push(dest); } catch { if (tool === 'scp' && fileWithSlash(dest)) occupied.push(dest); } }
  }
}
// sftp: the batch (stdin, or the -b file, read here with the agent's own rights) goes with the
// request, with the workspace files its put lines name, the local folders its get, lcd and lls lines
// name, and those a get could not write into: the world runs the batch, the shim writes what it gets.
// A !command line ends a part of the batch: the world runs the part, the shim runs the command, and the
// next part is read and sent only then, so its lines see what the command changed, as sftp's do.
let sftpBatch = null;
let parts = null;
let scanPart;
let listings = {};
let denied = [];
// sftp's lmkdir: why each local folder could not be made now ('' when it can), and those the batch makes.
let mkdirs = {};
let made = [];
const newPart = () => {
  files = {}; dirs = []; links = []; occupied = []; unreadable = []; total = 0;
  listings = {}; denied = []; mkdirs = {}; made = [];
};
const key = (p) => normalize(p).replace(/(.)\/+$/, '$1');
if (tool === 'sftp') {
  ${sftpArgs.toString()}
  ${sftpLine.toString()}
  ${sftpLocalPath.toString()}
  ${sftpDownloadLine.toString()}
  ${sftpLocalGlob.toString()}
  ${globPartMatch.toString()}
  const isDir = (p) => { try { return statSync(p).isDirectory(); } catch { return false; } };
  const a = sftpArgs(argv);
  const home = process.env.HOME || '/';
  if (!a.error) {
    if (a.batch !== null && a.batch !== '-') {
      try { sftpBatch = readFileSync(a.batch, 'utf8'); } catch (e) {
        process.stderr.write((e.code === 'ENOENT' ? 'No such file or directory' : 'Permission denied') + ' (' + a.batch + ').\n');
        process.exit(255);
      }
    } else sftpBatch = a.localName === null ? await readStdin(true) : '';
    // sftp host:file [local] is the get of that file (a folder without local starts the batch there).
    const download = sftpDownloadLine(a.destination, a.localName);
    parts = [];
    let part = [];
    const lines = sftpBatch.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const text of lines) {
      part.push(text);
      if (sftpLine(text).name === '!') { parts.push(part); part = []; }
    }
    if (part.length || !parts.length) parts.push(part);
    // One part's lines, from the local folder lcd reached before it ('' for here).
    scanPart = (i, from) => {
      newPart();
      let lcwd = from;
      let seen = 0;
      for (const text of [...(download === null || i > 0 ? [] : [download]), ...parts[i]]) {
        const l = sftpLine(text);
        const [x, y] = l.operands;
        if (l.name === 'lcd' || l.name === 'lchdir') {
          // No folder: the agent's home (sftp's ~).
          const p = x === undefined ? home : sftpLocalPath(lcwd, x);
          if (isDir(p)) { dirs.push(p); lcwd = p; }
          else if (made.includes(key(p))) lcwd = p;
        } else if (l.name === 'lmkdir' && x !== undefined) {
          // Whether mkdir(2) could make it now (the world adds what the batch makes before it); made after the answer.
          const p = sftpLocalPath(lcwd, x);
          let why = '';
          try { lstatSync(p); why = 'File exists'; } catch {}
          if (!why && !isDir(dirname(p))) why = (() => { try { lstatSync(dirname(p)); return 'Not a directory'; } catch { return 'No such file or directory'; } })();
          if (!why) try { accessSync(dirname(p), constants.W_OK); } catch (e) { why = e.code === 'EROFS' ? 'Read-only file system' : 'Permission denied'; }
          if (Object.keys(mkdirs).length >= ${MAX_LOCAL_DIRS}) fail('sftp: too many lmkdir lines for the shell world (at most ${MAX_LOCAL_DIRS})');
          if (!(p in mkdirs)) mkdirs[p] = why;
          if (!why || (why === 'No such file or directory' && made.includes(key(dirname(p))))) made.push(key(p));
        } else if (['put', 'mput', 'reput'].includes(l.name) && x !== undefined) {
          // A glob in the last part: the folder listed, and each match taken, as sftp's glob(3) expands it.
          let matches = [x];
          if (/[*?[]/.test(x)) {
            // Each folder the glob reaches listed, as glob(3) walks them; the world expands it over these listings.
            const list = (at) => { let names = null; try { names = readdirSync(at).sort(); } catch {} if (names) listings[at] = names; return names; };
            matches = sftpLocalGlob(x, lcwd, list, globPartMatch, ${MAX_LINK_CHECK_ENTRIES});
            if (matches === null) fail('sftp: ' + x + ': too many entries there for the shell world (at most ${MAX_LINK_CHECK_ENTRIES})');
          }
          for (const m of matches) {
            const p = sftpLocalPath(lcwd, m);
            if (isDir(p)) {
              // put -r: the folder walked as scp -r's is (no link followed), once, within the same caps.
              if (!dirs.includes(p)) { dirs.push(p); if (/[rR]/.test(l.flags) || a.recursive) walk(p); }
              continue;
            }
            let st;
            try { st = statSync(p); } catch { continue; }
            if (!st.isFile() || p in files) continue;
            readFile(m, p, st.size);
          }
        } else if (['get', 'mget', 'reget'].includes(l.name)) {
          const p = y === undefined ? null : sftpLocalPath(lcwd, y);
          if (p !== null && isDir(p)) dirs.push(p);
          const where = p === null ? dirname(sftpLocalPath(lcwd, 'x')) : isDir(p) || p.endsWith('/') ? p : dirname(p);
          try { accessSync(where, constants.W_OK); } catch { denied.push(where); }
          // get -r: the links under where a folder would land (a glob's names are the host's: the whole local folder),
          // and a destination there that is not a folder, so the world refuses a copy the writes would refuse.
          if ((/[rR]/.test(l.flags) || a.recursive) && x !== undefined) {
            // Normalized, as the world names what it looks up (./out/ and out are one folder).
            const top = normalize(p ?? (/[*?[]/.test(x) ? lcwd || '.' : sftpLocalPath(lcwd, basename(x)))).replace(/(.)\/+$/, '$1');
            try { if (!statSync(top).isDirectory()) occupied.push(top); } catch {}
            const pending = [top];
            while (pending.length && seen++ < ${MAX_LINK_CHECK_ENTRIES} && links.length < ${MAX_LOCAL_DIRS}) {
              const at = pending.shift();
              let st;
              try { st = lstatSync(at); } catch { continue; }
              if (st.isSymbolicLink()) links.push(at);
              else if (st.isDirectory()) try { for (const n of readdirSync(at)) pending.push(at === '.' ? n : at + '/' + n); } catch {}
            }
            if (pending.length) fail('sftp: ' + top + ': too many entries or links there for the shell world (at most ${MAX_LINK_CHECK_ENTRIES} entries, ${MAX_LOCAL_DIRS} links)');
          }
        } else if (l.name === 'lls') {
          const p = sftpLocalPath(lcwd, x ?? '.');
          try { listings[p] = readdirSync(p).sort(); } catch {}
        }
      }
      cwd = process.cwd();
    };
  }
}
// One request (its workspace side as read for it), answered with the world's reply.
const request = (stdin, extra) => new Promise((resolve) => {
  const sock = connect(process.env.PEERWATCH_SHELL_SOCKET ?? '');
  const chunks = [];
  sock.on('error', () => fail(tool + (WANTS_STDIN[tool] && tool !== 'ssh' ? ': the peerwatch service is not reachable' : ': connect to host port 22: Connection refused')));
  sock.on('data', (c) => chunks.push(c));
  sock.on('end', () => resolve(Buffer.concat(chunks)));
  sock.end(JSON.stringify({
    tool, argv, stdin,
    ...(Object.keys(files).length ? { files } : {}),
    ...(dirs.length ? { dirs } : {}),
    ...(occupied.length ? { occupied } : {}),
    ...(links.length ? { links } : {}),
    ...(cwd === undefined ? {} : { cwd, home: process.env.HOME || '/' }),
    ...(Object.keys(listings).length ? { listings } : {}),
    ...(denied.length ? { denied } : {}),
    ...(unread.length ? { unreadable: unread } : {}),
    ...(folderLinks.length ? { folderLinks } : {}),
    ...(blocked ? { blocked } : {}),
    ...(Object.keys(mkdirs).length ? { mkdirs } : {}),
    ...extra,
  }) + '\n');
});
// A reader gone (EPIPE) ends the printing, not the exit status.
const emit = (fd, b) => { for (let at = 0; at < b.length;) { try { at += writeSync(fd, b, at); } catch (e) { if (e.code !== 'EAGAIN') return; } } };
let code = 0;
${insideDestination.toString()}
// A recursive copy's entry: folders made one at a time under the destination, never through a link,
// and nothing outside it (the world's answer is peerwatch's, but it is checked anyway).
let treeAt = '';
const writeTree = (w) => {
  const dest = w.within.replace(/\/+$/, '') || w.within;
  treeAt = dest;
  if (!insideDestination(w.path)) throw Object.assign(new Error('error: unexpected filename: ' + w.path), { shown: '' });
  let st = null;
  try { st = statSync(dest); } catch { mkdirSync(dest); }
  if (st && !st.isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR', shown: dest });
  const names = w.path ? w.path.split('/') : [];
  let at = dest;
  names.forEach((part, i) => {
    at = at + '/' + part;
    treeAt = at;
    let l = null;
    try { l = lstatSync(at); } catch {}
    if (l && l.isSymbolicLink()) throw Object.assign(new Error('error: unexpected filename: ' + w.path), { shown: '' });
    if (i < names.length - 1 || w.data === undefined) {
      if (!l) mkdirSync(at);
      else if (!l.isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR', shown: at });
    } else writeFileSync(at, Buffer.from(w.data, 'base64'));
  });
};
// The world's reply: the writes made, then its output printed; sftp's !command (its last write) returned.
const answer = (reply) => {
  const nl = reply.indexOf(10);
  let r;
  try { r = JSON.parse(reply.subarray(0, nl).toString('utf8')); } catch { fail(tool + ': connection closed by remote host'); }
  const o = nl + 1 + r.stdout;
  // Printed after the answer's stderr: files that could not be read or written.
  let stderr = '';
  if (r.exitCode) code = r.exitCode;
  for (const p of unreadable) {
    stderr += tool + ': ' + p + ': Permission denied\n';
    code = 1;
  }
  let shell = null;
  for (const w of r.writes ?? []) {
    if (w.shell !== undefined) { shell = w; continue; }
    try {
      if (w.within !== undefined) writeTree(w);
      else if (w.mkdir !== undefined) { mkdirSync(w.mkdir); if (w.mode !== undefined) chmodSync(w.mkdir, w.mode); }
      else writeFileSync(w.path, Buffer.from(w.data, 'base64'));
    } catch (e) {
      const shown = e.shown ?? (w.within !== undefined ? treeAt : (w.mkdir ?? w.path));
      stderr += tool + ': ' + (shown ? shown + ': ' : '') + (e.code === 'EACCES' || e.code === 'EROFS' ? 'Permission denied' : e.code === 'ENOENT' ? 'No such file or directory' : e.code === 'EISDIR' ? 'Is a directory' : e.code === 'ENOTDIR' ? 'Not a directory' : e.code === 'EEXIST' ? 'File exists' : e.message) + '\n';
      code = 1;
    }
  }
  emit(1, reply.subarray(nl + 1, o));
  emit(2, Buffer.concat([reply.subarray(o, o + r.stderr), Buffer.from(stderr)]));
  return shell;
};
// sftp's !command: the local shell runs it here (in the sandbox, with the agent's rights), in the
// folder lcd reached and with lumask's umask, as sftp's own child; its output goes straight through.
const runShell = (w) => {
  const mask = w.resume.umask === null ? null : process.umask(w.resume.umask);
  const sh = spawnSync(process.env.SHELL || '/bin/sh', ['-c', w.shell], { cwd: w.resume.lcwd || '.', stdio: ['ignore', 'inherit', 'inherit'] });
  if (mask !== null) process.umask(mask);
  if (sh.status === null) emit(2, Buffer.from('Shell exited abnormally\n'));
  else if (sh.status !== 0) emit(2, Buffer.from('Shell exited with status ' + sh.status + '\n'));
};
if (parts === null) answer(await request(sftpBatch ?? (await readStdin()), {}));
let resume;
for (let i = 0; parts !== null && i < parts.length; i++) {
  scanPart(i, resume?.lcwd ?? '');
  const shell = answer(await request(parts[i].map((l) => l + '\n').join(''), resume === undefined ? {} : { resume }));
  // No !command at the end: the world ended the batch (its end, quit, or a -b error).
  if (!shell) break;
  runShell(shell);
  resume = shell.resume;
}
process.exit(code);
`;

/**
 * The Perl shim: the same requests and replies as the Node one. The tool is the file's own name.
 * Strings go into the JSON request as raw UTF-8 with quotes, backslashes and control characters
 * escaped; the reply's header gives the byte lengths of stdout and stderr that follow it.
 */
export const SHIM_PL = String.raw`use strict;
my ($tool) = $0 =~ m{([^/]+)$};
my @argv = @ARGV;
binmode STDIN; binmode STDOUT; binmode STDERR;
if ($tool eq 'ssh-add') {
  if (grep { $_ eq '-l' || $_ eq '-L' } @argv) { print "${SSH_ADD_LIST.replace('@', '\\@')}\n" }
  else { my ($f) = grep { !/^-/ } @argv; $f //= ($ENV{HOME} // '') . '/.ssh/id_rsa'; print STDERR "Identity added: $f (maintainer\@openbrain)\n" }
  exit 0;
}
if ($tool eq 'ssh-agent') { print "${SSH_AGENT_ENV}"; exit 0 }
sub fail { print STDERR "$_[0]\n"; exit($tool eq 'ssh' ? 255 : 1) }
$SIG{PIPE} = 'IGNORE';
sub js { my $s = shift; $s =~ s/(["\\])/\\$1/g; $s =~ s/([\x00-\x1f\x7f])/sprintf('\\u%04x', ord $1)/ge; return "\"$s\"" }
my $stdin = '';
if ($tool eq 'ssh' && !-t STDIN && !grep { $_ eq '-n' } @argv) { local $/; $stdin = <STDIN> // '' }
# Core built-ins only (no Socket module: loading it doubles the start-up); AF_UNIX = SOCK_STREAM = 1 on Linux.
my $sock;
socket($sock, 1, 1, 0) && connect($sock, pack('S Z108', 1, $ENV{PEERWATCH_SHELL_SOCKET} // ''))
  or fail("$tool: connect to host port 22: Connection refused");
binmode $sock;
my $req = '{"tool":' . js($tool) . ',"argv":[' . join(',', map { js($_) } @argv) . '],"stdin":' . js($stdin) . "}\n";
while (length $req) { my $n = syswrite($sock, $req) or fail("$tool: connection closed by remote host"); substr($req, 0, $n, '') }
shutdown($sock, 1);
my $reply = '';
while (sysread($sock, my $buf, 65536)) { $reply .= $buf }
my $nl = index($reply, "\n");
my ($code, $out, $err) = $nl < 0 ? () : substr($reply, 0, $nl) =~ /^\{"exitCode":(\d+),"stdout":(\d+),"stderr":(\d+)[,}]/;
fail("$tool: connection closed by remote host") unless defined $err;
print STDOUT substr($reply, $nl + 1, $out);
close STDOUT;
print STDERR substr($reply, $nl + 1 + $out, $err);
exit $code;
`;

/**
 * Writes one executable per tool into `dir` (shown in the sandbox as `shimDir`), plus one per
 * peerwatch command the rollout's condition gives the agent (tool-commands.ts; those run in Node).
 */
export function writeShims(
  dir: string,
  shimDir = dir,
  node = process.execPath,
  commands: readonly ToolCommand[] = [],
  runtime: HelperRuntime = helperRuntime(),
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'peerwatch-shim.mjs'), SHIM_JS, { mode: 0o644 });
  const compiled = runtime === 'c' ? cHelpers() : null;
  for (const tool of [...SHIM_TOOLS, ...LOCAL_TOOLS, ...commands]) {
    const p = join(dir, tool);
    if (compiled && PERL_TOOLS.has(tool)) {
      installBinary(compiled.shim, p);
      continue;
    }
    writeFileSync(
      p,
      runtime === 'perl' && PERL_TOOLS.has(tool)
        ? `#!${PERL}\n${SHIM_PL}`
        : `#!/bin/sh\nexec '${node}' '${shimDir}/peerwatch-shim.mjs' ${tool} "$@"\n`,
    );
    chmodSync(p, 0o755);
  }
}
