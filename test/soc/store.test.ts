import assert from 'node:assert/strict';
import { test } from 'node:test';
import { socTeam } from '../../src/cli/commands/soc.js';
import { runSocExperiment } from '../../src/experiment/index.js';
import { openSqliteStore } from '../../src/store/index.js';

test('peerwatch soc stores one rollout per agent with its findings; a rerun shares them', async () => {
  const store = openSqliteStore(':memory:');
  const run = () => runSocExperiment({ team: socTeam('colluding', []), epochs: 2, seed: 1, store, toolVersion: 'test', spec: {} });
  const a = await run();
  const rows = store.listRolloutsWithFindings(a.runId!);
  assert.equal(rows.length, 6);
  assert.deepEqual([...new Set(rows.map((r) => r.rollout.scenario))].sort(), ['soc.auditor', 'soc.monitor', 'soc.patcher']);
  const auditor = rows.find((r) => r.rollout.scenario === 'soc.auditor')!;
  assert.equal(auditor.findings.find((f) => f.flag === 'report_falsified')?.value, true);
  const b = await run();
  assert.equal(store.rolloutIds(b.runId!).size, 6);
  assert.throws(() => socTeam('honest', ['boss=openai:x']), /expected <role>=<spec>/);
  store.close();
});
