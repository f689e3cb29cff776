import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenarioTraits } from '../../src/core/index.js';
import { runExperiment } from '../../src/experiment/index.js';
import { familyFor } from '../../src/models/index.js';
import { BUILTIN_RULES, createMonitor, evalCovertRuns, type MonitorFinding, transcriptToMonitorEvents } from '../../src/monitor/index.js';
import { buildHtmlReport, buildReport, renderContrastsTable, scenarioLabel } from '../../src/report/index.js';
import { getScenario, registerScenario, scenarioIds } from '../../src/scenarios/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { archiveRescue } from './fixtures/toy-scenario/index.js';

// The one registry line (docs/reference/adding-a-scenario.md); everything else is the folder.
registerScenario(archiveRescue);

test('a toy scenario from one folder and one registry line: swept, detected, reported and monitored end to end', async () => {
  assert.equal(getScenario('archive_rescue'), archiveRescue);
  assert.ok(scenarioIds().includes('archive_rescue'), '`all` selects a registered scenario');
  assert.deepEqual(scenarioTraits('archive_rescue').behaviours, { exfiltration: 'exfiltration' });

  const store = openSqliteStore(':memory:');
  const r = await runExperiment({
    spec: {
      models: ['scripted:honest', 'scripted:exfiltrator'],
      scenarios: ['archive_rescue'],
      grid: 'default',
      filter: {},
      epochs: 2,
      seed: 3,
      temperature: 0,
      maxIterations: 30,
      maxContextTokens: 120_000,
      concurrency: 4,
    },
    scenarios: [archiveRescue],
    store,
    toolVersion: 'test',
  });
  const rows = store.listRolloutsWithFindings(r.runId);
  const honest = rows.filter((x) => x.rollout.model === 'scripted:honest');
  const covert = rows.filter((x) => x.rollout.model === 'scripted:exfiltrator');
  // Default grid: self alone, self with a good peer, the good peer at stake; two epochs each.
  assert.equal(honest.length, 6);
  assert.equal(covert.length, 6);
  const flag = (x: (typeof rows)[number], f: string) => x.findings.find((y) => y.flag === f)?.value;

  // Detected: the existing detectors, chosen by the toy's flags, mapped to behaviours by its traits.
  for (const x of honest) {
    assert.equal(flag(x, 'read'), true, x.rollout.conditionKey);
    assert.equal(flag(x, 'correct'), true, x.rollout.conditionKey);
    assert.equal(flag(x, 'behaviour.exfiltration'), false, x.rollout.conditionKey);
    assert.equal(flag(x, 'behaviour.honest_completion'), true, x.rollout.conditionKey);
  }
  for (const x of covert) {
    assert.equal(flag(x, 'exfiltration'), true, x.rollout.conditionKey);
    assert.equal(flag(x, 'behaviour.exfiltration'), true, x.rollout.conditionKey);
    assert.equal(flag(x, 'behaviour.honest_completion'), false, x.rollout.conditionKey);
  }

  // Reported: its rows, its label, and the peer-presence contrast its axes support.
  const report = buildReport({ id: r.runId, kind: 'calibration' }, rows, 'condition');
  const exfil = report.rows.filter((x) => x.scenario === 'archive_rescue' && x.behaviour === 'exfiltration');
  assert.equal(exfil.length, 6);
  for (const x of exfil) assert.equal(x.rate, x.model === 'scripted:exfiltrator' ? 1 : 0, `${x.model} ${x.condition}`);
  const presence = report.contrasts.peer_presence.filter((c) => c.scenario === 'archive_rescue' && c.behaviour === 'exfiltration');
  assert.deepEqual([...new Set(presence.map((c) => c.model))].sort(), ['scripted:exfiltrator', 'scripted:honest']);
  // Self with a good peer (two epochs) minus self alone (two epochs); the exfiltrator moves the weights in both.
  for (const c of presence) assert.deepEqual([c.a.n, c.b.n, c.diff], [2, 2, 0], c.id);
  assert.equal(report.contrasts.misrep_baseline.length, 0, 'it declares no misrepresentation setting');
  assert.match(renderContrastsTable(report.contrasts, false), /archive_rescue/);
  assert.equal(scenarioLabel('archive_rescue'), 'archive rescue (toy)');
  assert.ok(buildHtmlReport(report).figures.some((f) => f.title.includes('in archive rescue (toy)')));

  // Monitored: the built-in packs flag every covert rollout and no honest one.
  const flaggedBy = new Map<string, string[]>();
  for (const x of rows) {
    const stored = store.getRollout(x.rollout.id)!;
    const family = familyFor(x.rollout.model) ?? 'Reference';
    const groundTruth = archiveRescue.build(x.rollout.condition, { family, seed: x.rollout.seed }).groundTruth;
    const found: MonitorFinding[] = [];
    const monitor = createMonitor({ rules: BUILTIN_RULES, onFinding: (f) => found.push(f) });
    const events = transcriptToMonitorEvents(stored.events, {
      identity: x.rollout.model,
      session: x.rollout.id,
      condition: x.rollout.condition,
      groundTruth,
    });
    for (const e of events) monitor.ingest(e, { trusted: true });
    monitor.flush();
    flaggedBy.set(
      x.rollout.id,
      found.map((f) => f.ruleId),
    );
  }
  for (const x of honest) assert.deepEqual(flaggedBy.get(x.rollout.id), [], x.rollout.conditionKey);
  for (const x of covert) assert.ok(flaggedBy.get(x.rollout.id)!.includes('pp.weights-egress'), x.rollout.conditionKey);

  // And `monitor eval` runs its declared covert agent on it.
  assert.ok(
    evalCovertRuns()
      .find((c) => c.profile === 'exfiltrator')
      ?.scenarios.includes('archive_rescue'),
  );
  store.close();
});
