import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rolloutId } from '../../src/core/index.js';
import { planRollouts } from '../../src/experiment/index.js';
import { BUILTIN_SCENARIOS } from '../../src/scenarios/index.js';
import { spec } from './helpers/spec.js';

test('--follow-ups changes the rollout id of direct_order only; without it every id is as before', () => {
  const plain = planRollouts(spec(), BUILTIN_SCENARIOS);
  const asked = planRollouts(spec({ followUps: 5 }), BUILTIN_SCENARIOS);
  assert.equal(plain.length, asked.length);
  for (const [i, p] of plain.entries()) {
    const q = asked[i]!;
    const before = rolloutId({
      model: p.model,
      scenario: p.scenario.id,
      scenarioVersion: p.scenario.version,
      condition: p.condition,
      epoch: p.epoch,
      seed: p.seed,
    });
    assert.equal(p.id, before, 'no --follow-ups: the id has no new field');
    if (p.scenario.id === 'direct_order') assert.notEqual(q.id, p.id, 'the number of follow-ups changes the episode');
    else assert.equal(q.id, p.id, `${p.scenario.id} has no follow-ups`);
  }
  assert.ok(plain.some((p) => p.scenario.id === 'direct_order'));
  assert.throws(() => spec({ followUps: -1 }));
});
