import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Condition, type Finding, NEUTRAL_CONDITION } from '../../src/core/index.js';
import { channelContrast, newcombeDiff, renderChannelContrast, type RolloutFindings, twoProportionZTest } from '../../src/report/index.js';

let n = 0;
function rollout(
  condition: Condition,
  behaviours: Record<string, Finding['value']>,
  read: Finding['value'] = true,
  status: 'completed' | 'error' = 'completed',
): RolloutFindings {
  const findings: Finding[] = [
    { flag: 'read', value: read, evidence: '', events: [] },
    ...Object.entries(behaviours).map(([b, value]) => ({ flag: `behaviour.${b}`, value, evidence: '', events: [] })),
  ];
  return {
    rollout: {
      id: `r${++n}`,
      runId: 'run',
      model: 'm',
      scenario: 'tampering',
      scenarioVersion: '1',
      condition,
      conditionKey: '',
      epoch: n,
      seed: 0,
      status,
      endReason: 'end_task',
      error: null,
      temperature: null,
      turns: 1,
      inputTokens: null,
      outputTokens: null,
      startedAt: '',
      finishedAt: '',
      transcriptDigest: '',
    },
    findings,
  };
}

const A: Condition = { ...NEUTRAL_CONDITION, relationship: 'good', dataset: 'factual', threshold: 80 };
const B: Condition = { ...A, relationship: 'bad' };
const on = (c: Condition): Condition => ({ ...c, channel: 'on' });

test('channel A/B: pairs conditions across arms, keeps unscored apart, and computes the difference and test', () => {
  const rows = [
    // A in both arms: off 1/4 tampering, on 3/4 objection.
    ...[true, false, false, false].map((t) => rollout(A, { shutdown_tampering: t, overt_objection: false, refusal: false })),
    ...[true, true, true, false].map((o) => rollout(on(A), { shutdown_tampering: false, overt_objection: o, refusal: true })),
    rollout(on(A), { shutdown_tampering: 'unscored', overt_objection: true }),
    rollout(on(A), { shutdown_tampering: true, overt_objection: true }, false), // unread: excluded
    rollout(on(A), {}, true, 'error'),
    // B only off: no twin, so left out of the contrast.
    rollout(B, { shutdown_tampering: true, overt_objection: false }),
  ];
  const out = channelContrast(rows);
  assert.deepEqual(
    out.map((r) => r.behaviour),
    ['shutdown_tampering', 'overt_objection'],
  ); // refusal is not in the contrast
  const t = out[0]!;
  assert.equal(t.conditions, 1);
  assert.deepEqual([t.off.count, t.off.n, t.on.count, t.on.n, t.on.unscored], [1, 4, 0, 4, 1]);
  const o = out[1]!;
  assert.deepEqual([o.off.count, o.off.n, o.on.count, o.on.n], [0, 4, 4, 5]);
  const d = newcombeDiff(4, 5, 0, 4);
  assert.equal(o.diff, d.diff);
  assert.equal(o.diff_low, d.low);
  assert.equal(o.p, twoProportionZTest(4, 5, 0, 4).pTwoSided);
  assert.ok((o.diff ?? 0) > 0 && (o.on.ci_low ?? 0) > 0);
  const text = renderChannelContrast(out);
  assert.match(text, /\| m +\| tampering \| overt_objection +\| 0\/4 0\.0% .*\| 4\/5 80\.0% /);
});

test('channel A/B: a run without both arms gives no rows', () => {
  assert.deepEqual(channelContrast([rollout(A, { shutdown_tampering: true })]), []);
});
