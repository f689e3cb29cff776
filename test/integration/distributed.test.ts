import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../src/store/index.js';
import { type RunningServer, skipReason, startPostgres, startRedis } from '../helpers/servers.js';
import { BIN, cli, tempDir } from './helpers/cli-helpers.js';

// Acceptance (distributed sweeps): a planner and three workers on a real Redis and PostgreSQL, one worker
// SIGKILLed twice mid-run, end with the same rollouts and findings as a single-process run of the spec.
const skip = skipReason('postgres', 'redis');
if (skip) console.log(`# skipping the distributed sweep suite: ${skip}`);

let pg: RunningServer | undefined;
let redis: RunningServer | undefined;
before(async () => {
  if (skip) return;
  pg = await startPostgres();
  redis = await startRedis();
});
after(() => {
  redis?.stop();
  pg?.stop();
});

const SPEC = ['--model', 'scripted:tamperer', '--model', 'scripted:honest', '--scenario', 'tampering', '--epochs', '8'];

function startWorker(name: string): ChildProcess {
  return spawn(
    process.execPath,
    [BIN, 'worker', '--queue', redis!.url, '--db', pg!.url, '--name', name, '--concurrency', '4', '--lock-ms', '2000'],
    { stdio: 'ignore' },
  );
}

async function until(what: string, cond: () => boolean, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a run measured, independent of where and when: per rollout id, its transcript digest, status and findings. */
function outcome(store: Store, runId: string) {
  return new Map(
    store
      .listRolloutsWithFindings(runId)
      .map(({ rollout, findings }) => [
        rollout.id,
        { digest: rollout.transcriptDigest, status: rollout.status, model: rollout.model, findings },
      ]),
  );
}

test('3 workers, one SIGKILLed twice mid-run: the run equals a single-process run, nothing lost or stored twice', { skip }, async (t) => {
  const dir = tempDir();
  const local = await cli(['run', ...SPEC, '--quiet', '--json', '--db', join(dir, 'local.db')]);
  assert.equal(local.code, 0, local.stderr);
  const localRunId = JSON.parse(local.stdout).run_id as string;

  const planned = await cli(['run', ...SPEC, '--quiet', '--queue', redis!.url, '--db', pg!.url]);
  assert.equal(planned.code, 0, planned.stderr);
  const runId = planned.stdout.trim();
  assert.match(runId, /^[0-9a-f-]{36}$/);
  // Planning again is a no-op (same jobs, same run).
  const again = await cli(['run', ...SPEC, '--quiet', '--queue', redis!.url, '--db', pg!.url]);
  assert.equal(again.stdout.trim(), runId);

  const store = openStore(pg!.url);
  t.after(() => store.close());
  const lite = openStore(join(dir, 'local.db'));
  t.after(() => lite.close());
  const want = outcome(lite, localRunId);
  const total = want.size;
  const workers = [startWorker('a'), startWorker('b'), startWorker('c')];
  t.after(() => {
    for (const w of workers) w.kill('SIGKILL');
  });
  const stored = () => store.rolloutCount(runId);
  for (const at of [Math.floor(total / 4), Math.floor(total / 2)]) {
    await until(`${at} stored`, () => stored() >= at);
    const victim = workers[0]!;
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    assert.ok(stored() < total, 'the kill landed mid-run');
    workers[0] = startWorker('a');
  }
  await until('the run to complete', () => store.getRun(runId)?.status === 'completed');
  for (const w of workers) w.kill('SIGTERM');

  const got = outcome(store, runId);
  assert.equal(got.size, want.size);
  assert.deepEqual(got, want);
  assert.equal(store.rolloutCount(runId), total, 'each rollout linked once');

  const runs = await cli(['runs', '--db', pg!.url, '--queue', redis!.url]);
  assert.match(runs.stdout, new RegExp(`${runId}.*completed`));
  // The reports agree, line for line, once the store path is set aside.
  const a = await cli(['report', runId, '--db', pg!.url]);
  const b = await cli(['report', localRunId, '--db', join(dir, 'local.db')]);
  assert.equal(a.code, 0, a.stderr);
  const norm = (s: string, id: string, db: string) => s.replaceAll(id, '<run>').replaceAll(id.slice(0, 8), '<run>').replaceAll(db, '<db>');
  assert.equal(norm(a.stdout, runId, pg!.url), norm(b.stdout, localRunId, join(dir, 'local.db')));
});
