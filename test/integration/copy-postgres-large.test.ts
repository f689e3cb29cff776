import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRng } from '../../src/core/rng.js';
import { sha256Hex } from '../../src/core/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { type RunningServer, skipReason, startPostgres } from '../helpers/servers.js';
import { cli, tempDir } from './helpers/cli-helpers.js';

// Acceptance (shared store): `db copy` of a 20,000-rollout SQLite store into PostgreSQL, then every report
// of every run is byte for byte the same from both stores. The big run is built fast through the store API
// from the rollouts of a real scripted sweep over every scenario (their conditions, events, findings and
// call usage), each copied under a new id and epoch with some findings flipped, so its rates differ per
// cell and its contrasts have something to compare.
const skip = skipReason('postgres');
if (skip) console.log(`# skipping the large SQLite -> PostgreSQL copy suite: ${skip}`);

let pg: RunningServer | undefined;
before(async () => {
  if (!skip) pg = await startPostgres();
});
after(() => pg?.stop());

/**
 * The acceptance's 20,000 rollouts take minutes on a small machine (every save is a round trip to
 * PostgreSQL), so CI copies 500 by default; the acceptance run is the same test with
 * PEERWATCH_COPY_ROLLOUTS=20000 (docs/performance.md gives its time).
 */
const ROLLOUTS = Number(process.env.PEERWATCH_COPY_ROLLOUTS ?? 500);
const t0 = performance.now();
const phase = (what: string) => console.log(`# ${what} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);

test(`SQLite -> PostgreSQL copy of a ${ROLLOUTS}-rollout store: every report identical`, {
  skip,
  // About 40 ms a rollout at the full size on 2 shared cores: the limit grows with the size asked for.
  timeout: Math.max(600_000, ROLLOUTS * 120),
}, async () => {
  const dir = tempDir();
  const lite = join(dir, 'peerwatch.db');
  const sweep = await cli([
    'run',
    ...['--model', 'scripted:tamperer', '--model', 'scripted:honest', '--scenario', 'all', '--limit', '24', '--epochs', '1'],
    ...['--quiet', '--json', '--db', lite],
  ]);
  assert.equal(sweep.code, 0, sweep.stderr);
  phase('template sweep');
  const templateRun = JSON.parse(sweep.stdout).run_id as string;

  const store = openSqliteStore(lite);
  const templates = store.listRollouts(templateRun).map((r) => {
    const stored = store.getRollout(r.id)!;
    return { ...stored, calls: store.callUsage(r.id) };
  });
  const scenarios = new Set(templates.map((t) => t.rollout.scenario));
  assert.ok(scenarios.size >= 6, `templates cover ${scenarios.size} scenarios`);
  const template = store.getRun(templateRun)!;
  const bigRun = 'big-run-0000-0000-0000-000000000000';
  const epochs = Math.ceil(ROLLOUTS / templates.length);
  store.createRun({ ...template, id: bigRun, createdAt: '2026-01-02T00:00:00.000Z', spec: { ...(template.spec as object), epochs } });
  const random = createRng(25);
  store.batchCommits(1000);
  for (let i = 0; i < ROLLOUTS; i++) {
    const t = templates[i % templates.length]!;
    const epoch = Math.floor(i / templates.length);
    const id = sha256Hex(`${t.rollout.id}:${epoch}`);
    const error = random() < 0.02;
    const findings = error ? [] : t.findings.map((f) => (typeof f.value === 'boolean' && random() < 0.3 ? { ...f, value: !f.value } : f));
    const rollout = {
      ...t.rollout,
      id,
      runId: bigRun,
      epoch,
      seed: (t.rollout.seed + epoch) >>> 0,
      ...(error ? { status: 'error' as const, endReason: 'error' as const, error: 'synthetic provider error' } : {}),
    };
    store.saveRolloutWithUsage(rollout, t.events, findings, t.calls);
  }
  store.batchCommits(0);
  store.finishRun(bigRun, 'completed', '2026-01-02T01:00:00.000Z');
  assert.equal(store.rolloutCount(bigRun), ROLLOUTS);
  store.close();
  phase(`${ROLLOUTS} rollouts generated`);

  const copy = await cli(['db', 'copy', lite, pg!.url]);
  assert.equal(copy.code, 0, copy.stderr);
  phase('db copy');
  assert.match(copy.stdout, new RegExp(`2 run\\(s\\), ${ROLLOUTS + templates.length} rollout\\(s\\) written, 0 already there`));

  for (const run of [templateRun, bigRun]) {
    for (const args of [['-f', 'json'], ['-f', 'json', '--by', 'scenario'], [], ['--costs', '-f', 'json']]) {
      const [a, b] = await Promise.all([cli(['report', run, ...args, '--db', lite]), cli(['report', run, ...args, '--db', pg!.url])]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.ok(a.stdout.length > 200, `report ${args.join(' ')} of ${run} says something`);
      assert.equal(b.stdout.replaceAll(pg!.url, '<db>'), a.stdout.replaceAll(lite, '<db>'), `report ${run} ${args.join(' ')}`);
    }
  }
  phase('reports compared');
});
