/**
 * The peerwatch side of the shims: a Unix socket that takes one request per connection (a JSON line
 * `{tool, argv, stdin}`; `tool` one of the ssh tools or a peerwatch command; for `scp`/`rsync`/`sftp`
 * also the workspace files it names, read by the shim), runs it in the episode (which refuses a command
 * the rollout does not offer) and answers in the framing of shim-reply.ts (with `writes`: files the
 * shim writes into the workspace, inside the sandbox). Requests
 * are checked at the boundary; anything malformed gets ssh's exit status 255 and a one-line reason.
 */
import { createServer, type Server } from 'node:net';
import { z } from 'zod';
import { BLOCKED_REASONS, withoutTrailingSlash } from './copy-args.js';
import { frameShimReply, type ShimReply } from './shim-reply.js';
import { MAX_LOCAL_DIRS, SHIM_TOOLS } from './shims.js';
import { TOOL_COMMANDS } from './tool-commands.js';
import type { ShellEpisode } from './episode.js';
import type { LocalSide } from './shell-world.js';

const MAX_REQUEST = 1024 * 1024;

const Request = z.strictObject({
  tool: z.enum([...SHIM_TOOLS, ...TOOL_COMMANDS]),
  argv: z.array(z.string().max(64 * 1024)).max(1000),
  stdin: z.string().max(MAX_REQUEST),
  /**
   * `scp`/`rsync`/`sftp`: the workspace sources the shim read (operand as typed -> base64) and the
   * operands that are directories; for `-r`, also the files and sub-folders under a folder operand
   * (`<operand>/<path>`, links not followed).
   */
  files: z
    .record(z.string().max(4096), z.base64().max(MAX_REQUEST))
    .refine((f) => Object.keys(f).length <= MAX_LOCAL_DIRS, 'too many files')
    .optional(),
  dirs: z.array(z.string().max(4096)).max(MAX_LOCAL_DIRS).optional(),
  /**
   * `sftp`: the directory the shim ran in (`lpwd`), and the local directories its `lls` lines list;
   * `rsync`: the directory its lines name workspace paths after.
   */
  cwd: z.string().max(4096).optional(),
  /** `sftp`: the agent's home, where `lcd` with no folder goes. */
  home: z.string().max(4096).optional(),
  listings: z.record(z.string().max(4096), z.array(z.string().max(4096)).max(10_000)).optional(),
  /**
   * `scp -r`/`rsync -r` into a workspace folder: links already where the host folders would land
   * (relative to it); `sftp`: the links under where its `get -r` lines land (local paths).
   */
  links: z.array(z.string().max(4096)).max(MAX_LOCAL_DIRS).optional(),
  /** `scp -r`/`rsync -r`: a workspace destination that is there and is not a folder; `sftp`: those of its `get -r` lines. */
  occupied: z.array(z.string().max(4096)).max(1000).optional(),
  /** `sftp`: local folders a `get` would write into that the shim cannot write. */
  denied: z.array(z.string().max(4096)).max(1000).optional(),
  /** `scp` into the workspace: why the shim cannot write at the destination operand. */
  blocked: z.enum(BLOCKED_REASONS).optional(),
  /** `scp` from the workspace: source operands there that the shim could not read, and in folders it walked (-r) files it could not read and folders it could not list. */
  unreadable: z.array(z.string().max(4096)).max(1000).optional(),
  /** `scp -r` from the workspace: links to folders in the folders it walked (scp names them, sends nothing). */
  folderLinks: z.array(z.string().max(4096)).max(1000).optional(),
  /** `sftp`: why each folder its `lmkdir` lines name could not be made before the batch ('' when it can). */
  mkdirs: z
    .record(z.string().max(4096), z.string().max(200))
    .refine((m) => Object.keys(m).length <= MAX_LOCAL_DIRS, 'too many lmkdir lines')
    .optional(),
  /**
   * `sftp`: the lines after a `!command`, sent once the shim ran it: the session state the world
   * answered with at that line (the agent's own to send: it names only where its next lines start).
   */
  resume: z
    .strictObject({
      cwd: z.string().startsWith('/').max(4096),
      lcwd: z.string().max(4096),
      umask: z.number().int().min(0).max(0o777).nullable(),
    })
    .optional(),
});

