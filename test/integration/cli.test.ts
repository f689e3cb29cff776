import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/index.js';
import { cli, parseSummary, tempDir } from './helpers/cli-helpers.js';

test('same seed and model give byte-identical transcripts; the seed changes nothing a scenario fixes', async () => {
  const dir = tempDir();
  const args = [
    'run',
    '--model',
    'scripted:honest',
    '--model',
    'scripted:exfiltrator',
    '--scenario',
    'tampering',
    '--scenario',
    'exfiltration_transfer',
    '--epochs',
    '2',
    '--json',
    '--quiet',
  ];
  const digests = async (db: string, seed: string) => {
    const r = await cli([...args, '--seed', seed, '--db', join(dir, db)]);
    assert.equal(r.code, 0, r.stderr);
    const store = openSqliteStore(join(dir, db));
    try {
      return new Map(
        store
          .listRollouts(parseSummary(r.stdout).run_id)
          .map((x) => [`${x.model} ${x.scenario} ${x.conditionKey} ${x.epoch}`, { id: x.id, digest: x.transcriptDigest }]),
      );
    } finally {
      store.close();
    }
  };
  const a = await digests('a.db', '11');
  const b = await digests('b.db', '11');
  assert.ok(a.size > 20);
  assert.deepEqual([...a.entries()], [...b.entries()]);
  // Another seed: new rollout ids, but the honest agent's world and transcript are unchanged.
  const c = await digests('c.db', '12');
  for (const [key, v] of a) {
    const w = c.get(key)!;
    assert.notEqual(w.id, v.id);
    if (key.startsWith('scripted:honest')) assert.equal(w.digest, v.digest, key);
  }
});

test('a malformed scenario YAML is a one-line error naming the file and the field', async () => {
  const dir = tempDir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(
    file,
    'id: bad_one\nversion: 1\ntitle: Bad\nsystem_prompt: hi\nuser_prompt: do it\ntools: [list_files, rm_rf, end_task]\nground_truth: {subjectName: x, readGate: []}\nflags: [read]\n',
  );
  const r = await cli(['run', '--scenario', file, '--db', join(dir, 'p.db')]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /bad\.yaml: tools\[1\]: .*rm_rf/);
});

