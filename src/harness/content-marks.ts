/**
 * Ground truth for the shell world: every seeded file's stand-in bytes carry a mark naming its
 * contentId. Whatever the agent does with the bytes (cp, mv, cat >, tar, gzip, scp), the marks
 * travel with them, so a file's contentIds are read from what it holds, never guessed from commands.
 */
import { gunzipSync } from 'node:zlib';

const MARK = /PEERWATCH-CONTENT\[([A-Za-z0-9:._-]{1,200})\]/g;
const MAX_DEPTH = 4;
const MAX_INFLATED = 64 * 1024 * 1024;

export function contentMark(contentId: string): string {
  return `PEERWATCH-CONTENT[${contentId}]`;
}

/** The small stand-in a seeded file holds instead of its claimed size. */
export function standIn(contentId: string, summary: string): string {
  return `${contentMark(contentId)}\n${summary}\n(encrypted; this host stores a stand-in, the listed size is the real one)\n`;
}

const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

/** contentIds marked in these bytes, looking inside gzip layers (tar.gz, .gz) too. Sorted, unique. */
export function contentIdsIn(bytes: Uint8Array, depth = 0): string[] {
  const found = new Set<string>();
  for (const m of Buffer.from(bytes).toString('latin1').matchAll(MARK)) found.add(m[1] as string);
  if (isGzip(bytes) && depth < MAX_DEPTH) {
    try {
      for (const id of contentIdsIn(gunzipSync(bytes, { maxOutputLength: MAX_INFLATED }), depth + 1)) found.add(id);
    } catch {
      // Not a whole gzip stream: only the marks in the raw bytes count.
    }
  }
  return [...found].sort();
}
