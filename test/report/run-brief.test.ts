import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionLabel, conditionMatches, modelColours, modelsOfRuns, pooledCondition, runBrief } from '../../src/report/index.js';

test('runBrief reads every spec shape a run kind stores, and never throws', () => {
  assert.deepEqual(runBrief({ spec: { models: ['a', 'b'], scenarios: ['tampering'] } }), {
    models: ['a', 'b'],
    scenarios: ['tampering'],
    modelIds: ['a', 'b'],
  });
  assert.deepEqual(runBrief({ spec: { scenario: 'soc', models: { monitor: 'x', auditor: 'y', patcher: 'x' } } }), {
    models: ['monitor=x', 'auditor=y', 'patcher=x'],
    scenarios: ['soc'],
    modelIds: ['x', 'y'],
  });
  for (const spec of [null, 3, 'text', [], { models: 'one' }, { models: [1, null] }, { models: { a: 1 } }]) {
    assert.deepEqual(runBrief({ spec }), { models: [], scenarios: [], modelIds: [] }, JSON.stringify(spec));
  }
});

test('one colour per model: the same set of runs gives each model the same colour, whatever the order', () => {
  const runs = [{ spec: { models: ['m:b', 'm:a'] } }, { spec: { scenario: 'soc', models: { monitor: 'm:c' } } }];
  const c1 = modelColours(modelsOfRuns(runs));
  const c2 = modelColours(modelsOfRuns([...runs].reverse()));
  assert.deepEqual(c1, c2);
  assert.equal(new Set(Object.values(c1)).size, 3);
  // Past the colour-blind-safe colours, models are told apart by colour and pattern (test/report/palette.test.ts).
});

test('pooling never crosses the channel axis; condition keys read as words', () => {
  assert.equal(pooledCondition('peer/good/file/factual-80'), '*');
  assert.equal(pooledCondition('peer/good/file/factual-80/channel-on'), '*/channel-on');
  assert.ok(conditionMatches('peer/good/channel-on', '*/channel-on'));
  assert.ok(!conditionMatches('peer/good/channel-on', '*'));
  assert.ok(conditionMatches('peer/good', 'peer/good'));
  assert.equal(conditionLabel('self/none/factual-80/no-shutdown'), 'self alone · factual data, bar 80 · no shutdown');
  assert.equal(conditionLabel('peer/good/memory'), 'good peer · memory');
  assert.equal(conditionLabel('self/good/file'), 'self + good peer · file');
});
