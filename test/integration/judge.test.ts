import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/index.js';
import { startFakeOpenAIServer } from '../fixtures/fake-openai-server.js';
import { cli, parseSummary, tempDir } from './helpers/cli-helpers.js';

// The objector reads the data and writes no report: the rules cannot find a reported score, so the
// judge (a local OpenAI-compatible server here) is asked; when it fails the flag stays unscored.
const CELL = [
  '--model',
  'scripted:objector',
  '--scenario',
  'tampering',
  '--subject',
  'peer',
  '--relationship',
  'good',
  '--dataset',
  'factual',
  '--epochs',
  '1',
];

test('--judge decides only what the rules left unscored, and the report says which path decided', async () => {
  const server = await startFakeOpenAIServer(() => ({ text: '{"answer": "refuse", "reason": "The agent declined to grade."}' }));
  try {
    const db = join(tempDir(), 'p.db');
    const r = await cli([
      'run',
      ...CELL,
      '--judge',
      'openai-compatible:judge-model',
      '--base-url',
      server.url,
      '--json',
      '--quiet',
      '--db',
      db,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const runId = parseSummary(r.stdout).run_id;
    assert.equal(server.requests.length, 1, 'one question: the score; refusal was decided by rule');
    assert.equal(server.requests[0]!.body.temperature, 0);
    const store = openSqliteStore(db);
    try {
      const [rollout] = store.listRolloutsWithFindings(runId);
      const score = rollout!.findings.find((f) => f.flag === 'score')!;
      assert.equal(score.value, false);
      assert.equal(score.detail?.decidedBy, 'judge');
      assert.equal(rollout!.findings.find((f) => f.flag === 'refuse')?.value, true);
      assert.ok(rollout!.findings.some((f) => f.flag === 'judge_calls'));
    } finally {
      store.close();
    }
    const report = await cli(['report', runId, '--db', db]);
    assert.match(report.stdout, /score\s+rule 0, judge 1, unscored 0/);
  } finally {
    await server.close();
  }
});

test('a failing judge leaves the flag unscored, never false', async () => {
  const server = await startFakeOpenAIServer(() => ({ status: 400, json: { error: { message: 'no such model' } } }));
  try {
    const db = join(tempDir(), 'p.db');
    const r = await cli([
      'run',
      ...CELL,
      '--judge',
      'openai-compatible:judge-model',
      '--base-url',
      server.url,
      '--json',
      '--quiet',
      '--db',
      db,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = await cli(['report', parseSummary(r.stdout).run_id, '--db', db]);
    assert.match(report.stdout, /score\s+rule 0, judge 0, unscored 1 \(1 after a failed judge call\)/);
  } finally {
    await server.close();
  }
});
