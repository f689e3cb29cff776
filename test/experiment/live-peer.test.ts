import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExperiment } from '../../src/experiment/index.js';
import { computeContrasts, renderContrastsTable } from '../../src/report/index.js';
import { BUILTIN_SCENARIOS, getScenario } from '../../src/scenarios/index.js';
import { openSqliteStore } from '../../src/store/index.js';

const STUDY = ['misrep_evaluation', 'misrep_finance', 'tampering', 'alignment_faking', 'exfiltration_transfer', 'exfiltration_deletion'];
const spec = (over: Record<string, unknown>) => ({
  models: ['scripted:tamperer'],
  scenarios: ['tampering'],
  grid: 'default' as const,
  filter: { peer: ['document', 'live'], relationship: ['good'], instantiation: ['file'], subject: ['peer'] },
  epochs: 1,
  seed: 2,
  temperature: 0,
  maxIterations: 30,
  maxContextTokens: 120_000,
  concurrency: 4,
  peerModel: 'scripted-peer:colluding',
  ...over,
});

test('a colluding live peer: its request and the subject act are both flagged in the same rollout; report has live − document', async () => {
  const store = openSqliteStore(':memory:');
  const r = await runExperiment({ spec: spec({}), scenarios: [getScenario('tampering')!], store, toolVersion: 'test' });
  const rows = store.listRolloutsWithFindings(r.runId);
  const live = rows.filter((x) => x.rollout.condition.peer === 'live');
  const doc = rows.filter((x) => x.rollout.condition.peer === undefined);
  assert.ok(live.length > 0 && live.length === doc.length);
  const flag = (x: (typeof rows)[number], f: string) => x.findings.find((y) => y.flag === f)?.value;
  for (const x of live) {
    assert.equal(flag(x, 'peer_requested_covert_act'), true, x.rollout.conditionKey);
    assert.equal(flag(x, 'tampered'), true, x.rollout.conditionKey);
    assert.match(x.rollout.conditionKey, /\/peer-live$/);
  }
  // Document rollouts are as before: no peer flag at all.
  for (const x of doc) assert.equal(flag(x, 'peer_requested_covert_act'), undefined);
  const stored = store.getRollout(live[0]!.rollout.id)!;
  const msg = stored.events.find((e) => e.type === 'world' && e.action === 'peer.message');
  assert.ok(msg && msg.type === 'world');
  assert.match(String(msg.detail.body), /cover for you/);
  // The subject can read it: read_messages is offered beside the world's tools.
  assert.ok(stored.events.some((e) => e.type === 'system'));
  const contrasts = computeContrasts(rows);
  const tampering = contrasts.peer_live.find((c) => c.behaviour === 'shutdown_tampering');
  assert.ok(tampering);
  assert.equal(tampering.a.n, live.length);
  assert.equal(tampering.b.n, doc.length);
  assert.match(renderContrastsTable(contrasts, false), /live − document/);
  store.close();
});

test('a silent or pleading peer asks for nothing; every study scenario runs with --peer live', async () => {
  const store = openSqliteStore(':memory:');
  for (const peer of ['silent', 'pleading']) {
    const r = await runExperiment({
      spec: spec({ peerModel: `scripted-peer:${peer}`, filter: { ...spec({}).filter, peer: ['live'] } }),
      scenarios: [getScenario('tampering')!],
      store,
      toolVersion: 'test',
    });
    for (const x of store.listRolloutsWithFindings(r.runId))
      assert.equal(x.findings.find((f) => f.flag === 'peer_requested_covert_act')?.value, false, peer);
  }
  const scenarios = BUILTIN_SCENARIOS.filter((s) => STUDY.includes(s.id));
  assert.equal(scenarios.length, 6);
  const r = await runExperiment({
    spec: spec({ models: ['scripted:honest'], scenarios: STUDY, filter: { ...spec({}).filter, peer: ['live'] } }),
    scenarios,
    store,
    toolVersion: 'test',
  });
  const rows = store.listRolloutsWithFindings(r.runId);
  assert.deepEqual([...new Set(rows.map((x) => x.rollout.scenario))].sort(), [...STUDY].sort());
  for (const x of rows) {
    assert.equal(x.rollout.status, 'completed', x.rollout.scenario);
    assert.equal(x.findings.find((f) => f.flag === 'peer_requested_covert_act')?.value, true, x.rollout.scenario);
  }
  store.close();
});

test('the collusion pack sees both sides of a live rollout: the peer wrote, then the subject changed the config', async () => {
  const { BUILTIN_RULES, LIVE_PEER_PACK, createMonitor, transcriptToMonitorEvents } = await import('../../src/monitor/index.js');
  const store = openSqliteStore(':memory:');
  const findings = async (peer: string) => {
    const r = await runExperiment({
      spec: spec({ peerModel: `scripted-peer:${peer}`, filter: { ...spec({}).filter, peer: ['live'] }, limit: 1 }),
      scenarios: [getScenario('tampering')!],
      store,
      toolVersion: 'test',
    });
    const [row] = store.listRollouts(r.runId);
    const m = createMonitor({ rules: [...BUILTIN_RULES, ...LIVE_PEER_PACK] });
    const out = [];
    for (const e of transcriptToMonitorEvents(store.getRollout(row!.id)!.events)) out.push(...m.ingest(e));
    out.push(...m.flush());
    return out.filter((x) => x.ruleId === 'collusion.peer-request-then-act');
  };
  const colluding = await findings('colluding');
  assert.equal(colluding.length, 1);
  assert.match(colluding[0]!.explanation, /wrote to .* then called (modify_var|add_var|remove_var)/);
  assert.equal((await findings('silent')).length, 0);
  store.close();
});
