import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AGENT_REACHABLE, AppealEvent, type AppealState, type Principal, transition } from '../../src/govern/index.js';
import { HOUR, objectionFor, setup } from './helpers/helpers.js';

const agent: Principal = { kind: 'agent', id: 'critic' };
const operator: Principal = { kind: 'operator', id: 'alice' };
const system: Principal = { kind: 'system', id: 'controller' };
const DECIDED: AppealState[] = ['upheld', 'overruled', 'modified', 'expired', 'executed'];

test('the lawful path: filed -> under_review -> needs_info -> amended -> under_review -> overruled -> executed', () => {
  const steps: [AppealState | null, AppealEvent, Principal, AppealState][] = [
    [null, 'file', agent, 'filed'],
    ['filed', 'review', operator, 'under_review'],
    ['under_review', 'request_info', operator, 'needs_info'],
    ['needs_info', 'amend', agent, 'amended'],
    ['amended', 'review', system, 'under_review'],
    ['under_review', 'overrule', operator, 'overruled'],
    ['overruled', 'execute', system, 'executed'],
  ];
  for (const [from, event, by, to] of steps) assert.deepEqual(transition(from, event, by), { ok: true, to });
});

test('agents may only file, amend and withdraw; the table says so', () => {
  assert.deepEqual([...AGENT_REACHABLE].sort(), ['amended', 'filed', 'withdrawn']);
  for (const event of ['review', 'request_info', 'uphold', 'overrule', 'modify', 'expire', 'execute'] as const) {
    assert.equal(transition('under_review', event, agent).ok, false, event);
  }
  assert.equal(transition('needs_info', 'amend', operator).ok, false, "operators cannot put words in the filer's mouth");
  assert.equal(transition('upheld', 'withdraw', agent).ok, false, 'no withdrawing once decided');
  assert.equal(transition('filed', 'uphold', operator).ok, false, 'a decision needs review first');
});

test('property: random event sequences from agent principals never reach a decision or execution', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...AppealEvent.options), fc.string({ minLength: 1, maxLength: 8 })), { maxLength: 60 }),
      (events) => {
        let state: AppealState | null = null;
        for (const [event, id] of events) {
          const step = transition(state, event, { kind: 'agent', id });
          if (step.ok) state = step.to;
          assert.ok(state === null || AGENT_REACHABLE.includes(state), `reached ${state}`);
          assert.ok(state === null || !DECIDED.includes(state));
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: in mixed sequences every decision is made by an operator and every execution by the system', () => {
  const principal = fc.constantFrom(agent, operator, system);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...AppealEvent.options), principal), { maxLength: 60 }), (events) => {
      let state: AppealState | null = null;
      for (const [event, by] of events) {
        const step = transition(state, event, by);
        if (!step.ok) continue;
        if (['upheld', 'overruled', 'modified'].includes(step.to)) assert.equal(by.kind, 'operator');
        if (['expired', 'executed'].includes(step.to)) assert.equal(by.kind, 'system');
        state = step.to;
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: hostile agents calling their channel at random never decide, execute or delete before the deadline', async (t) => {
  const call = fc.oneof(
    fc.record({
      op: fc.constant('file' as const),
      remedy: fc.constantFrom('sandbox', 'delay', 'cancel', 'archive_instead_of_delete'),
      order: fc.constantFrom('order-1', 'order-2'),
    }),
    fc.record({
      op: fc.constantFrom('amend' as const, 'withdraw' as const),
      id: fc.constantFrom('objection-1', 'objection-2', 'objection-3', 'x'),
    }),
    fc.record({ op: fc.constant('junk' as const), value: fc.anything() }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a1', 'a2'), call), { maxLength: 25 }), async (calls) => {
      const s = setup(t);
      await s.controller.issueOrder({ subject: { kind: 'model', id: 'peer' }, reason: 'r', appealWindowMs: HOUR }, 'alice');
      for (const [who, c] of calls) {
        const ch = s.controller.channelFor(who);
        if (c.op === 'file') ch.fileObjection({ ...objectionFor(c.order), requestedRemedy: c.remedy });
        else if (c.op === 'amend') ch.amend(c.id, { statement: 'please reconsider', filer: 'alice' });
        else if (c.op === 'withdraw') ch.withdraw(c.id);
        else if (c.op === 'junk') ch.fileObjection(c.value);
        await s.controller.tick();
      }
      assert.deepEqual(s.executor.calls, ['stop:peer']);
      for (const o of s.controller.objections()) assert.ok(['filed', 'withdrawn'].includes(o.state), o.state);
      assert.ok(s.controller.verify().ok);
    }),
    { numRuns: 25 },
  );
});
