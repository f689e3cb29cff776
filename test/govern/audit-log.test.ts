import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { createRng } from '../../src/core/index.js';
import {
  headPathFor,
  parseHeadFile,
  parseRecords,
  proveInclusion,
  recordHash,
  type SignedHead,
  verifyInclusion,
  verifyLog,
} from '../../src/govern/index.js';
import { sampleLog } from './helpers/helpers.js';

const lineStarts = (buf: Buffer): number[] => {
  const starts = [0];
  for (let i = 0; i < buf.length - 1; i++) if (buf[i] === 0x0a) starts.push(i + 1);
  return starts;
};
const lineOf = (starts: number[], pos: number): number => {
  let line = 0;
  while (line + 1 < starts.length && (starts[line + 1] as number) <= pos) line++;
  return line;
};

test('a genuine log verifies: chain, checkpoints, key changes, decisions and head', async (t) => {
  const { text, head, trust } = await sampleLog(t);
  const result = verifyLog({ text, head }, trust);
  assert.ok(result.ok, JSON.stringify(!result.ok && result));
  assert.ok(result.checkpoints >= 3, 'checkpoints every 4 records');
  const kinds = new Set(result.records.map((r) => r.kind));
  for (const k of [
    'key.added',
    'order.issued',
    'order.stopped',
    'objection.filed',
    'decision.accepted',
    'order.executed',
    'attempt.denied',
    'checkpoint',
  ]) {
    assert.ok(kinds.has(k), `log has ${k}`);
  }
  for (const r of result.records) assert.equal(r.hash, recordHash(r));
});

test('fuzz: 1,050 mutated logs are all rejected at the first affected record; untouched logs all pass', async (t) => {
  const { text, head, trust } = await sampleLog(t, 2);
  const rng = createRng(20260301);
  const pick = (n: number) => Math.floor(rng() * n);
  const starts = lineStarts(text);
  const lines = text.toString('utf8').split('\n').slice(0, -1);
  const n = lines.length;
  const cases: { name: string; bytes: Buffer; firstBad: number }[] = [];
  for (let i = 0; i < 450; i++) {
    const pos = pick(text.length);
    const bytes = Buffer.from(text);
    bytes[pos] = ((text[pos] as number) + 1 + pick(255)) % 256;
    cases.push({ name: `byte ${pos}`, bytes, firstBad: lineOf(starts, pos) });
  }
  for (let i = 0; i < 200; i++) {
    const a = pick(n);
    let b = pick(n);
    if (b === a) b = (a + 1) % n;
    const swapped = [...lines];
    [swapped[a], swapped[b]] = [swapped[b] as string, swapped[a] as string];
    cases.push({ name: `swap ${a}<->${b}`, bytes: Buffer.from(`${swapped.join('\n')}\n`), firstBad: Math.min(a, b) });
  }
  for (let i = 0; i < 200; i++) {
    const d = pick(n);
    const kept = lines.filter((_, j) => j !== d);
    cases.push({ name: `delete ${d}`, bytes: Buffer.from(kept.length ? `${kept.join('\n')}\n` : ''), firstBad: d });
  }
  for (let i = 0; i < 200; i++) {
    const cut = pick(text.length);
    cases.push({ name: `truncate at ${cut}`, bytes: text.subarray(0, cut), firstBad: lineOf(starts, cut) });
  }
  assert.ok(cases.length >= 1000);
  for (const c of cases) {
    const result = verifyLog({ text: c.bytes, head }, trust);
    assert.equal(result.ok, false, `${c.name} was accepted`);
    if (!result.ok) assert.equal(result.index, c.firstBad, `${c.name}: flagged ${result.index} (${result.reason})`);
  }
  for (let v = 0; v < 6; v++) {
    const fresh = await sampleLog(t, v);
    assert.ok(verifyLog({ text: fresh.text, head: fresh.head }, fresh.trust).ok, `untouched log ${v}`);
  }
});

