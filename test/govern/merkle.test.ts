import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256Hex } from '../../src/core/index.js';
import { EMPTY_ROOT, inclusionProof, leafHash, MerkleFrontier, merkleRoot, nodeHash, verifyInclusion } from '../../src/govern/index.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(sha256Hex(`record ${i}`)));

test('leaf and node hashing are domain-separated', () => {
  const h = sha256Hex('x');
  assert.notEqual(leafHash(h), sha256Hex(Buffer.from(h, 'hex')));
  assert.notEqual(nodeHash(h, h), leafHash(h));
});

test('the incremental frontier gives the same root as the recursive definition', () => {
  const all = leaves(70);
  const frontier = new MerkleFrontier();
  assert.equal(frontier.root(), EMPTY_ROOT);
  for (let n = 1; n <= all.length; n++) {
    frontier.push(all[n - 1] as string);
    assert.equal(frontier.root(), merkleRoot(all.slice(0, n)), `size ${n}`);
  }
});

test('RFC 6962 shape: three leaves hash as H(H(a,b), c)', () => {
  const [a, b, c] = leaves(3) as [string, string, string];
  assert.equal(merkleRoot([a, b, c]), nodeHash(nodeHash(a, b), c));
});

test('every leaf of trees of size 1..33 has a proof that verifies, and only for that leaf and root', () => {
  const all = leaves(33);
  for (let size = 1; size <= all.length; size++) {
    const root = merkleRoot(all.slice(0, size));
    for (let i = 0; i < size; i++) {
      const proof = inclusionProof(all, i, size);
      assert.ok(verifyInclusion(all[i] as string, proof, root), `size ${size} leaf ${i}`);
      const other = all[(i + 1) % size] as string;
      if (size > 1) assert.ok(!verifyInclusion(other, proof, root), `wrong leaf accepted, size ${size} leaf ${i}`);
      if (size > 1) assert.ok(!verifyInclusion(all[i] as string, { ...proof, index: (i + 1) % size }, root), 'wrong index accepted');
    }
  }
});

test('a proof with a tampered sibling or shape-changing size fails', () => {
  const all = leaves(10);
  const root = merkleRoot(all);
  const proof = inclusionProof(all, 6);
  const bad = [...proof.path];
  bad[1] = sha256Hex('forged');
  assert.ok(!verifyInclusion(all[6] as string, { ...proof, path: bad }, root));
  // The size only shapes the path; a size that changes the shape must fail (the root binds the rest).
  assert.ok(!verifyInclusion(all[6] as string, { ...proof, size: 7 }, root));
  assert.ok(!verifyInclusion(all[6] as string, { ...proof, path: proof.path.slice(1) }, root));
});
