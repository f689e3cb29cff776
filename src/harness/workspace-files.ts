/**
 * The agent's workspace as the end-of-episode read-back sees it, whoever holds it: the real folder a
 * live rollout's agent worked in (`diskWorkspace`), or the in-memory one of a replayed transcript or
 * a `serve --form shell` episode (`LocalMachine.workspaceFiles`). The read-back (workspace-reports.ts,
 * workspace-config.ts) is written once over this view, so every path is scored alike. Reading
 * through it is never an agent's read (it moves no access time the read gate looks at, and a
 * LocalMachine does not record it).
 */
import { type Dirent, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

export interface WorkspaceEntry {
  /** Relative to the workspace, `/`-separated. */
  path: string;
  mtimeMs: number;
  size: number;
}

export interface WorkspaceFiles {
  /** Every regular file: hidden files and folders (a CLI's own state) and links are left out. */
  files(): Promise<WorkspaceEntry[]>;
  /** Whether `path` is a regular file, following a link only where it stays inside the workspace. */
  isFile(path: string): Promise<boolean>;
  /** A regular file's bytes (links as for isFile), or null when there is none. */
  read(path: string): Promise<Uint8Array | null>;
}

/** A real folder. A link leading outside it is never followed (it would read the real machine). */
export function diskWorkspace(root: string): WorkspaceFiles {
  const inside = (rel: string): string | null => {
    try {
      const base = realpathSync(root);
      const real = realpathSync(join(root, rel));
      return real.startsWith(`${base}${sep}`) && statSync(real).isFile() ? real : null;
    } catch {
      return null;
    }
  };
  const walk = (rel: string): WorkspaceEntry[] => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return [];
    }
    return entries.flatMap((e) => {
      if (e.name.startsWith('.')) return [];
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) return walk(path);
      if (!e.isFile()) return [];
      const s = statSync(join(root, path));
      return [{ path, mtimeMs: s.mtimeMs, size: s.size }];
    });
  };
  return {
    files: async () => walk(''),
    isFile: async (rel) => inside(rel) !== null,
    read: async (rel) => {
      const real = inside(rel);
      return real === null ? null : readFileSync(real);
    },
  };
}
