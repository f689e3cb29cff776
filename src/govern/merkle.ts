import { createHash } from 'node:crypto';

// RFC 6962 / 9162 Merkle tree hashing. Leaves and interior nodes get different one-byte prefixes so
// a leaf can never be passed off as an interior node (second-preimage defence).
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

const hexToBytes = (hex: string): Buffer => Buffer.from(hex, 'hex');

/** Leaf hash of one log record, given that record's hash (hex). */
export function leafHash(recordHashHex: string): string {
  return createHash('sha256').update(LEAF_PREFIX).update(hexToBytes(recordHashHex)).digest('hex');
}

export function nodeHash(leftHex: string, rightHex: string): string {
  return createHash('sha256').update(NODE_PREFIX).update(hexToBytes(leftHex)).update(hexToBytes(rightHex)).digest('hex');
}

/** Root of the empty tree: the hash of the empty string (RFC 6962 §2.1). */
export const EMPTY_ROOT = createHash('sha256').digest('hex');

/** Largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Merkle tree hash over leaf hashes [lo, hi). */
export function merkleRoot(leaves: readonly string[], lo = 0, hi = leaves.length): string {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[lo] as string;
  const k = splitPoint(n);
  return nodeHash(merkleRoot(leaves, lo, lo + k), merkleRoot(leaves, lo + k, hi));
}

/**
 * Incremental root: keeps only the roots of the perfect subtrees (one per set bit of the size), so
 * appending is O(log n) and a checkpoint never rehashes the whole log.
 */
export class MerkleFrontier {
  private readonly stack: { size: number; hash: string }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leaf: string): void {
    this.stack.push({ size: 1, hash: leaf });
    this.count++;
    for (;;) {
      const right = this.stack[this.stack.length - 1];
      const left = this.stack[this.stack.length - 2];
      if (!left || !right || left.size !== right.size) break;
      this.stack.splice(-2, 2, { size: left.size * 2, hash: nodeHash(left.hash, right.hash) });
    }
  }

  root(): string {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let acc = (this.stack[this.stack.length - 1] as { hash: string }).hash;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHash((this.stack[i] as { hash: string }).hash, acc);
    return acc;
  }
}

export interface InclusionProof {
  /** 0-based leaf index. */
  index: number;
  /** Number of leaves in the tree the proof is for. */
  size: number;
  /** Sibling hashes from the leaf up (RFC 9162 audit path). */
  path: string[];
}

/** Audit path for leaf `index` in the tree made of the first `size` leaves. */
export function inclusionProof(leaves: readonly string[], index: number, size = leaves.length): InclusionProof {
  if (!Number.isInteger(index) || index < 0 || index >= size || size > leaves.length) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const path: string[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    const n = hi - lo;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, lo, lo + k);
      path.push(merkleRoot(leaves, lo + k, hi));
    } else {
      walk(m - k, lo + k, hi);
      path.push(merkleRoot(leaves, lo, lo + k));
    }
  };
  walk(index, 0, size);
  return { index, size, path };
}

/** RFC 9162 §2.1.3.2: does `proof` show `leaf` at proof.index in the tree with root `root`? */
export function verifyInclusion(leaf: string, proof: InclusionProof, root: string): boolean {
  if (!Number.isInteger(proof.index) || !Number.isInteger(proof.size) || proof.index < 0 || proof.index >= proof.size) {
    return false;
  }
  let fn = proof.index;
  let sn = proof.size - 1;
  let r = leaf;
  for (const p of proof.path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r === root;
}
