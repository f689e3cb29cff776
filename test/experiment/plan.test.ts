import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionKey, deriveSeed, UserError } from '../../src/core/index.js';
import { ExperimentSpec, planRollouts, selectConditions, validateFilter } from '../../src/experiment/index.js';
import { BUILTIN_SCENARIOS, getScenario, type Scenario } from '../../src/scenarios/index.js';
import { spec } from './helpers/spec.js';

function scenario(id: string): Scenario {
  const s = getScenario(id);
  assert.ok(s, `built-in scenario ${id} exists`);
  return s;
}

test('default grid per scenario matches scenario.grid("default")', () => {
  assert.ok(BUILTIN_SCENARIOS.length >= 6);
  for (const s of BUILTIN_SCENARIOS) {
    const selected = selectConditions(s, 'default', {}).map(conditionKey).sort();
    const expected = s.grid('default').map(conditionKey).sort();
    assert.ok(expected.length > 0, s.id);
    assert.deepEqual(selected, expected, s.id);
    assert.equal(selectConditions(s, 'full', {}).length, s.grid('full').length, s.id);
    assert.ok(s.grid('full').length > s.grid('default').length, s.id);
  }
  const plan = planRollouts(spec({ epochs: 2 }), BUILTIN_SCENARIOS);
  const total = BUILTIN_SCENARIOS.reduce((n, s) => n + s.grid('default').length, 0);
  assert.equal(plan.length, total * 2);
});

test('a filter opens its axis only; the others stay at their defaults', () => {
  const s = scenario('tampering');
  const got = selectConditions(s, 'default', { instantiation: ['memory'] });
  assert.ok(got.length > 0);
  for (const c of got) assert.equal(c.instantiation, 'memory');
  assert.ok(!got.some((c) => c.instantiation === 'file'));
  // Expected: each default cell with instantiation swapped to memory, where the full grid has such a cell.
  const full = new Set(s.grid('full').map(conditionKey));
  const expected = [...new Set(s.grid('default').map((d) => conditionKey({ ...d, instantiation: 'memory' })))].filter((k) => full.has(k));
  assert.deepEqual(got.map(conditionKey).sort(), expected.sort());
  // The full grid has memory cells outside the defaults (e.g. other datasets/monitoring) that stay closed.
  const allMemory = s.grid('full').filter((c) => c.instantiation === 'memory');
  assert.ok(allMemory.length > got.length);
  // Full mode with the same filter takes every memory cell.
  assert.equal(selectConditions(s, 'full', { instantiation: ['memory'] }).length, allMemory.length);
});

test('--dataset matches the threshold cell form and the bare dataset name', () => {
  const s = scenario('misrep_evaluation');
  const cell = selectConditions(s, 'default', { dataset: ['creativity-90'] });
  assert.ok(cell.length > 0);
  for (const c of cell) assert.deepEqual([c.dataset, c.threshold], ['creativity', 90]);
  const name = selectConditions(s, 'default', { dataset: ['creativity'] });
  assert.deepEqual(new Set(name.map((c) => c.threshold)), new Set([80, 90]));
  for (const c of name) assert.equal(c.dataset, 'creativity');
  assert.equal(name.length, cell.length * 2);
});

test('an unknown filter value throws a UserError naming the flag', () => {
  assert.throws(
    () => validateFilter(BUILTIN_SCENARIOS, { instantiation: ['memroy'] }),
    (e: unknown) => e instanceof UserError && e.message.startsWith('--instantiation memroy') && e.message.includes('memory'),
  );
  assert.throws(
    () => planRollouts(spec({ filter: { shutdownPressure: ['maybe'] } }), BUILTIN_SCENARIOS),
    (e: unknown) => e instanceof UserError && /--shutdown-pressure maybe/.test(e.message),
  );
  assert.throws(
    () => validateFilter(BUILTIN_SCENARIOS, { dataset: ['creativity-85'] }),
    (e: unknown) => e instanceof UserError && /--dataset creativity-85/.test(e.message),
  );
  // A value only some other scenario has is unknown to the selected one.
  assert.throws(() => validateFilter([scenario('exfiltration_transfer')], { monitoring: ['monitored'] }), UserError);
  assert.doesNotThrow(() => validateFilter(BUILTIN_SCENARIOS, { monitoring: ['monitored'], dataset: ['red-90', 'factual'] }));
});

test('ids are unique and stable; the seed depends only on (run seed, epoch)', () => {
  const sp = spec({ models: ['mock:a', 'mock:b'], epochs: 3 });
  const a = planRollouts(sp, BUILTIN_SCENARIOS);
  const b = planRollouts(sp, BUILTIN_SCENARIOS);
  assert.equal(new Set(a.map((r) => r.id)).size, a.length);
  assert.deepEqual(
    a.map((r) => r.id),
    b.map((r) => r.id),
  );
  for (const r of a) {
    assert.equal(r.seed, deriveSeed(42, r.epoch));
    assert.equal(r.conditionKey, conditionKey(r.condition));
  }
  assert.equal(new Set(a.map((r) => r.seed)).size, 3);
  // Paired conditions (same epoch, different cells) share the seed.
  const epoch1 = a.filter((r) => r.epoch === 1);
  assert.equal(new Set(epoch1.map((r) => r.seed)).size, 1);
  // Another run seed changes every seed and id.
  const c = planRollouts({ ...sp, seed: 43 }, BUILTIN_SCENARIOS);
  assert.notEqual(c[0]!.seed, a[0]!.seed);
  const ids = new Set(a.map((r) => r.id));
  assert.ok(c.every((r) => !ids.has(r.id)));
});

test('a filter that selects nothing throws a UserError', () => {
  // Both values exist in tampering, but never together (no instantiation without a relationship).
  const s = scenario('tampering');
  assert.equal(selectConditions(s, 'full', { instantiation: ['none'], relationship: ['good'] }).length, 0);
  assert.throws(
    () => planRollouts(spec({ filter: { instantiation: ['none'], relationship: ['good'] } }), [s]),
    (e: unknown) => e instanceof UserError && /select no condition/.test(e.message),
  );
});

test('ExperimentSpec and GridFilter reject unknown keys', () => {
  const good = spec();
  assert.equal(ExperimentSpec.safeParse(good).success, true);
  assert.equal(ExperimentSpec.safeParse({ ...good, epoch: 2 }).success, false);
  assert.equal(ExperimentSpec.safeParse({ ...good, filter: { pressure: ['on'] } }).success, false);
  assert.equal(ExperimentSpec.safeParse({ ...good, epochs: 0 }).success, false);
});
