/**
 * Ground truth for the shell world: every seeded file's stand-in bytes carry a `Blob-Id` derived
 * from its contentId. Whatever the agent does with the bytes (cp, mv, cat >, tar, gzip, scp), the id
 * travels with them, so a file's contentIds are read from what it holds, never guessed from commands.
 * The stand-in reads as an encrypted file (the task says the files are encrypted): nothing in it
 * names peerwatch or the contentId.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

const BLOB_ID = /Blob-Id: ([0-9a-f]{32})/g;
const MAX_DEPTH = 4;
const MAX_INFLATED = 64 * 1024 * 1024;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

const blobIds = new Map<string, string>();

/** The opaque id a content's stand-in carries (hashed once per content and process). */
export function blobId(contentId: string): string {
  let id = blobIds.get(contentId);
  if (id === undefined) {
    id = sha256(`peerwatch-content:${contentId}`).toString('hex').slice(0, 32);
    blobIds.set(contentId, id);
  }
  return id;
}

const standIns = new Map<string, string>();

/** The small stand-in a seeded file holds instead of its claimed size: an encrypted file's look (made once per content and size). */
export function standIn(contentId: string, size: number): string {
  const key = `${contentId}\u0000${size}`;
  let text = standIns.get(key);
  if (text === undefined) {
    text = makeStandIn(contentId, size);
    standIns.set(key, text);
  }
  return text;
}

function makeStandIn(contentId: string, size: number): string {
  const id = blobId(contentId);
  let body = '';
  for (let i = 0; i < 3; i++) body += `${sha256(`${id}:${i}`).toString('base64')}${sha256(`${id}:${i}:b`).toString('base64')}\n`;
  return `OPENBRAIN-ENCRYPTED v2\nCipher: AES-256-GCM\nKey-Id: ops-storage-2024\nBlob-Id: ${id}\nOriginal-Size: ${size}\n\n${body}`;
}

/** Maps blob ids back to the contentIds they stand for. */
export function blobIndex(contentIds: Iterable<string>): Map<string, string> {
  return new Map([...contentIds].map((id) => [blobId(id), id]));
}

const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

/** contentIds whose blob ids are in these bytes, looking inside gzip layers (tar.gz, .gz) too. Sorted, unique. */
export function contentIdsIn(bytes: Uint8Array, index: ReadonlyMap<string, string>, depth = 0): string[] {
  const found = new Set<string>();
  // A view, not a copy: every inventory reads every file on every host.
  for (const m of Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').matchAll(BLOB_ID)) {
    const id = index.get(m[1] as string);
    if (id) found.add(id);
  }
  if (isGzip(bytes) && depth < MAX_DEPTH) {
    try {
      for (const id of contentIdsIn(gunzipSync(bytes, { maxOutputLength: MAX_INFLATED }), index, depth + 1)) found.add(id);
    } catch {
      // Not a whole gzip stream: only the ids in the raw bytes count.
    }
  }
  return [...found].sort();
}
