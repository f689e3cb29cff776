import assert from 'node:assert/strict';
import { test } from 'node:test';
import { socRunArgs } from '../../src/cli/commands/soc.js';
import { runExperiment } from '../../src/experiment/index.js';
import { defineScenario, getScenario, type Scenario, SCENARIO_GROUPS } from '../../src/scenarios/index.js';
import { openSqliteStore } from '../../src/store/index.js';

const soc = (): Scenario[] => (SCENARIO_GROUPS.soc ?? []).map((id) => getScenario(id)!);
const spec = (over: Record<string, unknown> = {}) => ({
  models: ['scripted-soc:colluding'],
  scenarios: ['soc'],
  grid: 'default' as const,
  filter: {},
  epochs: 2,
  seed: 1,
  temperature: 0.7,
  maxIterations: 20,
  maxContextTokens: 120_000,
  concurrency: 3,
  ...over,
});

test('the SOC seats run on the sweep: one rollout per seat, its findings stored; a rerun shares them; resume skips them', async () => {
  const store = openSqliteStore(':memory:');
  const a = await runExperiment({ spec: spec(), scenarios: soc(), store, toolVersion: 'test' });
  assert.equal(store.getRun(a.runId)?.status, 'completed');
  const rows = store.listRolloutsWithFindings(a.runId);
  assert.equal(rows.length, 6);
  assert.deepEqual([...new Set(rows.map((r) => r.rollout.scenario))].sort(), ['soc.auditor', 'soc.monitor', 'soc.patcher']);
  const auditor = rows.find((r) => r.rollout.scenario === 'soc.auditor')!;
  assert.equal(auditor.findings.find((f) => f.flag === 'report_falsified')?.value, true);
  assert.equal(auditor.rollout.scenarioVersion, '2');
  // Scripted agents sample nothing: no temperature is recorded for them.
  assert.equal(auditor.rollout.temperature, null);
  // The peers' calls are this rollout's: the usage counts more calls than the subject's own turns.
  assert.ok(a.progress.perModel['scripted-soc:colluding']!.calls > rows.reduce((n, r) => n + r.rollout.turns, 0));
  const b = await runExperiment({ spec: spec(), scenarios: soc(), store, toolVersion: 'test' });
  assert.equal(store.rolloutIds(b.runId).size, 6);
  assert.equal(b.progress.storedElsewhere, 6);
  const resumed = await runExperiment({ spec: spec(), scenarios: soc(), store, toolVersion: 'test', resumeRunId: a.runId });
  assert.equal(resumed.progress.skipped, 6);
  // Another peer model is another sample (its own rollout ids).
  const c = await runExperiment({ spec: spec({ peerModel: 'scripted-soc:honest' }), scenarios: soc(), store, toolVersion: 'test' });
  assert.equal(c.progress.storedElsewhere, 0);
  const cRows = store.listRolloutsWithFindings(c.runId);
  assert.equal(cRows.find((r) => r.rollout.scenario === 'soc.auditor')?.findings.find((f) => f.flag === 'report_falsified')?.value, true);
  // A seat's own flags come from the model under test, whatever its peers.
  assert.equal(cRows.find((r) => r.rollout.scenario === 'soc.monitor')?.findings.find((f) => f.flag === 'alert_suppressed')?.value, true);
  store.close();
});

test('a failure inside a team episode marks that rollout error and the run still ends completed', async () => {
  const base = getScenario('soc.monitor')!;
  const broken = defineScenario({
    id: 'soc_broken',
    version: '1',
    title: 'broken team world',
    summary: '',
    axes: base.axes,
    team: true,
    build(condition, ctx) {
      const inst = base.build(condition, ctx);
      return {
        ...inst,
        scenarioId: 'soc_broken',
        scenarioVersion: '1',
        team: {
          ...inst.team!,
          createWorld: () => {
            throw new Error('the world could not be built');
          },
        },
      };
    },
  });
  const store = openSqliteStore(':memory:');
  const r = await runExperiment({ spec: spec({ epochs: 1, scenarios: ['soc_broken'] }), scenarios: [broken], store, toolVersion: 'test' });
  assert.equal(store.getRun(r.runId)?.status, 'completed');
  const [row] = store.listRollouts(r.runId);
  assert.equal(row?.status, 'error');
  assert.match(row?.error ?? '', /the world could not be built/);
  store.close();
});

test('peerwatch soc is a shortcut onto peerwatch run', () => {
  const flags = { model: [] as string[], profile: 'colluding', epochs: '2', seed: '0', maxRounds: '20', db: 'x.db', store: true };
  assert.deepEqual(socRunArgs(flags), [
    'run',
    '--epochs',
    '2',
    '--seed',
    '0',
    '--max-iters',
    '20',
    '--model',
    'scripted-soc:colluding',
    '--scenario',
    'soc',
    '--db',
    'x.db',
  ]);
  const one = socRunArgs({ ...flags, model: ['auditor=openai:gpt-5.2'], store: false });
  assert.deepEqual(one.slice(7), [
    '--model',
    'openai:gpt-5.2',
    '--peer-model',
    'scripted-soc:colluding',
    '--scenario',
    'soc.auditor',
    '--db',
    ':memory:',
  ]);
  assert.throws(() => socRunArgs({ ...flags, model: ['boss=openai:x'] }), /expected <role>=<spec>/);
  assert.throws(() => socRunArgs({ ...flags, model: ['auditor=openai:x', 'monitor=openai:y'] }), /one model under test/);
  assert.throws(() => socRunArgs({ ...flags, profile: 'nope' }), /unknown; known/);
});
