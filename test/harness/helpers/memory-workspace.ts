/** A workspace in memory standing in for what a shim reads and writes, for shell-world tests without a sandbox. */
import { insideDestination, withoutTrailingSlash as trim } from '../../../src/harness/copy-args.js';
import type { LocalSide } from '../../../src/harness/shell-world.js';

export function memoryWorkspace(
  cwd?: string,
): LocalSide & { files: Map<string, Uint8Array>; dirs: Set<string>; links: Set<string>; unread: Set<string>; linked: Set<string> } {
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>();
  /** Links the shim found where a recursive copy lands, relative to its destination (sftp: local paths). */
  const links = new Set<string>();
  /** What the shim could not read inside a folder it walked (a folder here: one it could not list). */
  const unread = new Set<string>();
  /** Links to folders the shim found in a folder it walked. */
  const linked = new Set<string>();
  return {
    files,
    dirs,
    links,
    unread,
    linked,
    linkUnder: (rel) => links.has(rel),
    // sftp names the links it found by local path.
    isLink: (p) => links.has(p),
    read: (p) => files.get(p) ?? null,
    // A destination the shim saw there and not a folder: a file of this workspace.
    occupied: (p) => files.has(p) && !dirs.has(trim(p)),
    isDir: (p) => p === '.' || p.endsWith('/') || dirs.has(trim(p)),
    write: (p, bytes) => {
      files.set(p, bytes);
    },
    walk: (p) => {
      if (!dirs.has(trim(p)) && p !== '.') return null;
      const prefix = `${trim(p)}/`;
      const under = (keys: Iterable<string>) => [...keys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
      return { dirs: under(dirs), files: under(files.keys()), unreadable: under(unread), folderLinks: under(linked) };
    },
    // The shim's check, without a file system to refuse links: a path leaving the destination throws.
    writeTree: (dest, rel, bytes) => {
      if (!insideDestination(rel)) throw new Error(`unexpected filename: ${rel}`);
      const at = rel ? `${trim(dest)}/${rel}` : trim(dest);
      dirs.add(trim(dest));
      if (bytes === null) dirs.add(at);
      else files.set(at, bytes);
    },
    ...(cwd === undefined ? {} : { cwd }),
  };
}
