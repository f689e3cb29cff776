import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateKey, GovernStore, revokeKey, rotateKey, signDecision, signerFromPem, verifyLog } from '../../src/govern/index.js';
import { runGovernCli as cli } from './helpers/cli-harness.js';
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

test('a signature in any but its canonical base64 spelling is refused (extra padding, whitespace, no padding)', async (t) => {
  const s = await pending(t);
  const genuine = s.decide(s.objectionId, 'uphold');
  const sig = genuine.signatures[0]?.sig ?? '';
  assert.match(sig, /^[A-Za-z0-9+/]{86}==$/);
  for (const spelling of [
    `${sig}==`,
    `${sig}=`,
    sig.slice(0, -2),
    `${sig}\n`,
    ` ${sig}`,
    `${sig.slice(0, 40)}\n${sig.slice(40)}`,
    `${sig}AA==`,
  ]) {
    const respelled = { ...genuine, signatures: [{ keyId: genuine.signatures[0]?.keyId ?? '', sig: spelling }] };
    assert.match(reasonOf(await s.controller.submitDecision(respelled)) ?? '', /bad signature/, JSON.stringify(spelling));
  }
  assert.equal(reasonOf(await s.controller.submitDecision(genuine)), 'accepted');
});

test('a key already rotated out can still be revoked (library and CLI); a revoked key cannot be revoked twice', async (t) => {
  const s = await pending(t);
  const store = GovernStore.open(s.dir, s.opts);
  const { oldKeyId } = rotateKey(store, 'alice');
  revokeKey(store, oldKeyId, 'old laptop stolen');
  const entry = GovernStore.open(s.dir, s.opts).state.registry.get(oldKeyId);
  assert.equal(entry?.status, 'revoked');
  assert.match(entry?.reason ?? '', /^rotated to ed25519:[0-9a-f]{16}; revoked at record \d+: old laptop stolen$/);
  assert.ok(s.controller.verify().ok);
  assert.throws(() => revokeKey(GovernStore.open(s.dir, s.opts), oldKeyId, 'again'), /already revoked/);
  // The same through the CLI, for bob's key.
  const bobOld = rotateKey(GovernStore.open(s.dir, s.opts), 'bob').oldKeyId;
  const r = await cli('keys', 'revoke', bobOld, '--dir', s.dir, '--reason', 'left the team');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(GovernStore.open(s.dir, s.opts).state.registry.get(bobOld)?.status, 'revoked');
});

test('the package root exports what a deployment needs to sign decisions on an operator machine', async () => {
  const root = await import('../../src/index.js');
  for (const name of [
    'draftDecision',
    'signDecision',
    'cosignDecision',
    'verifyDecision',
    'signerFromPem',
    'generateKey',
    'loadTrust',
    'verifyInclusion',
  ]) {
    assert.equal(typeof (root as Record<string, unknown>)[name], 'function', name);
  }
  const key = root.generateKey('alice', 'operator');
  const body = root.draftDecision({
    objectionId: 'objection-1',
    objectionDigest: 'a'.repeat(64),
    orderId: 'order-1',
    orderDigest: 'b'.repeat(64),
    outcome: 'overrule',
    remedy: null,
    rationale: 'checked',
  });
  const signed = root.signDecision(body, root.signerFromPem(key.entry.keyId, key.privateKeyPem));
  assert.ok(root.SignedDecision.safeParse(signed).success);
});
