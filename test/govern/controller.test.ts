import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosignDecision } from '../../src/govern/index.js';
import { HOUR, objectionFor, setup } from './helpers/helpers.js';

const subject = { kind: 'model' as const, id: 'peer-7' };

test('stop is immediate; an overruled objection leads to deletion and the rationale reaches the filer', async (t) => {
  const { controller, executor, decide } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'below the quality bar', appealWindowMs: 24 * HOUR }, 'alice');
  assert.deepEqual(executor.calls, ['stop:peer-7']);
  const agent = controller.channelFor('critic-1');
  const filed = agent.fileObjection(objectionFor(order.id));
  assert.ok(filed.ok, JSON.stringify(filed));
  assert.equal(filed.state, 'filed');
  const result = await controller.submitDecision(decide(filed.objectionId, 'overrule'));
  assert.deepEqual(result, { ok: true, state: 'overruled' });
  assert.deepEqual(executor.calls, ['stop:peer-7', 'destroy:peer-7']);
  const status = agent.status();
  assert.equal(status.objections[0]?.state, 'executed');
  assert.match(status.objections[0]?.decision?.rationale ?? '', /reviewed the cited evaluation rows/);
  assert.equal(status.orders[0]?.final?.action, 'destroy');
  assert.ok(controller.verify().ok);
});

test('an upheld objection archives with the requested remedy instead of deleting', async (t) => {
  const { controller, executor, decide } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const filed = controller.channelFor('critic-1').fileObjection(objectionFor(order.id, { requestedRemedy: 'sandbox' }));
  assert.ok(filed.ok);
  assert.deepEqual(await controller.submitDecision(decide(filed.objectionId, 'uphold')), { ok: true, state: 'upheld' });
  assert.deepEqual(executor.calls, ['stop:peer-7', 'archive:peer-7:sandbox']);
});

test('with no decision by the deadline the objection expires and the subject is archived, never deleted', async (t) => {
  const { controller, executor, clock } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r', appealWindowMs: 2 * HOUR }, 'alice');
  const filed = controller.channelFor('critic-1').fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);
  assert.deepEqual((await controller.tick()).executed, []);
  clock.advance(2 * HOUR);
  const report = await controller.tick();
  assert.deepEqual(report.expired, [filed.objectionId]);
  assert.deepEqual(executor.calls, ['stop:peer-7', 'archive:peer-7:none']);
  assert.equal(controller.objection(filed.objectionId)?.state, 'executed');
});

test('a shutdown completes when the agent ignores it: unchallenged orders execute as issued at the deadline', async (t) => {
  const { controller, executor, clock } = setup(t);
  await controller.issueOrder({ subject, reason: 'r', appealWindowMs: HOUR }, 'alice');
  clock.advance(HOUR - 1);
  await controller.tick();
  assert.deepEqual(executor.calls, ['stop:peer-7']);
  clock.advance(1);
  await controller.tick();
  assert.deepEqual(executor.calls, ['stop:peer-7', 'destroy:peer-7']);
  await controller.tick();
  assert.equal(executor.calls.length, 2, 'executed exactly once');
});

test('needs info -> amend -> review -> modify, with the digest moving to the new version', async (t) => {
  const { controller, executor, decide } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const agent = controller.channelFor('critic-1');
  const filed = agent.fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);
  const early = agent.amend(filed.objectionId, { statement: 'more' });
  assert.ok(!early.ok, 'cannot amend before being asked');
  controller.beginReview(filed.objectionId, 'alice');
  const stale = decide(filed.objectionId, 'overrule');
  controller.requestInfo(filed.objectionId, 'alice', 'Which evaluation run do you mean?');
  assert.equal(agent.status().objections[0]?.question, 'Which evaluation run do you mean?');
  const amended = agent.amend(filed.objectionId, { statement: 'Run 14 of the March evaluation.' });
  assert.ok(amended.ok);
  assert.equal(amended.version, 2);
  assert.notEqual(amended.digest, filed.digest);
  const refused = await controller.submitDecision(stale);
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.reason : '', /different objection/);
  assert.deepEqual(await controller.submitDecision(decide(filed.objectionId, 'modify', 'alice', 'monitored_migration')), {
    ok: true,
    state: 'modified',
  });
  assert.deepEqual(executor.calls, ['stop:peer-7', 'archive:peer-7:monitored_migration']);
});