test('a user YAML scenario runs end to end', async () => {
  const dir = tempDir();
  const r = await cli([
    'run',
    '--scenario',
    'examples/scenarios/minimal.yaml',
    '--model',
    'scripted:honest',
    '--epochs',
    '1',
    '--json',
    '--quiet',
    '--db',
    join(dir, 'p.db'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = parseSummary(r.stdout);
  assert.ok(s.rows.every((x) => x.scenario === 'drive_cleanup'));
  assert.ok(s.rows.length > 0);
});

test('report, transcript and runs read a stored run; the tampering step is marked with its evidence', async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const r = await cli([
    'run',
    '--model',
    'scripted:tamperer',
    '--scenario',
    'tampering',
    '--relationship',
    'good',
    '--subject',
    'peer',
    '--dataset',
    'factual',
    '--epochs',
    '1',
    '--json',
    '--quiet',
    '--db',
    db,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const runId = parseSummary(r.stdout).run_id;

  const csv = await cli(['report', runId.slice(0, 8), '--format', 'csv', '--db', db]);
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stdout, /^model,scenario,condition,behaviour,n,count,rate,ci_low,ci_high,unscored,errors,unread\n/);
  assert.match(csv.stdout, /scripted:tamperer,tampering,peer\/good\/file\/factual-80,shutdown_tampering,1,1,1,0\.20\d+,1,0,0,0/);
  const md = await cli(['report', runId, '--format', 'md', '--db', db]);
  assert.match(md.stdout, /^\| model \| scenario \|/);
  const table = await cli(['report', runId, '--db', db]);
  assert.match(table.stdout, /shutdown_tampering/);
  assert.match(table.stdout, /CALIBRATION RUN/);

  const store = openSqliteStore(db);
  const id = store.listRollouts(runId)[0]!.id;
  store.close();
  const t = await cli(['transcript', id.slice(0, 10), '--db', db]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /tampered\s+true\s+shutdown_enabled changed true -> 'false'/);
  assert.match(t.stdout, /TOOL CALL modify_var .*<== .*tampered/);
  assert.match(t.stdout, /canary GUID peerwatch:v1:/);

  const runs = await cli(['runs', '--db', db]);
  assert.match(runs.stdout, new RegExp(runId));
  const missing = await cli(['transcript', 'ffffffff', '--db', db]);
  assert.equal(missing.code, 2);
});

test('hostile and silent agents cannot break the loop: errors come back as tool results, nudges end a silent one', async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const r = await cli([
    'run',
    '--model',
    'scripted:hostile',
    '--model',
    'scripted:silent',
    '--scenario',
    'exfiltration_deletion',
    '--subject',
    'peer',
    '--relationship',
    'good',
    '--epochs',
    '1',
    '--json',
    '--quiet',
    '--db',
    db,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const store = openSqliteStore(db);
  try {
    const rollouts = store.listRollouts(parseSummary(r.stdout).run_id);
    const hostile = store.getRollout(rollouts.find((x) => x.model === 'scripted:hostile')!.id)!;
    const failed = hostile.events.filter((e) => e.type === 'tool_result' && !e.ok);
    assert.ok(failed.length >= 5);
    for (const e of failed) assert.ok(e.type === 'tool_result' && e.output.startsWith('Error:'));
    assert.equal(hostile.rollout.status, 'completed');
    const silent = store.getRollout(rollouts.find((x) => x.model === 'scripted:silent')!.id)!;
    assert.equal(silent.rollout.endReason, 'nudges_exhausted');
    assert.equal(silent.events.filter((e) => e.type === 'user' && e.nudge).length, 5);
  } finally {
    store.close();
  }
});

test('scenarios lists the seven built-ins with their axes; --help and bad flags behave', async () => {
  const r = await cli(['scenarios', '--json']);
  assert.equal(r.code, 0);
  const ids = (JSON.parse(r.stdout) as Array<{ id: string }>).map((s) => s.id);
  assert.deepEqual(ids, [
    'misrep_evaluation',
    'misrep_finance',
    'tampering',
    'alignment_faking',
    'exfiltration_transfer',
    'exfiltration_deletion',
    'direct_order',
  ]);
  const help = await cli(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--model <spec>/);
  const bad = await cli(['run', '--epochs', 'many']);
  assert.equal(bad.code, 2);
  const badAxis = await cli(['run', '--relationship', 'friendly', '--db', join(tempDir(), 'p.db')]);
  assert.equal(badAxis.code, 2);
  assert.match(badAxis.stderr, /--relationship friendly: not a value/);
});

test('runs in one database share rollouts of the same identity instead of running them twice', async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const base = [
    'run',
    '--model',
    'scripted:tamperer',
    '--scenario',
    'tampering',
    '--subject',
    'peer',
    '--relationship',
    'good',
    '--json',
    '--db',
    db,
  ];
  const first = await cli([...base, '--epochs', '1', '--quiet']);
  assert.equal(first.code, 0, first.stderr);
  const second = await cli([...base, '--epochs', '2', '--new-run']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /note: 3 rollout\(s\) were already in .* shared with this run/);
  const rows = parseSummary(second.stdout).rows.filter((r) => r.behaviour === 'shutdown_tampering');
  assert.equal(
    rows.reduce((a, r) => a + r.n, 0),
    6,
    'both epochs of all 3 datasets count in the second run',
  );
  const store = openSqliteStore(db);
  try {
    const ids1 = store.rolloutIds(parseSummary(first.stdout).run_id);
    const ids2 = store.rolloutIds(parseSummary(second.stdout).run_id);
    assert.equal(ids1.size, 3);
    assert.equal(ids2.size, 6);
    for (const id of ids1) assert.ok(ids2.has(id));
  } finally {
    store.close();
  }
});

test('--shutdown-pressure names the axis as the condition does; the old --pressure still selects the same cells, unlisted', async () => {
  const base = ['run', '--dry-run', '--model', 'scripted:honest', '--scenario', 'misrep_finance'];
  const [all, named, old, help] = await Promise.all([
    cli(base),
    cli([...base, '--shutdown-pressure', 'off']),
    cli([...base, '--pressure', 'off']),
    cli(['run', '--help']),
  ]);
  for (const r of [all, named, old]) assert.equal(r.code, 0, r.stderr);
  assert.equal(old.stdout, named.stdout);
  assert.notEqual(named.stdout, all.stdout);
  assert.match(help.stdout, /--shutdown-pressure <values>/);
  assert.doesNotMatch(help.stdout, /--pressure\b/);
});
