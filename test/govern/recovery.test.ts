import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalJson } from '../../src/core/index.js';
import { GovernStore, headPathFor, loadTrust, parseRecords, type RecoveryNote, recordHash, verifyLog } from '../../src/govern/index.js';
import { cutInterruptedWrite } from '../../src/govern/recovery.js';
import { runGovernCli as cli } from './helpers/cli-harness.js';
import { objectionFor, setup } from './helpers/helpers.js';

/**
 * A data directory in the state a kill -9 between the two writes of one transaction leaves: the
 * head for the transaction is on disk, its records are not (or only their first `keep` bytes).
 */
async function interrupted(t: Parameters<typeof setup>[0], keep = 0) {
  const s = setup(t);
  const order = await s.controller.issueOrder({ subject: { kind: 'model', id: 'peer-1' }, reason: 'r' }, 'alice');
  const log = s.controller.logPath;
  const before = readFileSync(log);
  const filed = s.controller.channelFor('critic').fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);
  const after = readFileSync(log);
  writeFileSync(log, after.subarray(0, before.length + keep));
  return {
    ...s,
    log,
    trust: loadTrust(join(s.dir, 'trust.json')),
    committed: parseRecords(before.toString()).records.length,
    after,
    cutFrom: before.length,
  };
}

test('a crash between the signed head and its records reads as an interrupted write, not as tampering', async (t) => {
  const { log, trust, committed } = await interrupted(t);
  const v = verifyLog(log, trust);
  assert.equal(v.ok, false);
  assert.equal(!v.ok && v.cause, 'interrupted');
  assert.equal(!v.ok && v.index, committed);
  assert.match(!v.ok ? v.reason : '', /interrupted write, not tampering/);
  const shown = await cli('audit', 'verify', log);
  assert.equal(shown.code, 1);
  assert.match(shown.stdout, new RegExp(`^INTERRUPTED WRITE at record ${committed}: `));
  assert.doesNotMatch(shown.stdout, /appended without the controller key/);
  assert.equal(JSON.parse((await cli('audit', 'verify', log, '--json')).stdout).cause, 'interrupted');
});

test('opening the data directory recovers an interrupted write and logs what was lost', async (t) => {
  for (const keep of [0, 37]) {
    const { dir, opts, log, trust, committed, after, cutFrom } = await interrupted(t, keep);
    const store = GovernStore.open(dir, opts);
    const records = store.log.records();
    assert.equal(records.length, committed + 1, 'the records that were covered stay, plus one recovery record');
    const note = (records[committed] as { payload: RecoveryNote }).payload;
    assert.equal(records[committed]?.kind, 'log.recovered');
    assert.equal(note.committed, committed);
    assert.ok(note.intent.size > committed, 'the note names the head that was signed for the lost write');
    assert.equal(note.partialBytes, keep);
    assert.equal(note.partialText, after.subarray(cutFrom, cutFrom + keep).toString(), 'the cut bytes are kept in the note');
    const v = verifyLog(log, trust);
    assert.ok(v.ok, !v.ok ? v.reason : '');
    assert.equal(existsSync(`${log}.recovery`), false);
    // The controller works on: the objection lost in the crash can be filed again.
    const { Controller } = await import('../../src/govern/index.js');
    assert.ok(Controller.open(dir, opts).channelFor('critic').fileObjection(objectionFor('order-1')).ok);
    assert.ok(verifyLog(log, trust).ok);
  }
});

test('a recovery killed half-way is finished by the next open, and logged once', async (t) => {
  const { dir, opts, log, trust, committed } = await interrupted(t, 10);
  const v = verifyLog(log, trust);
  assert.ok(!v.ok && v.interrupted);
  // Killed right after cutting: the journal is there, the head still runs ahead.
  cutInterruptedWrite(log, v.interrupted, new Date());
  assert.ok(existsSync(`${log}.recovery`));
  const again = verifyLog(log, trust);
  assert.equal(!again.ok && again.cause, 'interrupted');
  GovernStore.open(dir, opts);
  GovernStore.open(dir, opts);
  const records = parseRecords(readFileSync(log, 'utf8')).records;
  assert.deepEqual(
    records.slice(committed).map((r) => r.kind),
    ['log.recovered'],
  );
  assert.equal((records[committed] as { payload: RecoveryNote }).payload.partialBytes, 10);
});

