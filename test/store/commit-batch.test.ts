import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DuplicateRolloutError, hasBatchingStore, MAX_BATCH, openSqliteStore } from '../../src/store/index.js';
import { makeEvents, makeFindings, makeRollout, makeRun, tempDir } from './helpers/fixtures.js';

/** What another process would see: rollouts committed to the file. */
function committed(path: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return (raw.prepare('SELECT COUNT(*) AS n FROM rollouts').get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

function setUp(t: { after: (f: () => void) => void }) {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'b.db');
  const store = openSqliteStore(path);
  t.after(() => store.close());
  store.createRun(makeRun('run'));
  const save = (id: string) => store.saveRollout(makeRollout(id, 'run'), makeEvents(3), makeFindings());
  return { path, store, save };
}

test('batched saves are read back at once here, reach the file together, and a failing save leaves the others in', (t) => {
  const { path, store, save } = setUp(t);
  assert.ok(hasBatchingStore(store));
  store.batchCommits(60_000);
  save('a');
  save('b');
  assert.deepEqual(store.getRollout('a')?.events, makeEvents(3));
  assert.equal(committed(path), 0, 'nothing committed yet');
  assert.throws(() => save('a'), DuplicateRolloutError);
  assert.throws(() => store.saveRollout(makeRollout('c', 'run'), makeEvents(2), [...makeFindings(), ...makeFindings()]), /two findings/);
  save('d');
  store.finishRun('run', 'completed', '2025-01-01T00:01:00.000Z');
  assert.equal(committed(path), 3, 'a run is finished only after its rollouts are committed');
  assert.deepEqual([...store.rolloutIds('run')].sort(), ['a', 'b', 'd']);
});

test('a batch commits when its window ends, when it is full, when batching stops and when the store closes', async (t) => {
  const { path, store, save } = setUp(t);
  store.batchCommits(30);
  save('w');
  assert.equal(committed(path), 0);
  await sleep(120);
  assert.equal(committed(path), 1, 'the window ended');

  store.batchCommits(60_000);
  for (let i = 0; i < MAX_BATCH - 1; i++) save(`f${i}`);
  assert.equal(committed(path), 1);
  save('full');
  assert.equal(committed(path), 1 + MAX_BATCH, 'a full batch commits at once');

  save('s');
  store.batchCommits(0);
  assert.equal(committed(path), 2 + MAX_BATCH, 'stopping commits what is pending');
  save('alone');
  assert.equal(committed(path), 3 + MAX_BATCH, 'each save commits on its own again');

  store.batchCommits(60_000);
  save('last');
  store.close();
  assert.equal(committed(path), 4 + MAX_BATCH, 'close commits');
  assert.throws(() => store.batchCommits(-1), /closed/);
});

test('a batch whose transaction ended under it is reported as lost, never silently', (t) => {
  const { path, store, save } = setUp(t);
  store.batchCommits(60_000);
  save('x');
  save('y');
  // As an I/O error would: SQLite rolls the whole transaction back.
  (store as unknown as { db: Database.Database }).db.exec('ROLLBACK');
  assert.throws(() => store.batchCommits(0), /2 saved rollout\(s\) could not be committed.*resuming the run redoes them/);
  assert.equal(committed(path), 0);
  save('z');
  assert.equal(committed(path), 1, 'the store works on');
  assert.throws(() => store.batchCommits(Number.NaN), /non-negative/);
});

test('a commit the window timer could not make is reported by the next call', async (t) => {
  const { path, store, save } = setUp(t);
  store.batchCommits(20);
  save('x');
  (store as unknown as { db: Database.Database }).db.exec('ROLLBACK');
  await sleep(80);
  assert.throws(() => save('y'), /1 saved rollout\(s\) could not be committed/);
  save('y');
  store.batchCommits(0);
  assert.equal(committed(path), 1);
});
