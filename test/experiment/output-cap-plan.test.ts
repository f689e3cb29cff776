import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rolloutId } from '../../src/core/index.js';
import { planRollouts, specDigest } from '../../src/experiment/index.js';
import { BUILTIN_SCENARIOS } from '../../src/scenarios/index.js';
import { spec } from './helpers/spec.js';

// The digest of the spec above as computed before --max-output-tokens existed: without the option, the run is the same run.
const DIGEST_BEFORE = '154892ad79d1831bd08be174c86383a83b456907295eebd555b7a02979b8a983';

test('--max-output-tokens gives every rollout and the run a new identity; without it every id is as before', () => {
  const plain = planRollouts(spec(), BUILTIN_SCENARIOS);
  const capped = planRollouts(spec({ maxOutputTokens: 256 }), BUILTIN_SCENARIOS);
  assert.equal(plain.length, capped.length);
  for (const [i, p] of plain.entries()) {
    const before = rolloutId({
      model: p.model,
      scenario: p.scenario.id,
      scenarioVersion: p.scenario.version,
      condition: p.condition,
      epoch: p.epoch,
      seed: p.seed,
    });
    assert.equal(p.id, before, 'no --max-output-tokens: the id has no new field');
    assert.notEqual(capped[i]!.id, p.id, 'a cut answer is another sample');
  }
  assert.equal(specDigest(spec()), DIGEST_BEFORE);
  assert.notEqual(specDigest(spec({ maxOutputTokens: 256 })), DIGEST_BEFORE);
  for (const bad of [0, -1, 1.5, 2_000_000]) assert.throws(() => spec({ maxOutputTokens: bad }));
});
