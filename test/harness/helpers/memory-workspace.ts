/** A workspace in memory standing in for what a shim reads and writes, for shell-world tests without a sandbox. */
import type { LocalSide } from '../../../src/harness/shell-world.js';

export function memoryWorkspace(cwd?: string): LocalSide & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    read: (p) => files.get(p) ?? null,
    isDir: (p) => p === '.' || p.endsWith('/'),
    write: (p, bytes) => {
      files.set(p, bytes);
    },
    ...(cwd === undefined ? {} : { cwd }),
  };
}
