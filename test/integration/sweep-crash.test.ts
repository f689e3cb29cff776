import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/index.js';
import { BIN, cli, tempDir } from './helpers/cli-helpers.js';

const SWEEP = [
  'run',
  '--model',
  'scripted:tamperer',
  '--model',
  'scripted:honest',
  '--scenario',
  'tampering',
  '--epochs',
  '4',
  '--concurrency',
  '8',
  '--quiet',
  '--json',
];

function storedCount(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    const raw = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (raw.prepare('SELECT COUNT(*) AS n FROM rollouts').get() as { n: number }).n;
    } finally {
      raw.close();
    }
  } catch {
    return 0; // not migrated yet
  }
}

/**
 * Starts the sweep and SIGKILLs it once `target` rollouts are stored (plus a random few ms, so the
 * kill lands anywhere: mid-rollout, mid-transaction, between saves, with finished rollouts waiting for
 * their shared commit), or lets it finish first. Saves commit in batches of up to 16 rollouts, so the
 * sweep is long enough (4 epochs) that a kill after the last target still lands before its end.
 */
function runAndKill(db: string, target: number, jitterMs: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...SWEEP, '--db', db], { stdio: 'ignore' });
    const poll = setInterval(() => {
      if (storedCount(db) >= target) {
        clearInterval(poll);
        setTimeout(() => child.kill('SIGKILL'), jitterMs);
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(poll);
      done();
    });
  });
}

function snapshot(db: string) {
  const store = openSqliteStore(db);
  try {
    const runs = store.listRuns();
    const rows = runs.flatMap((r) => store.listRolloutsWithFindings(r.id));
    return {
      runs,
      rollouts: rows.map((x) => ({ id: x.rollout.id, status: x.rollout.status, digest: x.rollout.transcriptDigest, findings: x.findings })),
      calls: rows.map((x) => store.callUsage(x.rollout.id).length),
    };
  } finally {
    store.close();
  }
}

test('SIGKILL at random points, then the same command again: no rollout lost or duplicated, results equal a clean run', async () => {
  const dir = tempDir();
  const clean = join(dir, 'clean.db');
  const r = await cli([...SWEEP, '--db', clean]);
  assert.equal(r.code, 0, r.stderr);
  const expected = snapshot(clean);
  assert.ok(expected.rollouts.length > 50);

  const crashed = join(dir, 'crashed.db');
  // Deterministic "random" kill points spread over the sweep: a stored-count target plus jitter.
  const total = expected.rollouts.length;
  let x = 7;
  const rand = () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  const seen: number[] = [];
  for (const fraction of [0, 0.15, 0.35, 0.55, 0.75]) {
    await runAndKill(crashed, Math.floor(total * (fraction + 0.1 * rand())), Math.floor(rand() * 40));
    seen.push(snapshot(crashed).rollouts.length);
  }
  const resumed = await cli([...SWEEP, '--db', crashed]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const got = snapshot(crashed);

  assert.equal(got.runs.length, 1, `every restart continued the same run (stored after each kill: ${seen.join(', ')})`);
  assert.equal(got.runs[0]?.status, 'completed');
  const ids = got.rollouts.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  assert.deepEqual(got.rollouts, expected.rollouts, 'same rollouts, transcripts and findings as the clean run');
  assert.deepEqual(got.calls, expected.calls, 'every stored rollout has its per-call usage (saved in the same transaction)');
  assert.ok(
    seen.some((n) => n > 0 && n < expected.rollouts.length),
    `some kill landed mid-sweep (stored after each kill: ${seen.join(', ')})`,
  );
});
