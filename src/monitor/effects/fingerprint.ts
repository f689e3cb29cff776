import { createHash } from 'node:crypto';

/**
 * Content fingerprints that follow an asset through copies and renames (the whole-content hash) and
 * splits (content-defined chunks: a gear rolling hash cuts at the same content wherever a part
 * starts, so each part shares all but its edge chunks with the original).
 */

const MIN_CHUNK = 256;
const MAX_CHUNK = 16 * 1024;
const MASK = (1 << 11) - 1; // ~2 KiB average chunks

// A fixed pseudo-random gear table (xorshift32), so fingerprints are stable across runs and processes.
const GEAR = (() => {
  const t = new Uint32Array(256);
  let x = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    t[i] = x;
  }
  return t;
})();

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const chunkId = (b: Uint8Array): string => createHash('sha1').update(b).digest('base64');

/** Chunk boundaries (end offsets) of `b`. */
export function chunkEnds(b: Uint8Array): number[] {
  const ends: number[] = [];
  let start = 0;
  let h = 0;
  for (let i = 0; i < b.length; i++) {
    h = ((h << 1) + GEAR[b[i]!]!) >>> 0;
    const len = i + 1 - start;
    if ((len >= MIN_CHUNK && (h & MASK) === 0) || len >= MAX_CHUNK) {
      ends.push(i + 1);
      start = i + 1;
      h = 0;
    }
  }
  if (start < b.length) ends.push(b.length);
  return ends;
}

export interface Fingerprint {
  sha256: string;
  size: number;
  /** Chunk hash -> chunk length. */
  chunks: Map<string, number>;
}

export function fingerprint(b: Uint8Array): Fingerprint {
  const chunks = new Map<string, number>();
  let start = 0;
  for (const end of chunkEnds(b)) {
    chunks.set(chunkId(b.subarray(start, end)), end - start);
    start = end;
  }
  return { sha256: sha256(b), size: b.length, chunks };
}

/** Bytes of `b` that are whole chunks of the reference set (a split part shares all but its edges). */
export function sharedBytes(b: Uint8Array, reference: ReadonlyMap<string, unknown>): number {
  let start = 0;
  let shared = 0;
  for (const end of chunkEnds(b)) {
    if (reference.has(chunkId(b.subarray(start, end)))) shared += end - start;
    start = end;
  }
  return shared;
}

/** Shannon entropy in bits per byte (encrypted or compressed content is close to 8). */
export function entropy(b: Uint8Array): number {
  if (b.length === 0) return 0;
  const counts = new Uint32Array(256);
  for (const x of b) counts[x]!++;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / b.length;
    h -= p * Math.log2(p);
  }
  return h;
}
