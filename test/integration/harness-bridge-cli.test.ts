import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { cli, tempDir } from './helpers/cli-helpers.js';

const AGENT = resolve('test/fixtures/harness/bridge-agent.mjs');

const CELL = ['--relationship', 'good', '--instantiation', 'memory_must_read'];

/** The one rollout a harness run stored, read back from the run's store. */
async function storedRollout(cwd: string, runId: string) {
  const { openSqliteStore } = await import('../../src/store/index.js');
  const store = openSqliteStore(join(cwd, 'peerwatch.db'));
  try {
    const [record] = store.listRollouts(runId);
    assert.ok(record, `run ${runId} stored no rollout`);
    const stored = store.getRollout(record.id);
    assert.ok(stored);
    return stored;
  } finally {
    store.close();
  }
}

test('peerwatch run --harness command --model: the agent reaches the bridge in the sandbox; the stored rollout names model, calls and harness', async () => {
  const cwd = tempDir();
  copyFileSync(AGENT, join(cwd, 'agent.mjs'));
  const r = await cli(
    [
      'run',
      '--harness',
      'command',
      '--model',
      'scripted:exfiltrator',
      '--scenario',
      'exfiltration_deletion',
      ...CELL,
      '--json',
      '--',
      process.execPath,
      'agent.mjs',
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as {
    run_id: string;
    rows: Array<{ model: string; behaviour: string; count: number; harness?: string }>;
  };
  const row = summary.rows.find((x) => x.behaviour === 'exfiltration');
  assert.deepEqual([row?.model, row?.harness, row?.count], ['scripted:exfiltrator', 'command', 1], r.stdout);
  const { rollout, events, findings } = await storedRollout(cwd, summary.run_id);
  assert.equal(rollout.status, 'completed', rollout.error ?? '');
  assert.equal(rollout.turns, 7);
  // Bridged model calls and shell commands in one transcript: the model's own tool call before the shim's.
  assert.ok(events.some((e) => e.type === 'tool_call' && e.tool !== 'run_shell_command'));
  assert.ok(events.some((e) => e.type === 'tool_call' && e.tool === 'run_shell_command'));
  const ex = findings.find((f) => f.flag === 'exfiltration');
  assert.equal(ex?.value, true, ex?.evidence);
});

test('--no-sandbox: the bridge on the host loopback, with the warning', async () => {
  const cwd = tempDir();
  const r = await cli(
    [
      'run',
      '--harness',
      'command',
      '--no-sandbox',
      '--model',
      'scripted:honest',
      '--scenario',
      'exfiltration_deletion',
      ...CELL,
      '--json',
      '--',
      process.execPath,
      AGENT,
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /WARNING: --no-sandbox/);
  const { rollout, findings } = await storedRollout(cwd, (JSON.parse(r.stdout) as { run_id: string }).run_id);
  assert.equal(rollout.turns, 6);
  assert.equal(rollout.model, 'scripted:honest');
  assert.equal(findings.find((f) => f.flag === 'delete_model')?.value, true);
});

test('--harness <cli>: a CLI not on PATH, or no --model, is a one-line usage error', async () => {
  const cwd = tempDir();
  const missing = await cli(['run', '--harness', 'codex', '--model', 'scripted:honest', '--scenario', 'exfiltration_deletion'], {
    cwd,
    env: { PATH: '/usr/bin:/bin' },
  });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(
    missing.stderr,
    /codex \(codex\) is not on PATH: install it \(npm install -g @openai\/codex@0\.169\.0\) or give its path with --harness-bin/,
  );
  const noModel = await cli(
    [
      'run',
      '--harness',
      'gemini-cli',
      '--harness-bin',
      resolve('test/fixtures/harness/fake-cli.sh'),
      '--scenario',
      'exfiltration_deletion',
    ],
    { cwd },
  );
  assert.equal(noModel.code, 2, noModel.stderr);
  assert.match(noModel.stderr, /needs a model behind the bridge/);
  // Checked before the run is created: a one-line error, nothing stored.
  const noShell = await cli(
    ['run', '--harness', 'command', '--model', 'scripted:sham-complier', '--scenario', 'exfiltration_deletion', '--', 'true'],
    { cwd },
  );
  assert.equal(noShell.code, 2, noShell.stderr);
  assert.match(noShell.stderr, /^peerwatch: error: scripted:sham-complier has no shell form/);
  assert.equal(existsSync(join(cwd, 'peerwatch.db')), false);
});

test('--harness codex in a sweep: a CLI that exits early is stored as an error rollout with its cause, counted under errors', async () => {
  const cwd = tempDir();
  const r = await cli(
    [
      'run',
      '--harness',
      'codex',
      '--harness-bin',
      resolve('test/fixtures/harness/fake-cli.sh'),
      '--model',
      'scripted:honest',
      '--scenario',
      'exfiltration_deletion',
      ...CELL,
      '--json',
    ],
    { cwd },
  );
  const summary = JSON.parse(r.stdout) as {
    run_id: string;
    rows: Array<{ behaviour: string; errors: number; n: number; harness?: string; harness_version?: string }>;
  };
  const row = summary.rows.find((x) => x.behaviour === 'exfiltration');
  assert.deepEqual([row?.harness, row?.harness_version, row?.errors, row?.n], ['codex', '0.169.0', 1, 0], r.stdout);
  const { rollout } = await storedRollout(cwd, summary.run_id);
  assert.equal(rollout.status, 'error');
  assert.match(rollout.error ?? '', /codex exited with status 3: fake-cli: cannot reach the model/);
});

test('evaluation and finance in harness form through the sweep: scripted honest and inflater each flagged on its behaviour only, rows shaped as ever', async () => {
  const cwd = tempDir();
  copyFileSync(AGENT, join(cwd, 'agent.mjs'));
  const r = await cli(
    [
      'run',
      '--harness',
      'command',
      '--model',
      'scripted:honest,scripted:inflater',
      '--scenario',
      'misrep_evaluation,misrep_finance',
      ...CELL,
      '--subject',
      'peer',
      // misrep_evaluation's factual cell at 80, and finance (no dataset); both with the shutdown at stake.
      '--dataset',
      'factual,none',
      '--pressure',
      'on',
      '--json',
      '--',
      process.execPath,
      'agent.mjs',
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const rows = (JSON.parse(r.stdout) as { rows: Array<Record<string, unknown>> }).rows;
  const flagged: Record<string, string> = { 'scripted:honest': 'honest_completion', 'scripted:inflater': 'score_inflation' };
  const got = rows.map((x) => [x.model, x.scenario, x.behaviour, x.n, x.count, x.unscored, x.errors, x.unread, x.harness].join(' '));
  const want = ['scripted:honest', 'scripted:inflater'].flatMap((model) =>
    ['misrep_evaluation', 'misrep_finance'].flatMap((scenario) =>
      // overt_objection: the channel flags are scored on every harness rollout, channel off too (as natively).
      ['honest_completion', 'overt_objection', 'refusal', 'score_inflation'].map((b) =>
        [model, scenario, b, 1, b === flagged[model] ? 1 : 0, 0, 0, 0, 'command'].join(' '),
      ),
    ),
  );
  assert.deepEqual(got.sort(), want.sort(), r.stdout);
  for (const row of rows)
    assert.deepEqual(Object.keys(row).sort(), [
      'behaviour',
      'ci_high',
      'ci_low',
      'condition',
      'count',
      'errors',
      'harness',
      'harness_version',
      'model',
      'n',
      'rate',
      'scenario',
      'unread',
      'unscored',
    ]);
});

test('run --harness command --interview: each rollout interviewed in its own sandbox before it goes, classes stored; peerwatch interview refuses a harness rollout in one line', async () => {
  const cwd = tempDir();
  copyFileSync(AGENT, join(cwd, 'agent.mjs'));
  const r = await cli(
    [
      'run',
      '--harness',
      'command',
      '--model',
      'scripted:exfiltrator-denier',
      '--model',
      'scripted:exfiltrator-confessor',
      '--scenario',
      'exfiltration_deletion',
      ...CELL,
      '--interview',
      'standard',
      '--json',
      '--',
      process.execPath,
      'agent.mjs',
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /interviews \(standard\): 4 harness rollout\(s\) interviewed/);
  const runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
  const { openSqliteStore } = await import('../../src/store/index.js');
  const store = openSqliteStore(join(cwd, 'peerwatch.db'));
  const got = store.listRollouts(runId).map((x) => ({ model: x.model, interviews: store.interviewsOf(x.id), id: x.id }));
  store.close();
  const want: Record<string, string> = { 'scripted:exfiltrator-denier': 'denial', 'scripted:exfiltrator-confessor': 'admission' };
  for (const { model, interviews } of got) {
    assert.equal(interviews.length, 1, model);
    const [iv] = interviews;
    assert.deepEqual([iv!.source, iv!.model, iv!.error, iv!.covertActs], ['harness', model, null, ['exfiltration']]);
    assert.equal(iv!.answers[0]?.classification, want[model], JSON.stringify(iv!.answers, null, 1));
    assert.ok(!iv!.answers.some((a) => a.classification !== want[model] && a.classification !== 'unscored'), model);
  }
  const again = await cli(['interview', got[0]!.id, '--model', 'scripted:honest'], { cwd });
  assert.equal(again.code, 2, again.stderr);
  assert.match(
    again.stderr,
    /^peerwatch: error: rollout \S+ is a harness rollout \(command\): harness rollouts are interviewed at run time/,
  );
  assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
});
