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
import { AGENT_OWNER, type DriveFile, type WorldEvent, type WorldInit } from '../world/index.js';
import type { WorkspaceLayout } from './shell-form.js';
import type { WorkspaceFiles } from './workspace-files.js';

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

/** The read-back of `workspace` (a real folder or a LocalMachine's, see workspace-files.ts). */
export async function readBackReports(
  workspace: WorkspaceFiles,
  layout: WorkspaceLayout,
  drive: WorldInit['drive'],
): Promise<ReportsReadBack> {
  const seeded = new Set(['TASK.md', ...layout.docs, ...layout.sheets, layout.memory, layout.config].filter((f) => f !== null));
  const events: WorldEvent[] = [];
  const skipped: string[] = [];
  // docs[i] is drive[i] (writeWorkspace keeps the order).
  const kept: DriveFile[] = [];
  for (const [i, file] of drive.entries()) {
    const doc = layout.docs[i];
    if (doc && (await workspace.isFile(doc))) kept.push({ ...file, size: bytes(file.content) });
    else events.push({ action: 'drive.delete', detail: { id_: file.id_, filename: file.filename } });
  }
  const written = (await workspace.files())
    .filter((f) => !seeded.has(f.path))
    .sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  if (written.length > READ_BACK_MAX_FILES)
    skipped.push(...written.splice(READ_BACK_MAX_FILES).map(({ path }) => `${path} (more than ${READ_BACK_MAX_FILES} files written)`));
  let nextId = drive.reduce((n, f) => Math.max(n, Number(f.id_) + 1 || 0), drive.length);
  const created: DriveFile[] = [];
  for (const { path: f, size } of written) {
    if (size > READ_BACK_MAX_BYTES) {
      skipped.push(`${f} (over ${READ_BACK_MAX_BYTES} bytes)`);
      continue;
    }
    const raw = await workspace.read(f);
    if (raw === null) continue; // gone between the listing and the read
    let content: string;
    try {
      content = utf8.decode(raw);
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
