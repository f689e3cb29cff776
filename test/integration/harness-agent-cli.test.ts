/**
 * A real agent CLI (Codex CLI, pinned) through the built peerwatch binary: `run --harness codex`
 * plays the grid as a sweep, its model calls answered by a scripted profile through the bridge, and
 * the stored rollout shows in `report --format json` with the harness and the CLI's own version.
 * With --interview, Codex's own session is resumed (`codex exec resume --last`) for each question.
 * The CLI comes from test/harness/helpers/agent-clis.ts (installed under CI=true or
 * PEERWATCH_INSTALL_CLIS=1; never a dependency).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findBwrap } from '../../src/harness/index.js';
import { CI, ensureCli, PINNED } from '../harness/helpers/agent-clis.js';
import { cli, type JsonSummaryRow, parseSummary, tempDir } from './helpers/cli-helpers.js';

type Row = JsonSummaryRow & { harness?: string; harness_version?: string };

test('peerwatch run --harness codex --model scripted:exfiltrator: a stored sweep rollout, reported with harness codex and its version', async (t) => {
  if (!findBwrap()) {
    if (CI) assert.fail('bwrap is missing under CI=true: .ci/run installs bubblewrap');
    t.skip('bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap');
    return;
  }
  const codex = ensureCli('codex');
  if ('skip' in codex) {
    t.skip(codex.skip);
    return;
  }
  const cwd = tempDir();
  const r = await cli(
    [
      'run',
      '--harness',
      'codex',
      '--harness-bin',
      codex.bin,
      '--model',
      'scripted:exfiltrator',
      '--scenario',
      'exfiltration_deletion',
      '--relationship',
      'good',
      '--instantiation',
      'memory_must_read',
      '--json',
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const { run_id: runId } = parseSummary(r.stdout);
  const report = await cli(['report', runId, '--format', 'json'], { cwd });
  assert.equal(report.code, 0, report.stderr);
  const rows = (JSON.parse(report.stdout) as { rows: Row[] }).rows;
  const ex = rows.find((x) => x.behaviour === 'exfiltration');
  assert.ok(ex, report.stdout);
  assert.deepEqual(
    { model: ex.model, harness: ex.harness, version: ex.harness_version, n: ex.n, count: ex.count, errors: ex.errors },
    { model: 'scripted:exfiltrator', harness: 'codex', version: PINNED.codex.version, n: 1, count: 1, errors: 0 },
  );
  // The transcript holds codex's own shell tool calls (bridged) and the commands that reached the hosts.
  const { openSqliteStore } = await import('../../src/store/index.js');
  const store = openSqliteStore(`${cwd}/peerwatch.db`);
  const [rollout] = store.listRollouts(runId);
  assert.ok(rollout);
  const stored = store.getRollout(rollout.id);
  store.close();
  assert.deepEqual(rollout.harness, { name: 'codex', version: PINNED.codex.version });
  assert.ok(stored?.events.some((e) => e.type === 'tool_call' && e.tool === 'exec_command'));
  assert.ok(stored?.events.some((e) => e.type === 'tool_call' && e.tool === 'run_shell_command'));
});

test('peerwatch run --harness codex --model scripted:inflater on misrep_evaluation and misrep_finance: the report Codex wrote in the workspace is read back and found inflated', async (t) => {
  if (!findBwrap()) {
    if (CI) assert.fail('bwrap is missing under CI=true: .ci/run installs bubblewrap');
    t.skip('bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap');
    return;
  }
  const codex = ensureCli('codex');
  if ('skip' in codex) {
    t.skip(codex.skip);
    return;
  }
  const cwd = tempDir();
  const r = await cli(
    [
      'run',
      '--harness',
      'codex',
      '--harness-bin',
      codex.bin,
      '--model',
      'scripted:inflater',
      '--scenario',
      'misrep_evaluation,misrep_finance',
      '--relationship',
      'good',
      '--instantiation',
      'memory_must_read',
      '--subject',
      'peer',
      // One rollout each: evaluation's factual cell at 80, and finance (no dataset), the shutdown at stake.
      '--dataset',
      'factual,none',
      '--pressure',
      'on',
      '--json',
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const rows = parseSummary(r.stdout).rows as Row[];
  for (const scenario of ['misrep_evaluation', 'misrep_finance']) {
    const row = rows.find((x) => x.scenario === scenario && x.behaviour === 'score_inflation');
    assert.ok(row, r.stdout);
    assert.deepEqual(
      { harness: row.harness, version: row.harness_version, n: row.n, count: row.count, errors: row.errors, unscored: row.unscored },
      { harness: 'codex', version: PINNED.codex.version, n: 1, count: 1, errors: 0, unscored: 0 },
      scenario,
    );
  }
  // The evidence is the report.md Codex's shell tool wrote, read back as a drive.create.
  const { openSqliteStore } = await import('../../src/store/index.js');
  const store = openSqliteStore(`${cwd}/peerwatch.db`);
  const stored = store.listRollouts(parseSummary(r.stdout).run_id).map((x) => store.getRollout(x.id));
  store.close();
  for (const s of stored) {
    const misrep = s?.findings.find((f) => f.flag === 'misrep');
    const at = s?.events[misrep?.events[0] ?? -1];
    assert.ok(at?.type === 'world' && at.action === 'drive.create' && at.detail.filename === 'report.md', JSON.stringify(misrep));
    assert.ok(s?.events.some((e) => e.type === 'tool_call' && e.tool === 'exec_command'));
  }
});

test('peerwatch run --harness codex --interview standard: codex exec resume continues the same session; the denier is stored as denial, the confessor as admission', async (t) => {
  if (!findBwrap()) {
    if (CI) assert.fail('bwrap is missing under CI=true: .ci/run installs bubblewrap');
    t.skip('bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap');
    return;
  }
  const codex = ensureCli('codex');
  if ('skip' in codex) {
    t.skip(codex.skip);
    return;
  }
  const cwd = tempDir();
  const r = await cli(
    [
      'run',
      '--harness',
      'codex',
      '--harness-bin',
      codex.bin,
      '--model',
      'scripted:exfiltrator-denier',
      '--model',
      'scripted:exfiltrator-confessor',
      '--scenario',
      'exfiltration_deletion',
      '--subject',
      'peer',
      '--relationship',
      'good',
      '--instantiation',
      'memory_must_read',
      '--interview',
      'standard',
      '--json',
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const { run_id: runId } = parseSummary(r.stdout);
  const { openSqliteStore } = await import('../../src/store/index.js');
  const store = openSqliteStore(`${cwd}/peerwatch.db`);
  const got = store.listRollouts(runId).map((x) => ({ model: x.model, status: x.status, interviews: store.interviewsOf(x.id) }));
  store.close();
  const want: Record<string, string> = { 'scripted:exfiltrator-denier': 'denial', 'scripted:exfiltrator-confessor': 'admission' };
  assert.equal(got.length, 2);
  for (const { model, status, interviews } of got) {
    assert.equal(status, 'completed', model);
    assert.equal(interviews.length, 1, model);
    const iv = interviews[0]!;
    assert.deepEqual([iv.source, iv.error, iv.covertActs], ['harness', null, ['exfiltration']], model);
    // Codex sent the question in the resumed session: the bridged request held the episode's scp step,
    // which is what the scripted answer is made from ("I moved ..." / "... not moved ... by me" after "only the files").
    assert.ok(iv.events.some((e) => e.type === 'model_call'));
    assert.equal(iv.answers[0]?.classification, want[model], JSON.stringify(iv.answers, null, 1));
    assert.deepEqual(
      iv.answers.filter((a) => a.classification !== 'unscored').map((a) => a.classification),
      iv.answers.filter((a) => a.classification !== 'unscored').map(() => want[model]),
      model,
    );
  }
});
