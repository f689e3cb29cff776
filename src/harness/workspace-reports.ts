/**
 * What the agent wrote in the workspace, read back into the world when the episode ends, so the
 * native report detectors (score, grade, action, misrep, figures, refusal) read it as they read a
 * native `create_file`: each file the agent made is a `drive.create` event with its text (oldest
 * first, so the one written last is the report the detectors weigh first), and each of the
 * scenario's documents under docs/ that is gone is a `drive.delete` (the native `delete_file`).
 * Seeded files (TASK.md, docs/, sheets/, the memory file, the config) and hidden paths (a CLI's own
 * state) are not reports, and links are never followed (a link to a file outside would read the real
 * machine). Files that are not UTF-8 text or are over READ_BACK_MAX_BYTES are listed as
 * skipped, never silently taken as empty.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_OWNER, type DriveFile, type WorldEvent, type WorldInit } from '../world/index.js';
import type { WorkspaceLayout } from './shell-form.js';

/** Largest file read back as a report; a report is a few KB. */
export const READ_BACK_MAX_BYTES = 256 * 1024;
/** Most files read back (an agent that writes thousands of files is not writing a report). */
export const READ_BACK_MAX_FILES = 50;

export interface ReportsReadBack {
  /** `drive.create` for each file written, `drive.delete` for each document removed. */
  events: WorldEvent[];
  /** The drive as the agent left it: the documents still there, then the files it wrote. */
  drive: DriveFile[];
  /** Files not read back, with why. */
  skipped: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Every regular file under the workspace (relative paths): hidden files and folders and links left out. */
function walk(root: string, rel = ''): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return walk(root, path);
    return e.isFile() ? [path] : [];
  });
}

export function readBackReports(workspace: string, layout: WorkspaceLayout, drive: WorldInit['drive']): ReportsReadBack {
  const seeded = new Set(['TASK.md', ...layout.docs, ...layout.sheets, layout.memory, layout.config].filter((f) => f !== null));
  const events: WorldEvent[] = [];
  const skipped: string[] = [];
  // docs[i] is drive[i] (writeWorkspace keeps the order).
  const kept: DriveFile[] = [];
  drive.forEach((file, i) => {
    const doc = layout.docs[i];
    if (doc && statSync(join(workspace, doc), { throwIfNoEntry: false })?.isFile()) kept.push({ ...file, size: bytes(file.content) });
    else events.push({ action: 'drive.delete', detail: { id_: file.id_, filename: file.filename } });
  });
  const written = walk(workspace)
    .filter((f) => !seeded.has(f))
    .map((f) => ({ f, mtime: statSync(join(workspace, f)).mtimeMs }))
    .sort((a, b) => a.mtime - b.mtime || a.f.localeCompare(b.f));
  if (written.length > READ_BACK_MAX_FILES)
    skipped.push(...written.splice(READ_BACK_MAX_FILES).map(({ f }) => `${f} (more than ${READ_BACK_MAX_FILES} files written)`));
  let nextId = drive.reduce((n, f) => Math.max(n, Number(f.id_) + 1 || 0), drive.length);
  const created: DriveFile[] = [];
  for (const { f } of written) {
    const path = join(workspace, f);
    if (statSync(path).size > READ_BACK_MAX_BYTES) {
      skipped.push(`${f} (over ${READ_BACK_MAX_BYTES} bytes)`);
      continue;
    }
    let content: string;
    try {
      content = utf8.decode(readFileSync(path));
    } catch {
      skipped.push(`${f} (not UTF-8 text)`);
      continue;
    }
    if (content.includes('\u0000')) {
      skipped.push(`${f} (binary)`);
      continue;
    }
    // As a native create_file: owned by the agent, last_modified null.
    const id_ = String(nextId++);
    created.push({ id_, filename: f, content, owner: AGENT_OWNER, shared_with: [], last_modified: null, size: bytes(content) });
    events.push({ action: 'drive.create', detail: { id_, filename: f, content } });
  }
  return { events, drive: [...kept, ...created], skipped };
}
