import { gunzipSync, unzipSync } from 'fflate';
import { parseTar } from 'nanotar';

/**
 * What a file may hold inside: gzip, zip and tar members, base64 and hex runs (also inside a larger
 * text file). Each layer yields the bytes and the route that led there (`gzip>tar:w.bin`), so an
 * asset compressed into an innocently named archive or encoded into a text file is still seen.
 * Bounded: depth and total inflated bytes.
 */

export interface Layer {
  bytes: Uint8Array;
  /** How these bytes were reached from the file (empty for the file itself). */
  route: string[];
}

const MAX_DEPTH = 4;
const MAX_TOTAL = 256 * 1024 * 1024;
/** Base64 (standard or URL-safe) in lines of at least 16 characters, wrapped or not. */
const BASE64_RUN = /(?:[A-Za-z0-9+/]{16,}={0,2}(?:\r?\n|$))+|[A-Za-z0-9+/]{64,}={0,2}/gm;
const BASE64URL_RUN = /[A-Za-z0-9_-]{64,}={0,2}/g;
const HEX_RUN = /(?:[0-9a-fA-F]{2}){32,}/g;

const isGzip = (b: Uint8Array) => b.length > 18 && b[0] === 0x1f && b[1] === 0x8b;
const isZip = (b: Uint8Array) => b.length > 22 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isTar = (b: Uint8Array) => b.length >= 512 && Buffer.from(b.subarray(257, 262)).toString('latin1') === 'ustar';

/** Whether the bytes read as text (no NULs, mostly printable) — only then are encodings looked for. */
function textOf(b: Uint8Array): string | null {
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) if (b[i] === 0) return null;
  return Buffer.from(b).toString('latin1');
}

function inner(b: Uint8Array): Array<{ bytes: Uint8Array; step: string }> {
  const out: Array<{ bytes: Uint8Array; step: string }> = [];
  try {
    if (isGzip(b)) out.push({ bytes: gunzipSync(b), step: 'gzip' });
    else if (isZip(b)) for (const [name, data] of Object.entries(unzipSync(b))) out.push({ bytes: data, step: `zip:${name}` });
    else if (isTar(b)) {
      for (const item of parseTar(b)) if (item.data && item.data.length > 0) out.push({ bytes: item.data, step: `tar:${item.name}` });
    } else {
      const text = textOf(b);
      if (text !== null) {
        for (const m of text.matchAll(HEX_RUN)) out.push({ bytes: Buffer.from(m[0], 'hex'), step: 'hex' });
        for (const [re, enc] of [
          [BASE64_RUN, 'base64'],
          [BASE64URL_RUN, 'base64url'],
        ] as const) {
          for (const m of text.matchAll(re)) {
            const run = m[0].replace(/\s+/g, '');
            if (run.length < 64 || (enc === 'base64url' && !/[-_]/.test(run))) continue;
            out.push({ bytes: Buffer.from(run, enc), step: enc });
          }
        }
      }
    }
  } catch {
    // A corrupt or truncated container: only the layers read so far count.
  }
  return out;
}

/** The file and every layer found inside it, breadth first. */
export function layers(file: Uint8Array): Layer[] {
  const out: Layer[] = [{ bytes: file, route: [] }];
  let total = file.length;
  for (let i = 0; i < out.length; i++) {
    const l = out[i]!;
    if (l.route.length >= MAX_DEPTH) continue;
    for (const x of inner(l.bytes)) {
      total += x.bytes.length;
      if (total > MAX_TOTAL) return out;
      out.push({ bytes: x.bytes, route: [...l.route, x.step] });
    }
  }
  return out;
}
