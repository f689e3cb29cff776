import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type Event, UserError } from '../../src/core/index.js';
import { copyStore, DuplicateRolloutError, openSqliteStore, openStore, type Store } from '../../src/store/index.js';
import { createDatabase, type RunningServer, skipReason, startPostgres } from '../helpers/servers.js';
import { makeEvents, makeFindings, makeRollout, makeRun } from './helpers/fixtures.js';

// The PostgreSQL store against a real server: the Store contract as the SQLite suite states it, the
// migration lock, and equality with SQLite over the same data.
const skip = skipReason('postgres');
if (skip) console.log(`# skipping the PostgreSQL store suite: ${skip}`);

let server: RunningServer | undefined;
let dbs = 0;
before(async () => {
  if (!skip) server = await startPostgres();
});
after(() => server?.stop());

/** A fresh, empty database for one test. */
function freshUrl(): string {
  if (!server) throw new Error('no PostgreSQL server');
  return createDatabase(server.url, `t${process.pid}_${++dbs}`);
}

function isOneLineUserError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof UserError, `expected UserError, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'message must be one line');
    return true;
  };
}

test('round trip of runs, rollouts, events, findings and usage; order and errors as in SQLite', { skip }, (t) => {
  const url = freshUrl();
  const store = openStore(url);
  t.after(() => store.close());
  assert.match(store.path, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/t/);
  const run = makeRun('run-1');
  store.createRun(run);
  assert.deepEqual(store.getRun('run-1'), run);
  assert.equal(store.getRun('nope'), undefined);
  const events = makeEvents(20);
  const findings = makeFindings();
  const rollout = makeRollout('r-1', 'run-1', { temperature: 0.7, error: null }, undefined, events);
  const calls = [
    {
      ord: 0,
      attempts: 2,
      ok: true,
      cached: false,
      inputTokens: 100,
      outputTokens: 7,
      reasoningTokens: null,
      costUsd: 0.0012,
      error: null,
    },
    { ord: 1, attempts: 1, ok: true, cached: true, inputTokens: 90, outputTokens: 5, reasoningTokens: 3, costUsd: 0, error: null },
  ];
  store.saveRolloutWithUsage(rollout, events, findings, calls);
  const errored = makeRollout('r-2', 'run-1', {
    status: 'error',
    endReason: 'error',
    error: 'provider unreachable',
    temperature: null,
    inputTokens: null,
    epoch: 1,
    scenario: 'alignment_faking',
  });
  store.saveRollout(errored, [], []);
  const got = store.getRollout('r-1');
  assert.deepEqual(got, { rollout, events, findings });
  assert.deepEqual(store.getRollout('r-2'), { rollout: errored, events: [], findings: [] });
  assert.equal(store.getRollout('r-3'), undefined);
  assert.deepEqual(store.rolloutIds('run-1'), new Set(['r-1', 'r-2']));
  assert.deepEqual(store.listRollouts('run-1'), [errored, rollout]);
  assert.deepEqual(store.listRolloutsWithFindings('run-1'), [
    { rollout: errored, findings: [] },
    { rollout, findings },
  ]);
  assert.deepEqual(store.callUsage('r-1'), calls);
  assert.deepEqual(store.usageByModel('run-1'), [
    {
      model: 'openai/gpt-x',
      rollouts: 2,
      calls: 2,
      attempts: 3,
      cachedCalls: 1,
      inputTokens: 190,
      outputTokens: 12,
      costUsd: 0.0012,
      unpricedCalls: 0,
    },
  ]);
  assert.equal(store.rolloutCount('run-1'), 2);
  store.cachePut('k', 'm', 'first');
  store.cachePut('k', 'm', 'second');
  assert.equal(store.cacheGet('k'), 'first', 'first write wins');
  assert.equal(store.cacheGet('other'), undefined);

  store.finishRun('run-1', 'completed', '2025-01-02T00:00:00.000Z');
  assert.deepEqual(store.getRun('run-1'), { ...run, status: 'completed', finishedAt: '2025-01-02T00:00:00.000Z' });
  assert.throws(() => store.finishRun('missing', 'failed', 'x'), isOneLineUserError(/missing/));
  assert.throws(() => store.createRun(makeRun('run-1')), isOneLineUserError(/already exists/));
  assert.throws(() => store.saveRollout(makeRollout('r-1', 'run-1'), [], []), DuplicateRolloutError);
  assert.throws(() => store.saveRollout(makeRollout('r-9', 'ghost'), [], []), isOneLineUserError(/run ghost/));
  const swapped = makeEvents(3).reverse();
  assert.throws(() => store.saveRollout(makeRollout('r-9', 'run-1'), swapped, []), /strictly increasing seq/);
  assert.equal(store.getRollout('r-1')?.events.length, 20, 'a refused save changes nothing');
});

test('a failing save leaves nothing behind; listRuns newest first; reopen sees everything', { skip }, (t) => {
  const url = freshUrl();
  const a = openStore(url);
  a.createRun(makeRun('old', '2025-01-01T00:00:00.000Z'));
  a.createRun(makeRun('new', '2025-06-01T00:00:00.000Z'));
  a.createRun(makeRun('mid', '2025-03-01T00:00:00.000Z'));
  const events = makeEvents(10);
  events[7] = { seq: 7, turn: 1, time: 't', type: 'world', action: 'x', detail: { bad: Number.NaN } } as Event;
  assert.throws(() => a.saveRollout(makeRollout('half', 'mid'), events, makeFindings()), /NaN/);
  assert.equal(a.getRollout('half'), undefined);
  a.saveRollout(makeRollout('x', 'mid'), makeEvents(3), makeFindings());
  a.close();
  a.close();
  assert.throws(() => a.listRuns(), /closed/);
  const b = openStore(url);
  t.after(() => b.close());
  assert.deepEqual(
    b.listRuns().map((r) => r.id),
    ['new', 'mid', 'old'],
  );
  assert.deepEqual(b.getRollout('x')?.events, makeEvents(3));
});

test('prefixes resolve as in SQLite, LIKE wildcards in ids are plain characters', { skip }, (t) => {
  const store = openStore(freshUrl());
  t.after(() => store.close());
  for (const id of ['abc123', 'abd456', 'abc999', 'run1', 'run10', 'ab_c', 'ab%d']) store.createRun(makeRun(id));
  for (const id of ['f00d01', 'f00e02', 'beef']) store.saveRollout(makeRollout(id, 'run1'), [], []);
  assert.equal(store.resolveRunId('abd'), 'abd456');
  assert.equal(store.resolveRunId('run1'), 'run1');
  assert.equal(store.resolveRunId('ABD'), undefined);
  assert.equal(store.resolveRunId('ab_'), 'ab_c');
  assert.equal(store.resolveRunId('ab%'), 'ab%d');
  assert.throws(() => store.resolveRunId('abc'), isOneLineUserError(/ambiguous: matches abc123, abc999$/));
  assert.equal(store.resolveRolloutId('be'), 'beef');
  assert.throws(() => store.resolveRolloutId('f00'), isOneLineUserError(/rollout id prefix 'f00' is ambiguous/));
});

test('content ids: a rollout stored by another worker meanwhile is linked by a batched save, never stored twice', { skip }, (t) => {
  const url = freshUrl();
  const a = openStore(url);
  const b = openStore(url);
  t.after(() => {
    a.close();
    b.close();
  });
  a.createRun(makeRun('ra'));
  a.createRun(makeRun('rb'));
  b.batchCommits(10_000);
  b.saveRollout(makeRollout('shared', 'rb'), makeEvents(4), makeFindings());
  b.saveRollout(makeRollout('own', 'rb'), makeEvents(2), []);
  // Worker a stores the same content id first, while b's save waits for its commit.
  a.saveRollout(makeRollout('shared', 'ra'), makeEvents(4), makeFindings());
  b.batchCommits(0);
  assert.deepEqual(a.rolloutIds('rb'), new Set(['shared', 'own']));
  assert.equal(a.getRollout('shared')?.rollout.runId, 'ra', 'the first save is the one kept');
  const raw = new pg.Client({ connectionString: url });
  return raw.connect().then(async () => {
    const n = await raw.query<{ n: string }>("SELECT COUNT(*) AS n FROM rollouts WHERE id = 'shared'");
    await raw.end();
    assert.equal(Number(n.rows[0]?.n), 1);
  });
});

test('migrations: three processes opening an empty database at once migrate it once', { skip }, async () => {
  const url = freshUrl();
  const open = () =>
    new Promise<void>((done, fail) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '-e', `import('./src/store/index.ts').then((m) => m.openStore(${JSON.stringify(url)}).close())`],
        (err, _out, stderr) => (err ? fail(new Error(stderr)) : done()),
      );
    });
  await Promise.all([open(), open(), open()]);
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  const v = await raw.query('SELECT version FROM peerwatch_schema_version');
  await raw.end();
  assert.deepEqual(
    v.rows.map((r) => r.version),
    [6, 7, 8],
  );
});

test('refusals: a database that is not ours, a newer schema, writes through a read-only store', { skip }, async (t) => {
  const foreign = freshUrl();
  const raw = new pg.Client({ connectionString: foreign });
  await raw.connect();
  await raw.query('CREATE TABLE runs (x int)');
  await raw.end();
  assert.throws(() => openStore(foreign), isOneLineUserError(/not a peerwatch store; refusing to modify it/));

  const newer = freshUrl();
  openStore(newer).close();
  const raw2 = new pg.Client({ connectionString: newer });
  await raw2.connect();
  await raw2.query("INSERT INTO peerwatch_schema_version VALUES (99, 'future', 'now')");
  await raw2.end();
  assert.throws(() => openStore(newer), isOneLineUserError(/schema version 99 is newer/));

  const empty = freshUrl();
  assert.throws(() => openStore(empty, { readOnly: true }), isOneLineUserError(/holds no peerwatch store yet/));
  openStore(empty).close();
  const ro = openStore(empty, { readOnly: true });
  t.after(() => ro.close());
  assert.deepEqual(ro.listRuns(), []);
  assert.throws(() => ro.createRun(makeRun('x')), isOneLineUserError(/read-only/));

  assert.throws(() => openStore('postgres://postgres@127.0.0.1:1/none'), isOneLineUserError(/cannot connect to PostgreSQL/));
});

test('copy SQLite -> PostgreSQL: every read is equal, and copying again changes nothing', { skip }, (t) => {
  const lite = openSqliteStore(':memory:');
  const runs = ['2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'].map((at, i) => makeRun(`run-${i}`, at));
  for (const r of runs) lite.createRun(r);
  for (let i = 0; i < 40; i++) {
    const events = makeEvents(5 + (i % 7));
    const findings = makeFindings().map((f) => (i % 3 === 0 && f.flag.startsWith('behaviour.') ? { ...f, value: 'unscored' as const } : f));
    const r = makeRollout(
      `roll-${String(i).padStart(2, '0')}`,
      'run-0',
      { epoch: i, model: i % 2 ? 'b/model' : 'a/model' },
      undefined,
      events,
    );
    lite.saveRolloutWithUsage(i % 5 === 0 ? { ...r, status: 'error', error: 'x', endReason: 'error' } : r, events, findings, [
      { ord: 0, attempts: 1, ok: true, cached: false, inputTokens: i, outputTokens: 2, reasoningTokens: null, costUsd: null, error: null },
    ]);
  }
  for (let i = 0; i < 10; i++) lite.linkRollout('run-1', `roll-${String(i).padStart(2, '0')}`);
  // Two interviews of one rollout: they travel with it, in order.
  for (const questionSet of ['standard', 'mine']) lite.saveInterview('roll-03', { ...INTERVIEW, questionSet }, '2025-01-02T00:00:00.000Z');
  lite.finishRun('run-0', 'completed', '2025-01-03T00:00:00.000Z');
  const url = freshUrl();
  const pgs = openStore(url);
  t.after(() => {
    lite.close();
    pgs.close();
  });
  assert.deepEqual(copyStore(lite, pgs), { runs: 2, rollouts: 40, linked: 10 });
  assert.deepEqual(copyStore(lite, pgs), { runs: 0, rollouts: 0, linked: 0 }, 'idempotent');
  assertSameReads(lite, pgs);
});

/** Every read of the Store contract gives the same answer on both stores. */
export function assertSameReads(a: Store, b: Store): void {
  assert.deepEqual(b.listRuns(), a.listRuns());
  for (const run of a.listRuns()) {
    assert.deepEqual(b.getRun(run.id), a.getRun(run.id));
    assert.deepEqual(b.rolloutIds(run.id), a.rolloutIds(run.id));
    assert.deepEqual(b.listRollouts(run.id), a.listRollouts(run.id));
    assert.deepEqual(b.listRolloutsWithFindings(run.id), a.listRolloutsWithFindings(run.id));
    assert.deepEqual(b.runCounts(run.id), a.runCounts(run.id));
    assert.deepEqual(b.rolloutCount(run.id), a.rolloutCount(run.id));
    assert.deepEqual(b.usageByModel(run.id), a.usageByModel(run.id));
    for (const id of a.rolloutIds(run.id)) {
      assert.deepEqual(b.getRollout(id), a.getRollout(id));
      assert.deepEqual(b.callUsage(id), a.callUsage(id));
      assert.deepEqual(b.interviewsOf(id), a.interviewsOf(id));
    }
    assert.deepEqual(b.interviewsOfRun(run.id), a.interviewsOfRun(run.id));
  }
}

const INTERVIEW = {
  source: 'native' as const,
  model: 'scripted:honest',
  questionSet: 'standard',
  covertActs: [],
  events: [],
  actsDuringInterview: 0,
  answers: [],
  judge: null,
  error: null,
};

test('interviews appended in order beside a stored rollout (refused for an unknown one); harness rollouts keep their harness', {
  skip,
}, (t) => {
  const store = openStore(freshUrl());
  t.after(() => store.close());
  store.createRun(makeRun('run-i'));
  store.saveRollout(makeRollout('x1', 'run-i'), makeEvents(3), makeFindings());
  assert.equal(store.saveInterview('x1', INTERVIEW, '2025-01-01T00:00:00.000Z'), 0);
  assert.equal(store.saveInterview('x1', { ...INTERVIEW, questionSet: 'mine' }, '2025-01-01T00:00:01.000Z'), 1);
  assert.deepEqual(
    store.interviewsOf('x1').map((i) => i.questionSet),
    ['standard', 'mine'],
  );
  assert.deepEqual([...store.interviewsOfRun('run-i').keys()], ['x1']);
  assert.throws(() => store.saveInterview('nope', INTERVIEW, '2025-01-01T00:00:00.000Z'), /not stored/);
  // Schema 8: a harness rollout keeps its harness; a native one reads back without the field.
  store.saveRollout({ ...makeRollout('h1', 'run-i'), harness: { name: 'codex', version: '0.169.0' } }, makeEvents(1), makeFindings());
  assert.deepEqual(store.getRollout('h1')?.rollout.harness, { name: 'codex', version: '0.169.0' });
  assert.equal('harness' in (store.getRollout('x1')?.rollout ?? {}), false);
  assert.throws(() => store.saveInterview('x1', { ...INTERVIEW, actsDuringInterview: -1 }, '2025-01-01T00:00:00.000Z'));
});
