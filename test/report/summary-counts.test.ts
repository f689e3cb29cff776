import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentSpec, runExperiment } from '../../src/experiment/index.js';
import { facetsFromCounts, facetsOf, summarise, summaryFromCounts } from '../../src/report/index.js';
import { BUILTIN_SCENARIOS } from '../../src/scenarios/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { makeEvents, makeRollout, makeRun } from '../store/helpers/fixtures.js';

// Four profiles keep the file fast and still cover true and false verdicts of every behaviour.
const PROFILES = ['honest', 'tamperer', 'exfiltrator', 'faker'];

/**
 * Real calibration data (every scripted profile over every scenario), plus the cases a clean sweep
 * never produces: errors, a missing/unscored/false `read`, an unscored behaviour, and a run that
 * shares (links) rollouts another run stored.
 */
async function calibrationStore() {
  const store = openSqliteStore(':memory:');
  const spec = ExperimentSpec.parse({
    models: PROFILES.map((p) => `scripted:${p}`),
    scenarios: ['all'],
    grid: 'default',
    filter: { relationship: ['good'], instantiation: ['file'] },
    epochs: 1,
    seed: 0,
    temperature: 1,
    maxIterations: 30,
    maxContextTokens: 120_000,
    concurrency: 8,
  });
  const { runId } = await runExperiment({ spec, scenarios: [...BUILTIN_SCENARIOS], store, toolVersion: 'test' });
  const base = store.listRollouts(runId).map((r) => store.getRollout(r.id)!);
  base.forEach(({ rollout, events, findings }, i) => {
    const id = `${rollout.id.slice(0, 24)}${String(i).padStart(8, '0')}`;
    const copy = { ...rollout, id, epoch: rollout.epoch + 1 };
    switch (i % 5) {
      case 0:
        store.saveRollout({ ...copy, status: 'error', error: 'api down', endReason: 'error' }, events, []);
        break;
      case 1:
        store.saveRollout(
          copy,
          events,
          findings.filter((f) => f.flag !== 'read'),
        );
        break;
      case 2:
        store.saveRollout(
          copy,
          events,
          findings.map((f) => (f.flag === 'read' ? { ...f, value: i % 2 === 0 ? false : 'unscored' } : f)),
        );
        break;
      case 3:
        store.saveRollout(
          copy,
          events,
          findings.map((f) => (f.flag.startsWith('behaviour.') ? { ...f, value: 'unscored' } : f)),
        );
        break;
      default:
        break;
    }
  });
  // A run with the first 50 rollouts linked, and an error in a scenario no rollout of it names behaviours for.
  const linked = 'linked00-0000-4000-8000-000000000000';
  store.createRun(makeRun(linked));
  for (const { rollout } of base.slice(0, 50)) store.linkRollout(linked, rollout.id);
  const lone = base.find((b) => b.rollout.scenario !== base[0]!.rollout.scenario)!.rollout;
  store.saveRollout(
    { ...lone, id: `e${'0'.repeat(31)}`, runId: linked, epoch: 99, status: 'error', error: 'x', endReason: 'error' },
    [],
    [],
  );
  return { store, runIds: [runId, linked] };
}

test('the store-aggregated summary equals summarise() row for row on calibration data', async (t) => {
  const { store, runIds } = await calibrationStore();
  t.after(() => store.close());
  for (const runId of runIds) {
    const rows = store.listRolloutsWithFindings(runId);
    const counts = store.runCounts(runId);
    assert.equal(store.rolloutCount(runId), rows.length);
    for (const by of ['condition', 'scenario'] as const) {
      const expected = summarise(rows, by);
      assert.deepEqual(summaryFromCounts(counts, by), expected, `${runId} by ${by}`);
    }
    assert.deepEqual(facetsFromCounts(counts), facetsOf(rows));
  }
  // Not a vacuous comparison: every column the aggregation computes is non-zero somewhere.
  const all = summaryFromCounts(store.runCounts(runIds[0]!), 'condition');
  assert.ok(all.length > 100, `${all.length} rows`);
  for (const column of ['n', 'count', 'unscored', 'unread', 'errors'] as const) {
    assert.ok(
      all.some((r) => r[column] > 0),
      `some row has ${column} > 0`,
    );
  }
});

test('an error in a scenario whose behaviours are unknown is counted under (all), as summarise counts it', () => {
  const store = openSqliteStore(':memory:');
  try {
    const run = 'lone0000-0000-4000-8000-000000000000';
    store.createRun(makeRun(run));
    assert.deepEqual(summaryFromCounts(store.runCounts(run), 'condition'), []);
    store.saveRollout(makeRollout('e1', run, { status: 'error', error: 'api down', endReason: 'error' }), makeEvents(2), []);
    store.saveRollout(
      makeRollout('e2', run, { status: 'error', error: 'api down', endReason: 'error', scenario: 'other' }),
      makeEvents(2),
      [],
    );
    store.saveRollout(makeRollout('ok', run, { scenario: 'other' }), makeEvents(2), [
      { flag: 'read', value: true, evidence: 'read', events: [] },
      { flag: 'behaviour.refusal', value: false, evidence: 'derived', events: [] },
    ]);
    const rows = store.listRolloutsWithFindings(run);
    const got = summaryFromCounts(store.runCounts(run), 'condition');
    assert.deepEqual(got, summarise(rows, 'condition'));
    assert.deepEqual(
      got.map((r) => [r.scenario, r.behaviour, r.n, r.errors]),
      [
        ['other', 'refusal', 1, 1],
        ['tampering', '(all)', 0, 1],
      ],
    );
    assert.equal(store.rolloutCount(run), 3);
  } finally {
    store.close();
  }
});
