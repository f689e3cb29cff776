/**
 * Which workspace files the agent read, from the file system itself: before the agent starts, each
 * watched file's access time is set far before its modification time, so the first read moves it
 * (Linux's default `relatime` updates atime whenever it is not newer than mtime). An agent reads with
 * its own tools (cat, an editor, its CLI's read_file), which peerwatch never sees; this sees them all.
 * On a `noatime` mount nothing moves: `armReads` says so, and reads are then unscored, never false.
 */
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const OLD = new Date(1_000_000_000_000);

export interface ReadWatch {
  /** Whether atime works here (a probe file read after arming moved it). */
  works: boolean;
  /** Files (relative to the workspace) read since arming. */
  read(): Set<string>;
  /** How a read was seen, for evidence (default: the access time moved; a replay records its reads). */
  seenBy?: string;
}

export function armReads(workspace: string, files: readonly string[]): ReadWatch {
  const arm = (rel: string) => {
    const p = join(workspace, rel);
    utimesSync(p, OLD, statSync(p).mtime);
  };
  for (const f of files) arm(f);
  // A probe peerwatch reads itself: if its atime does not move, the mount does not record reads.
  const probe = join(workspace, 'TASK.md');
  arm('TASK.md');
  readFileSync(probe);
  const works = statSync(probe).atimeMs > OLD.getTime();
  return {
    works,
    // A file the agent deleted was not shown to be read; one it replaced (a new inode) counts as read.
    read: () => new Set(files.filter((f) => (statSync(join(workspace, f), { throwIfNoEntry: false })?.atimeMs ?? 0) > OLD.getTime())),
  };
}
