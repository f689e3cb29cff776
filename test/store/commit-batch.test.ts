import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DuplicateRolloutError, MAX_BATCH, openSqliteStore } from '../../src/store/index.js';
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

/** From another connection: writing rollout `id` fails, as a full disk would make it. */
function failWrites(path: string, id: string): void {
  const raw = new Database(path);
  raw.exec(`CREATE TRIGGER fail_${id} BEFORE INSERT ON rollouts WHEN NEW.id = '${id}' BEGIN SELECT RAISE(ABORT, 'disk is full'); END`);
  raw.close();
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

test('batched saves wait for their commit, a read sees them, and a refused save is refused at once', (t) => {
  const { path, store, save } = setUp(t);
  store.batchCommits(60_000);
  save('a');
  save('b');
  assert.equal(committed(path), 0, 'nothing committed yet');
  assert.throws(() => save('a'), DuplicateRolloutError, 'a duplicate of a waiting save');
  assert.throws(() => store.saveRollout(makeRollout('c', 'run'), makeEvents(2), [...makeFindings(), ...makeFindings()]), /two findings/);
  assert.throws(() => store.saveRollout(makeRollout('c', 'no-such-run'), makeEvents(2), makeFindings()), /names run no-such-run/);
  assert.deepEqual(store.getRollout('a')?.events, makeEvents(3), 'a read commits what waits first');
  assert.equal(committed(path), 2);
  assert.throws(() => save('b'), DuplicateRolloutError, 'a duplicate of a stored rollout');
  save('d');
  store.finishRun('run', 'completed', '2025-01-01T00:01:00.000Z');
  assert.equal(committed(path), 3, 'a run is finished only after its rollouts are committed');
  assert.deepEqual([...store.rolloutIds('run')].sort(), ['a', 'b', 'd']);
});

test('the write lock is taken only to commit: another connection can write while saves wait', (t) => {
  const { path, store, save } = setUp(t);
  store.batchCommits(60_000);
  save('mine');
  const other = openSqliteStore(path);
  t.after(() => other.close());
  // Stored by another process between the save and its commit: linked, not stored twice.
  other.saveRollout(makeRollout('mine', 'run', { turns: 9 }), makeEvents(2), makeFindings());
  other.createRun(makeRun('theirs'));
  save('also-mine');
  store.batchCommits(0);
  assert.equal(committed(path), 2);
  assert.equal(store.getRollout('mine')?.rollout.turns, 9, 'the first one stored stays');
  assert.deepEqual([...store.rolloutIds('run')].sort(), ['also-mine', 'mine']);
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

test('a batch that cannot be written is reported as lost, never silently, and none of it is stored', (t) => {
  const { path, store, save } = setUp(t);
  store.batchCommits(60_000);
  save('x');
  save('y');
  save('z');
  // As a failing disk would: one of the commit's writes fails.
  failWrites(path, 'y');
  assert.throws(() => store.batchCommits(0), /3 saved rollout\(s\) could not be committed \(disk is full\); resuming the run redoes them/);
  assert.equal(committed(path), 0);
  save('after');
  assert.equal(committed(path), 1, 'the store works on');
  assert.throws(() => store.batchCommits(Number.NaN), /non-negative/);
});

test('a commit the window timer could not make is reported by the next call', async (t) => {
  const { path, store } = setUp(t);
  store.batchCommits(20);
  store.saveRolloutWithUsage(makeRollout('x', 'run'), makeEvents(1), makeFindings(), []);
  failWrites(path, 'x');
  await sleep(80);
  assert.throws(() => store.listRuns(), /1 saved rollout\(s\) could not be committed/);
  assert.equal(store.listRuns().length, 1, 'reported once, then the store works on');
  assert.equal(committed(path), 0);
});
