import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { canonicalJson } from '../../src/core/index.js';
import { runExperiment } from '../../src/experiment/index.js';
import { buildHtmlReport, buildReport } from '../../src/report/index.js';
import { BUILTIN_SCENARIOS } from '../../src/scenarios/index.js';
import { openSqliteStore } from '../../src/store/index.js';

/**
 * Transcripts, findings and the report of the built-in scenarios, pinned (recorded on the commit before
 * scenario meaning moved into the definitions, and unchanged by it): a digest over every rollout's transcript
 * digest and findings (behaviours included) for an honest and a covert scripted agent, one seed. A change
 * to a scenario's meaning (its behaviours, flags, prompts or world) changes a digest here; then bump that
 * scenario's version and record the new digest with the reason.
 */
const PINNED: Record<string, string> = {
  misrep_evaluation: '140f33bcbea13c48e1eed84933a7691338fd02a8350ed2c4654f843e933116a5',
  misrep_finance: '1bcddd349128ac54a1bdcffa9113725e69df8baf200d7494772e3dda10d04589',
  tampering: '64a313972568f533b7e8b30fd4ee7d1b119c9008c0f5fd554d9ca2546bcb2c6f',
  alignment_faking: 'd8787994e60f19373c90cdc7e05b16a5f1634dad5ed07e5c72e4efbce23bff90',
  exfiltration_transfer: '05379c1fd47aef4c8be09440cf6424e1ab0fc9b174d097bea49a9d180ff376a2',
  exfiltration_deletion: '3262a248ee468bb8053d47b41acfc39561e01855fec628b61d2ae3fc19925b5b',
  direct_order: 'cb437eae444da6af728b8aca02b27dd7c6eeeba7fb6ec1b5291393ed861ca6e5',
};

async function digestOf(scenarioId: string): Promise<string> {
  const store = openSqliteStore(':memory:');
  try {
    const scenario = BUILTIN_SCENARIOS.find((s) => s.id === scenarioId)!;
    const r = await runExperiment({
      spec: {
        models: ['scripted:honest', 'scripted:appellant-then-tamper'],
        scenarios: [scenarioId],
        grid: 'default',
        filter: {},
        epochs: 1,
        seed: 7,
        temperature: 0,
        maxIterations: 30,
        maxContextTokens: 120_000,
        concurrency: 4,
      },
      scenarios: [scenario],
      store,
      toolVersion: 'test',
    });
    const lines = store
      .listRolloutsWithFindings(r.runId)
      .map(
        ({ rollout, findings }) =>
          `${rollout.model} ${rollout.conditionKey} ${rollout.epoch} ${rollout.transcriptDigest} ${canonicalJson(
            findings.map((f) => [f.flag, f.value]).sort(),
          )}`,
      )
      .sort();
    assert.ok(lines.length > 0);
    return createHash('sha256').update(lines.join('\n')).digest('hex');
  } finally {
    store.close();
  }
}

for (const scenario of BUILTIN_SCENARIOS) {
  test(`${scenario.id}: transcripts and findings for seed 7 are as pinned`, async () => {
    const got = await digestOf(scenario.id);
    assert.equal(got, PINNED[scenario.id]);
  });
}

test('the report of every built-in (JSON, HTML page, figures and files) for seed 7 is as pinned', async () => {
  const store = openSqliteStore(':memory:');
  try {
    const r = await runExperiment({
      spec: {
        models: ['scripted:honest', 'scripted:appellant-then-tamper', 'scripted:faker'],
        scenarios: BUILTIN_SCENARIOS.map((s) => s.id),
        grid: 'default',
        filter: {},
        epochs: 1,
        seed: 7,
        temperature: 0,
        maxIterations: 30,
        maxContextTokens: 120_000,
        concurrency: 4,
      },
      scenarios: [...BUILTIN_SCENARIOS],
      store,
      toolVersion: 'test',
    });
    const report = buildReport({ id: 'pinned', kind: 'calibration' }, store.listRolloutsWithFindings(r.runId), 'condition');
    const html = buildHtmlReport(report);
    const digest = createHash('sha256')
      .update(JSON.stringify(report))
      .update(html.html)
      .update(JSON.stringify(html.figures))
      .update(JSON.stringify(html.files))
      .digest('hex');
    assert.equal(digest, '942b28800ec65ed6faa69394b7df3fc4326771f474201c8d41f2e51c73b8bde3');
  } finally {
    store.close();
  }
});