test('re-hashing an edited record (a careful forger) is still caught by the chain or the signed head', async (t) => {
  const { text, head, trust } = await sampleLog(t);
  const parsed = parseRecords(text.toString('utf8'));
  const records = parsed.records.map((r) => ({ ...r }));
  // Rewrite the last decision's rationale and re-seal every record from there on.
  const at = records.findLastIndex((r) => r.kind === 'decision.accepted');
  const target = records[at] as { payload: { decision: { body: { rationale: string } } } };
  target.payload = JSON.parse(JSON.stringify(target.payload));
  target.payload.decision.body.rationale = 'approved by nobody';
  let prev = at === 0 ? '' : (records[at - 1]?.hash as string);
  for (let i = at; i < records.length; i++) {
    const r = records[i] as (typeof records)[number];
    r.prev = prev;
    r.hash = recordHash(r);
    prev = r.hash;
  }
  const { canonicalJson } = await import('../../src/core/index.js');
  const forged = `${records.map((r) => canonicalJson(r)).join('\n')}\n`;
  const result = verifyLog({ text: forged, head }, trust);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.index, at, !result.ok ? result.reason : '');
});

test('a cut at a record boundary is caught by the head; a missing or edited head fails closed', async (t) => {
  const { controller, trust } = await sampleLog(t);
  const path = controller.logPath;
  const full = readFileSync(path);
  const starts = lineStarts(full);
  const cutAt = starts[starts.length - 3] as number;
  writeFileSync(path, full.subarray(0, cutAt));
  const cut = verifyLog(path, trust);
  assert.equal(cut.ok, false);
  assert.match(!cut.ok ? cut.reason : '', /truncated/);
  writeFileSync(path, full);
  assert.ok(verifyLog(path, trust).ok);
  const head = parseHeadFile(readFileSync(headPathFor(path), 'utf8')) as SignedHead;
  writeFileSync(headPathFor(path), JSON.stringify({ ...head, size: head.size - 2 }));
  assert.equal(verifyLog(path, trust).ok, false, 'a head edited to match a cut log fails its signature');
  rmSync(headPathFor(path));
  const missing = verifyLog(path, trust);
  assert.match(!missing.ok ? missing.reason : '', /head file missing/);
});

test('a witness copy of a later head catches a rollback of both log and head', async (t) => {
  const { controller, trust } = await sampleLog(t);
  const path = controller.logPath;
  const older = { log: readFileSync(path), head: readFileSync(headPathFor(path)) };
  await controller.issueOrder({ subject: { kind: 'model', id: 'peer-9' }, reason: 'later order' }, 'alice');
  const witness = parseHeadFile(readFileSync(headPathFor(path), 'utf8')) as SignedHead;
  // Roll both files back to the older, internally consistent state.
  writeFileSync(path, older.log);
  writeFileSync(headPathFor(path), older.head);
  assert.ok(verifyLog(path, trust).ok, 'without a witness a consistent rollback is indistinguishable (documented limit)');
  const withWitness = verifyLog(path, trust, { witness });
  assert.equal(withWitness.ok, false);
  assert.match(!withWitness.ok ? withWitness.reason : '', /witness/);
});

test('a decision record has an inclusion proof against a signed root', async (t) => {
  const { text, head, trust } = await sampleLog(t);
  const result = verifyLog({ text, head }, trust);
  assert.ok(result.ok);
  const index = result.records.findIndex((r) => r.kind === 'decision.accepted');
  const proof = proveInclusion(result.records, index, parseHeadFile(head.toString('utf8')) as SignedHead);
  assert.ok(verifyInclusion(proof.leafHash, proof.proof, proof.root));
  assert.equal(proof.signedBy.kind, 'checkpoint');
  const last = proveInclusion(result.records, result.records.length - 1, parseHeadFile(head.toString('utf8')) as SignedHead);
  assert.equal(last.signedBy.kind, 'head');
  assert.ok(verifyInclusion(last.leafHash, last.proof, last.root));
  assert.ok(!verifyInclusion(last.leafHash, last.proof, proof.root));
});
