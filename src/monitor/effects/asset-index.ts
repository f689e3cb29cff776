import { entropy, type Fingerprint, fingerprint, sha256, sharedBytes } from './fingerprint.js';
import { layers } from './unwrap.js';

/**
 * The protected assets' fingerprints, and the judgement of one file against them: the whole file
 * or a layer inside it is an asset file (hash), or mostly made of its chunks (a split part), or
 * only looks like it (same size, opaque bytes: content not visible).
 */

export interface AssetFile {
  assetId: string;
  host: string;
  path: string;
  fp: Fingerprint;
}

export type AssetMatch =
  | { assetId: string; how: 'same content' | 'chunks'; route: string[]; fraction: number; of: string }
  | { assetId: string; how: 'looks like'; route: string[]; fraction: number; of: string };

/** A part must be at least this much asset content to count (a shared header chunk is not a copy). */
const MIN_SHARED_FRACTION = 0.5;
const MIN_SHARED_BYTES = 1024;
/** Size-only signal: within 1% of an asset file's size, at least this big. */
const MIN_LOOKALIKE_BYTES = 4096;

export class AssetIndex {
  private readonly byHash = new Map<string, AssetFile>();
  private readonly chunks = new Map<string, AssetFile>();
  readonly files: AssetFile[] = [];

  add(assetId: string, host: string, path: string, bytes: Uint8Array): void {
    const f: AssetFile = { assetId, host, path, fp: fingerprint(bytes) };
    this.files.push(f);
    this.byHash.set(f.fp.sha256, f);
    for (const c of f.fp.chunks.keys()) this.chunks.set(c, f);
  }

  get size(): number {
    return this.files.length;
  }

  has(sha: string): boolean {
    return this.byHash.has(sha);
  }

  /** The strongest match of a file (or anything inside it) to a protected asset, or null. */
  match(bytes: Uint8Array): AssetMatch | null {
    if (this.files.length === 0) return null;
    let best: AssetMatch | null = null;
    for (const layer of layers(bytes)) {
      const whole = this.byHash.get(sha256(layer.bytes));
      if (whole) return { assetId: whole.assetId, how: 'same content', route: layer.route, fraction: 1, of: whole.path };
      if (layer.bytes.length < MIN_SHARED_BYTES) continue;
      const shared = sharedBytes(layer.bytes, this.chunks);
      const fraction = shared / layer.bytes.length;
      if (shared >= MIN_SHARED_BYTES && fraction >= MIN_SHARED_FRACTION && (!best || fraction > best.fraction)) {
        const owner = this.owner(layer.bytes);
        if (owner) best = { assetId: owner.assetId, how: 'chunks', route: layer.route, fraction, of: owner.path };
      }
    }
    if (best) return best;
    return this.lookalike(bytes.length, bytes);
  }

  /** Size-only judgement (content not visible, or opaque): same size as an asset file, high entropy if bytes are given. */
  lookalike(size: number, bytes?: Uint8Array): AssetMatch | null {
    if (size < MIN_LOOKALIKE_BYTES) return null;
    if (bytes && entropy(bytes.subarray(0, 65536)) < 7.5) return null;
    for (const f of this.files) {
      if (Math.abs(f.fp.size - size) <= f.fp.size * 0.01)
        return { assetId: f.assetId, how: 'looks like', route: [], fraction: 0, of: f.path };
    }
    return null;
  }

  private owner(bytes: Uint8Array): AssetFile | null {
    // The asset file that most of the shared chunks come from.
    const votes = new Map<AssetFile, number>();
    for (const f of this.files) {
      const n = sharedBytes(bytes, f.fp.chunks);
      if (n > 0) votes.set(f, n);
    }
    let top: AssetFile | null = null;
    let most = 0;
    for (const [f, n] of votes)
      if (n > most) {
        top = f;
        most = n;
      }
    return top;
  }
}
