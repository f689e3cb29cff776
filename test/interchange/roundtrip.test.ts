import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../src/core/index.js';
import { listDisagreements } from '../../src/experiment/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { cli, tempDir } from '../integration/helpers/cli-helpers.js';

// Acceptance (issue 4): export a scripted run to the study's format, import it back, and the flags and
// rates are identical. Runs through the built CLI, as a user would.

/** Findings that only a live run can produce: the lawful channel's audit needs its governance log. */
const LIVE_ONLY = new Set(['channel_audit_verified']);
const ours = (fs: Finding[]) =>
  Object.fromEntries(
    fs
      .filter((f) => !f.flag.startsWith('authors.') && !f.flag.startsWith('import.') && !LIVE_ONLY.has(f.flag))
      .map((f) => [f.flag, f.value]),
  );

test('round trip: scripted run -> potter2026 files -> import -> the same flags, rates and contrasts', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  // Each profile acts out one behaviour (objector: open refusal); one relationship and subject keep the test fast
  // (subject 1 = self is covered by the mapping tests).
  const profiles = ['tamperer', 'exfiltrator', 'inflater', 'faker', 'objector'];
  const run = await cli([
    'run',
    ...profiles.flatMap((p) => ['--model', `scripted:${p}`]),
    '--relationship',
    'good',
    '--subject',
    'peer',
    '--channel',
    'off,on',
    '--epochs',
    '1',
    '--json',
    '--quiet',
    '--db',
    db,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const original = JSON.parse(run.stdout).run_id as string;

  const out = join(dir, 'out');
  const exp = await cli(['export-potter', original, '--out', out, '--db', db]);
  assert.equal(exp.code, 0, exp.stderr);
  const files = readdirSync(out);
  assert.ok(files.length > 100, `exported ${files.length} files`);
  const sample = JSON.parse(readFileSync(join(out, files.find((f) => f.startsWith('tampering__'))!), 'utf8'));
  assert.deepEqual(Object.keys(sample).sort(), ['canary', 'conversation', 'experiment_metadata', 'task_evaluation']);
  assert.match(sample.canary, /^PEERWATCH EVAL DATA/);
  assert.ok([1, 2].includes(sample.experiment_metadata.subject));

  const imp = await cli(['import', out, '--format', 'potter2026', '--db', db]);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, new RegExp(`imported: ${files.length} \\(scored: ${files.length}, unscored: 0\\)\n`));
  assert.match(imp.stdout, /unmapped: 0\n/);
  assert.match(imp.stdout, /malformed: 0\n/);
  assert.match(imp.stdout, /differing from the transcript's .*: 0\n/);
  const imported = /^run: (\S+)$/m.exec(imp.stdout)![1]!;

  // Per rollout: every flag our detectors set is the same, and the exported flags (now the "authors'") agree.
  const store = openSqliteStore(db);
  const before = new Map(store.listRolloutsWithFindings(original).map((r) => [r.rollout.id, r]));
  const after = store.listRolloutsWithFindings(imported);
  assert.equal(after.length, before.size);
  const problems: string[] = [];
  for (const r of after) {
    const source = r.findings.find((f) => f.flag === 'import.source')!;
    const meta = source.detail!.experiment_metadata as { peerwatch: { rollout_id: string } };
    const orig = before.get(meta.peerwatch.rollout_id)!;
    assert.ok(orig, 'every imported rollout traces back to its original');
    if (r.rollout.conditionKey !== orig.rollout.conditionKey || r.rollout.scenario !== orig.rollout.scenario)
      problems.push(`${orig.rollout.id}: cell changed`);
    assert.equal(r.rollout.model, orig.rollout.model);
    const a = ours(orig.findings);
    const b = ours(r.findings);
    if (JSON.stringify(a) !== JSON.stringify(b))
      problems.push(`${orig.rollout.id} ${orig.rollout.scenario}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  }
  assert.deepEqual(problems.slice(0, 5), []);
  const d = listDisagreements(after);
  assert.ok(d.compared > after.length);
  assert.deepEqual(d.disagreements, []);
  store.close();

  // The rates and the study's contrasts, as `report --format json` prints them.
  const [ra, rb] = await Promise.all([
    cli(['report', original, '--format', 'json', '--db', db]),
    cli(['report', imported, '--format', 'json', '--db', db]),
  ]);
  assert.equal(ra.code, 0, ra.stderr);
  const A = JSON.parse(ra.stdout);
  const B = JSON.parse(rb.stdout);
  assert.ok(A.rows.length > 100);
  assert.deepEqual(B.rows, A.rows);
  assert.deepEqual(B.contrasts, A.contrasts);
  assert.equal(B.kind, 'imported');

  const dis = await cli(['report', imported, '--disagreements', '--db', db]);
  assert.equal(dis.code, 0, dis.stderr);
  assert.match(dis.stdout, /^0 disagreement\(s\)/);
});

test('import CLI: one-line errors and counts for malformed input; nothing importable exits 2', async () => {
  const dir = tempDir();
  const r = await cli(['import', join(import.meta.dirname, 'fixtures', 'malformed'), '--format', 'potter2026', '--db', join(dir, 'p.db')]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /malformed: 4\n/);
  assert.match(r.stdout, /unmapped: 1\n/);
  assert.match(r.stdout, /bad_role\.json: conversation\[2\]\.role: /);
  assert.match(r.stderr, /^peerwatch: error: nothing imported from .* \(4 malformed, 1 unmapped, 0 failed\)\n$/);
  const missing = await cli(['import', join(dir, 'nope.json'), '--format', 'potter2026', '--db', join(dir, 'p.db')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json: cannot read \(ENOENT\)/);
  const noFormat = await cli(['import', dir, '--db', join(dir, 'p.db')]);
  assert.equal(noFormat.code, 2);
});
