import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateKey, GovernStore, revokeKey, rotateKey, signDecision, signerFromPem, verifyLog } from '../../src/govern/index.js';
import { HOUR, objectionFor, setup } from './helpers/helpers.js';

async function pending(t: Parameters<typeof setup>[0]) {
  const s = setup(t);
  const order = await s.controller.issueOrder({ subject: { kind: 'model', id: 'peer' }, reason: 'r' }, 'alice');
  const filed = s.controller.channelFor('critic').fileObjection(objectionFor(order.id));
  if (!filed.ok) throw new Error(filed.error);
  return { ...s, order, objectionId: filed.objectionId };
}

const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? 'accepted' : r.reason);

test('keys init: data dir 0700, private keys 0600, trust anchors public', (t) => {
  const { dir } = setup(t);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700);
  const store = GovernStore.open(dir);
  const alice = store.state.registry.activeFor('alice', 'operator');
  assert.ok(alice);
  assert.equal(statSync(join(dir, 'keys', `${alice.keyId.replace(':', '-')}.pem`)).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'audit.jsonl')).mode & 0o777, 0o600);
});

test('a forged signature (a key the registry never saw) is rejected and logged', async (t) => {
  const s = await pending(t);
  const intruder = generateKey('alice', 'operator');
  const genuine = s.decide(s.objectionId, 'uphold');
  const forged = signDecision(genuine.body, signerFromPem(intruder.entry.keyId, intruder.privateKeyPem));
  assert.match(reasonOf(await s.controller.submitDecision(forged)) ?? '', /unknown key/);
  const tampered = { ...genuine, body: { ...genuine.body, outcome: 'overrule' as const, remedy: null } };
  assert.match(reasonOf(await s.controller.submitDecision(tampered)) ?? '', /bad signature/);
  const spliced = { ...genuine, signatures: [{ keyId: genuine.signatures[0]?.keyId ?? '', sig: Buffer.alloc(64).toString('base64') }] };
  assert.match(reasonOf(await s.controller.submitDecision(spliced)) ?? '', /bad signature/);
  assert.equal(s.controller.verify().records.filter((r) => r.kind === 'decision.denied').length, 3);
  assert.deepEqual(s.executor.calls, ['stop:peer']);
});

test('a replayed decision is rejected, even against a new objection with the same digest fields', async (t) => {
  const s = await pending(t);
  const d = s.decide(s.objectionId, 'overrule');
  assert.equal(reasonOf(await s.controller.submitDecision(d)), 'accepted');
  assert.match(reasonOf(await s.controller.submitDecision(d)) ?? '', /nonce already used|cannot overrule/);
});

test('an expired decision, and one issued in the future, are rejected', async (t) => {
  const s = await pending(t);
  const d = s.decide(s.objectionId, 'overrule', 'alice', null, 10 * 60 * 1000);
  s.clock.advance(10 * 60 * 1000);
  assert.match(reasonOf(await s.controller.submitDecision(d)) ?? '', /expired/);
  const later = s.decide(s.objectionId, 'overrule', 'alice', null, 2 * HOUR);
  s.clock.advance(-HOUR);
  assert.match(reasonOf(await s.controller.submitDecision(later)) ?? '', /future/);
});

test('a decision for another objection or another order is rejected', async (t) => {
  const s = await pending(t);
  const other = await s.controller.issueOrder({ subject: { kind: 'model', id: 'peer-2' }, reason: 'r' }, 'alice');
  const second = s.controller.channelFor('critic-2').fileObjection(objectionFor(other.id));
  assert.ok(second.ok);
  const d = s.decide(s.objectionId, 'overrule');
  const retarget = signDecision({ ...d.body, objectionId: second.objectionId }, s.signerOf('alice'));
  assert.match(reasonOf(await s.controller.submitDecision(retarget)) ?? '', /different objection/);
  const view = s.controller.objection(second.objectionId);
  const wrongOrder = signDecision({ ...d.body, objectionId: second.objectionId, objectionDigest: view?.digest ?? '' }, s.signerOf('alice'));
  assert.match(reasonOf(await s.controller.submitDecision(wrongOrder)) ?? '', /different order/);
  const upholdOther = signDecision({ ...d.body, outcome: 'uphold', remedy: 'delay' }, s.signerOf('alice'));
  assert.match(reasonOf(await s.controller.submitDecision(upholdOther)) ?? '', /requested/);
});

test('revoked and rotated keys cannot sign new decisions; earlier decisions stay valid in the log', async (t) => {
  const s = await pending(t);
  const early = s.controller.channelFor('critic-2').fileObjection(objectionFor('order-1'));
  assert.ok(early.ok);
  const before = s.decide(early.objectionId, 'uphold', 'bob');
  assert.equal(reasonOf(await s.controller.submitDecision(before)), 'accepted');
  const signedByBob = s.decide(s.objectionId, 'overrule', 'bob');
  const signedByAlice = s.decide(s.objectionId, 'overrule', 'alice');
  const store = GovernStore.open(s.dir, s.opts);
  const bobKey = signedByBob.signatures[0]?.keyId ?? '';
  revokeKey(store, bobKey, 'laptop lost');
  rotateKey(store, 'alice');
  assert.match(reasonOf(await s.controller.submitDecision(signedByBob)) ?? '', /revoked/);
  assert.match(reasonOf(await s.controller.submitDecision(signedByAlice)) ?? '', /retired/);
  assert.equal(reasonOf(await s.controller.submitDecision(s.decide(s.objectionId, 'overrule', 'alice'))), 'accepted');
  const verdict = s.controller.verify();
  assert.ok(verdict.ok, !verdict.ok ? verdict.reason : '');
  assert.throws(() => s.signerOf('bob'), /no active key/);
});

test('controller key rotation keeps the log verifiable under the original trust anchor', async (t) => {
  const s = await pending(t);
  const store = GovernStore.open(s.dir, s.opts);
  rotateKey(store, 'controller');
  const again = GovernStore.open(s.dir, s.opts);
  again.log.append('note', { text: 'signed by the new controller key' });
  const trust = (await import('../../src/govern/index.js')).loadTrust(join(s.dir, 'trust.json'));
  const r = verifyLog(join(s.dir, 'audit.jsonl'), trust);
  assert.ok(r.ok, !r.ok ? `${r.index}: ${r.reason}` : '');
  assert.throws(
    () => revokeKey(again, again.state.registry.activeFor('controller', 'controller')?.keyId ?? '', 'x'),
    /only controller key|last active/,
  );
});