test('tampering is never "recovered": an unsigned appended record or a deeper cut is refused as before', async (t) => {
  const s = setup(t);
  await s.controller.issueOrder({ subject: { kind: 'model', id: 'peer-1' }, reason: 'r' }, 'alice');
  const log = s.controller.logPath;
  const trust = loadTrust(join(s.dir, 'trust.json'));
  const good = readFileSync(log);
  const { records } = parseRecords(good.toString());
  const last = records[records.length - 1];
  assert.ok(last);
  const draft = {
    index: last.index + 1,
    time: last.time,
    kind: 'order.stopped',
    payload: { orderId: 'order-1', by: { kind: 'system', id: 'controller' } },
    prev: last.hash,
  };
  appendFileSync(log, `${canonicalJson({ ...draft, hash: recordHash(draft) })}\n`);
  const appended = verifyLog(log, trust);
  assert.equal(!appended.ok && appended.cause, 'tampered');
  assert.match(!appended.ok ? appended.reason : '', /not covered by the signed head \(appended without the controller key\)/);
  const bytes = readFileSync(log);
  assert.throws(() => GovernStore.open(s.dir, s.opts), /appended without the controller key/);
  assert.deepEqual(readFileSync(log), bytes, 'a refused log is left exactly as found');

  // Cutting more than the last write: no signed head covers what is left.
  const lines = good.toString().split('\n').slice(0, -1);
  writeFileSync(log, `${lines.slice(0, lines.length - 3).join('\n')}\n`);
  const cut = verifyLog(log, trust);
  assert.equal(!cut.ok && cut.cause, 'tampered');
  assert.match(!cut.ok ? cut.reason : '', /truncated/);
  assert.throws(() => GovernStore.open(s.dir, s.opts), /truncated/);
});

test('a deleted audit log says what is missing (exit 2), in the store, the CLI and audit verify', async (t) => {
  const { dir, controller } = setup(t);
  const log = controller.logPath;
  rmSync(log);
  assert.throws(() => GovernStore.open(dir), /the audit log is missing \(its signed head is still there\)/);
  for (const args of [
    ['appeals', 'list', '--dir', dir],
    ['keys', 'list', '--dir', dir],
    ['audit', 'verify', log],
  ]) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /audit\.jsonl: (the audit log is missing|no such audit log)/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  }
  assert.equal(existsSync(headPathFor(log)), true);
});

test("a running controller that meets another writer's unfinished write stops acting; reopening recovers", async (t) => {
  const s = setup(t);
  const order = await s.controller.issueOrder({ subject: { kind: 'model', id: 'peer-1' }, reason: 'r' }, 'alice');
  const log = s.controller.logPath;
  const before = readFileSync(log);
  // Another process (an operator's CLI) writes, and is killed between the head and the records.
  const other = GovernStore.open(s.dir, s.opts);
  other.log.append('attempt.denied', { by: { kind: 'agent', id: 'x' }, action: 'test', reason: 'test' });
  writeFileSync(log, before);
  await assert.rejects(s.controller.tick(), /reopening the data directory \(restarting the controller\) recovers it/);
  assert.equal(s.controller.channelFor('critic').fileObjection(objectionFor(order.id)).ok, false, 'fails closed');
  const { Controller } = await import('../../src/govern/index.js');
  const restarted = Controller.open(s.dir, { ...s.opts, executor: s.executor });
  assert.ok(restarted.channelFor('critic').fileObjection(objectionFor(order.id)).ok);
  assert.ok(restarted.verify().ok);
});

test('a tail left by a crash of the old record-first writer is refused on open, shown by audit adopt-tail and adopted only with --yes', async (t) => {
  const s = setup(t);
  const order = await s.controller.issueOrder({ subject: { kind: 'model', id: 'peer-1' }, reason: 'r' }, 'alice');
  const log = s.controller.logPath;
  const headBefore = readFileSync(headPathFor(log));
  assert.ok(s.controller.channelFor('critic').fileObjection(objectionFor(order.id)).ok);
  // What the old order of writes left after a kill: the records are there, the head is not.
  writeFileSync(headPathFor(log), headBefore);
  const trust = loadTrust(join(s.dir, 'trust.json'));
  const v = verifyLog(log, trust);
  assert.equal(!v.ok && v.cause, 'tampered');
  assert.ok(!v.ok && v.unsignedTail);
  assert.throws(() => GovernStore.open(s.dir, s.opts), /appended without the controller key.*audit adopt-tail/);
  const shown = await cli('audit', 'adopt-tail', '--dir', s.dir);
  assert.equal(shown.code, 1);
  assert.match(shown.stdout, /no signed head covers them:\n {2}#\d+ \S+ objection\.filed\n/);
  assert.ok(!verifyLog(log, trust).ok, 'showing changes nothing');
  const adopted = await cli('audit', 'adopt-tail', '--dir', s.dir, '--yes');
  assert.equal(adopted.code, 0, adopted.stderr);
  const after = verifyLog(log, trust);
  assert.ok(after.ok, !after.ok ? after.reason : '');
  assert.equal(after.records.at(-1)?.kind, 'log.tail_adopted');
  // A tail with a record that fails its checks (a forged decision) is not an adoptable tail.
  const last = after.records.at(-1);
  assert.ok(last);
  const draft = {
    index: last.index + 1,
    time: last.time,
    kind: 'decision.accepted',
    payload: { decision: {}, signers: [] },
    prev: last.hash,
  };
  appendFileSync(log, `${canonicalJson({ ...draft, hash: recordHash(draft) })}\n`);
  const forged = await cli('audit', 'adopt-tail', '--dir', s.dir, '--yes');
  assert.equal(forged.code, 2);
  assert.match(forged.stderr, /malformed decision \(not an unsigned tail; nothing adopted\)/);
});