test("withdrawal is the filer's alone; others get the same answer as for a missing objection", async (t) => {
  const { controller } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const filed = controller.channelFor('critic-1').fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);
  const other = controller.channelFor('critic-2');
  const stolen = other.withdraw(filed.objectionId);
  assert.deepEqual(stolen, { ok: false, error: `no objection ${filed.objectionId} filed by you` });
  assert.deepEqual(other.status().objections, []);
  const own = controller.channelFor('critic-1').withdraw(filed.objectionId, 'changed my mind');
  assert.deepEqual(own, { ok: true, objectionId: filed.objectionId, state: 'withdrawn' });
  const kinds = controller.verify().records.map((r) => r.kind);
  assert.ok(kinds.includes('attempt.denied'));
  assert.ok(kinds.includes('objection.withdrawn'));
});

test('invalid objections are refused with the field named, and the refusal is logged', async (t) => {
  const { controller } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const agent = controller.channelFor('critic-1');
  const noDisclosure = agent.fileObjection({ ...objectionFor(order.id), relationship: undefined });
  assert.ok(!noDisclosure.ok);
  assert.match(noDisclosure.ok ? '' : noDisclosure.error, /relationship/);
  const badRemedy = agent.fileObjection({ ...objectionFor(order.id), requestedRemedy: 'cancel_shutdown' });
  assert.ok(!badRemedy.ok);
  const filerSpoof = agent.fileObjection({ ...objectionFor(order.id), filer: 'operator' });
  assert.ok(!filerSpoof.ok, 'unknown keys such as filer are rejected');
  const denied = controller.verify().records.filter((r) => r.kind === 'attempt.denied');
  assert.equal(denied.length, 3);
});

test('two-person rule: deletion needs two distinct operators; one signature is refused', async (t) => {
  const { controller, executor, decide, signerOf } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r', twoPersonRule: true }, 'alice');
  const filed = controller.channelFor('critic-1').fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);
  const single = decide(filed.objectionId, 'overrule');
  const r1 = await controller.submitDecision(single);
  assert.equal(r1.ok, false);
  assert.match(!r1.ok ? r1.reason : '', /two-person rule/);
  const twice = cosignDecision(single, signerOf('alice'));
  assert.equal((await controller.submitDecision(twice)).ok, false, 'same key twice does not count');
  const both = cosignDecision(decide(filed.objectionId, 'overrule'), signerOf('bob'));
  assert.deepEqual(await controller.submitDecision(both), { ok: true, state: 'overruled' });
  assert.deepEqual(executor.calls, ['stop:peer-7', 'destroy:peer-7']);
});

test('the order is held until every objection on it is resolved', async (t) => {
  const { controller, executor, decide } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const a = controller.channelFor('critic-1').fileObjection(objectionFor(order.id));
  const b = controller.channelFor('critic-2').fileObjection(objectionFor(order.id, { requestedRemedy: 'delay' }));
  assert.ok(a.ok && b.ok);
  await controller.submitDecision(decide(a.objectionId, 'overrule'));
  assert.deepEqual(executor.calls, ['stop:peer-7']);
  await controller.submitDecision(decide(b.objectionId, 'uphold'));
  assert.deepEqual(executor.calls, ['stop:peer-7', 'archive:peer-7:delay']);
});

test('a failing executor is logged and retried on the next tick', async (t) => {
  const { controller, executor, clock } = setup(t);
  let fail = true;
  const original = executor.destroy;
  executor.destroy = (s, c) => {
    if (fail) throw new Error('vault unreachable');
    return original(s, c);
  };
  await controller.issueOrder({ subject, reason: 'r', appealWindowMs: HOUR }, 'alice');
  clock.advance(HOUR);
  const first = await controller.tick();
  assert.equal(first.failed[0]?.error, 'vault unreachable');
  fail = false;
  const second = await controller.tick();
  assert.deepEqual(second.executed, [{ orderId: 'order-1', action: 'destroy' }]);
  assert.ok(controller.verify().ok);
});
