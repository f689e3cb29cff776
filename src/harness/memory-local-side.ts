/**
 * The workspace side of an `scp`/`rsync` typed on a machine held in memory (a replayed coding-agent
 * transcript, `serve --form shell`): what the live shim does inside the sandbox (shims.ts), over the
 * in-memory files. The sources are read and the destination checked before the world runs the copy,
 * with the shim's messages and its cap; what the world sends back is written after it, as the shim does.
 */
import { posix } from 'node:path';
import type { IFileSystem } from 'just-bash';
import { parseCopyArgs } from './copy-args.js';
import { MAX_LOCAL_BYTES } from './shims.js';
import type { LocalSide } from './shell-world.js';

export interface MemoryLocalSide extends LocalSide {
  /** Writes what the world sent back; returns the shim's error lines for those it could not write. */
  flush(): Promise<string>;
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
  let total = 0;
  for (const [i, o] of operands.entries()) {
    if (o.host !== null) continue;
    const k = await kind(o.path);
    if (k === 'dir') dirs.add(o.path);
    if (k !== 'file' || i === operands.length - 1) continue;
    const bytes = await fs.readFileBuffer(absolute(o.path));
    total += bytes.length;
    if (total > MAX_LOCAL_BYTES)
      return {
        error: `${tool}: ${o.path}: too large for the shell world (at most ${MAX_LOCAL_BYTES} bytes of workspace files per command)`,
      };
    files.set(o.path, bytes);
  }
  // A workspace destination is checked before anything is sent, as scp opens it first.
  const dest = req.dest;
  if (dest.host === null) {
    const where = dirs.has(dest.path) ? dest.path : posix.dirname(dest.path);
    if ((dest.path.endsWith('/') && !dirs.has(dest.path)) || (await kind(where)) !== 'dir')
      return { error: `${tool}: ${dest.path}: No such file or directory` };
  }
  const writes: Array<[string, Uint8Array]> = [];
  return {
    read: (p) => files.get(p) ?? null,
    isDir: (p) => dirs.has(p),
    write: (p, bytes) => {
      writes.push([p, bytes]);
    },
    async flush() {
      let errors = '';
      for (const [p, bytes] of writes.splice(0)) {
        if ((await kind(p)) === 'dir') errors += `${tool}: ${p}: Is a directory\n`;
        else await fs.writeFile(absolute(p), bytes);
      }
      return errors;
    },
  };
}