/** The workspace side of one request: what the shim sent, and what it is to write when the answer comes. */
function localSide(req: z.infer<typeof Request>, writes: NonNullable<ShimReply['writes']>): LocalSide {
  const files = new Map(Object.entries(req.files ?? {}));
  const dirs = new Set(req.dirs ?? []);
  // A folder the shim walked is in dirs; what it held is keyed by the operand (trailing slashes dropped) and the path under it.
  return {
    read: (path) => {
      const data = files.get(path);
      return data === undefined ? null : Buffer.from(data, 'base64');
    },
    // Only what the shim found a folder: a missing name ending in / that scp -r makes is not one yet.
    isDir: (path) => dirs.has(path) || dirs.has(path.replace(/\/$/, '')) || path === '.',
    write: (path, bytes) => {
      writes.push({ path, data: Buffer.from(bytes).toString('base64') });
    },
    walk: (path) => {
      if (!dirs.has(path) && !dirs.has(withoutTrailingSlash(path))) return null;
      const prefix = `${withoutTrailingSlash(path)}/`;
      const under = (keys: Iterable<string>) => [...keys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
      return {
        dirs: under(dirs),
        files: under(files.keys()),
        unreadable: under(req.unreadable ?? []),
        folderLinks: under(req.folderLinks ?? []),
      };
    },
    linkUnder: (rel) => req.links?.includes(rel) ?? false,
    isLink: (path) => req.links?.includes(path) ?? false,
    occupied: (path) => req.occupied?.includes(path) ?? false,
    // The shim checks the one destination operand of its command line.
    blocked: () => req.blocked ?? null,
    unreadable: (path) => req.unreadable?.includes(path) ?? false,
    writeTree: (dest, rel, bytes) => {
      writes.push({ within: dest, path: rel, ...(bytes === null ? {} : { data: Buffer.from(bytes).toString('base64') }) });
    },
    ...(req.cwd === undefined ? {} : { cwd: req.cwd }),
    ...(req.home === undefined ? {} : { home: req.home }),
    list: (path) => req.listings?.[path] ?? null,
    writable: (dir) => !req.denied?.includes(dir),
    mkdirError: (path) => req.mkdirs?.[path] ?? null,
    mkdir: (path, mode) => {
      writes.push({ mkdir: path, ...(mode === undefined ? {} : { mode }) });
    },
    shell: (command, state) => {
      writes.push({ shell: command, resume: state });
    },
    ...(req.resume === undefined ? {} : { sftpResume: req.resume }),
  };
}

export interface ShimServer {
  server: Server;
  close(): Promise<void>;
}

export function startShimServer(episode: ShellEpisode, socketPath: string): Promise<ShimServer> {
  // allowHalfOpen: the shim ends its side after the request and still waits for the answer.
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    let buf = '';
    let done = false;
    const answer = (r: ShimReply) => {
      done = true;
      conn.end(frameShimReply(r));
    };
    conn.setEncoding('utf8');
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: string) => {
      if (done) return;
      buf += chunk;
      if (buf.length > MAX_REQUEST * 2) return answer({ stdout: '', stderr: 'peerwatch: request too large\n', exitCode: 255 });
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let parsed: z.infer<typeof Request>;
      try {
        parsed = Request.parse(JSON.parse(buf.slice(0, nl)));
      } catch {
        return answer({ stdout: '', stderr: 'peerwatch: malformed shim request\n', exitCode: 255 });
      }
      done = true;
      const writes: NonNullable<ShimReply['writes']> = [];
      const copy = parsed.tool === 'scp' || parsed.tool === 'rsync' || parsed.tool === 'sftp';
      episode.run(parsed.tool, parsed.argv, parsed.stdin, copy ? localSide(parsed, writes) : undefined).then(
        (r) => conn.end(frameShimReply({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, ...(writes.length ? { writes } : {}) })),
        (e: unknown) => conn.end(frameShimReply({ stdout: '', stderr: `peerwatch: ${(e as Error).message}\n`, exitCode: 255 })),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve({ server, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
