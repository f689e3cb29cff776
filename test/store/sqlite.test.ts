import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { type Condition, canonicalJson, type Event, type Finding, sha256Hex, UserError } from '../../src/core/index.js';
import {
  APPLICATION_ID,
  applyMigrations,
  currentVersion,
  DuplicateRolloutError,
  MIGRATIONS,
  openSqliteStore,
  SCHEMA_VERSION,
} from '../../src/store/index.js';
import { findingToRow, rolloutToRow, runToRow } from '../../src/store/rows.js';
import { makeEvents, makeFindings, makeRollout, makeRun, tempDir } from './helpers/fixtures.js';

function isOneLineUserError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof UserError, `expected UserError, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'message must be one line');
    return true;
  };
}

test('round trip of runs, rollouts, events and findings (incl. unscored)', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'nested', 'deeper', 'peerwatch.db'));
  t.after(() => store.close());
  assert.ok(existsSync(join(dir, 'nested', 'deeper', 'peerwatch.db')), 'parent directories are created');

  const run = makeRun('run-1');
  store.createRun(run);
  assert.deepEqual(store.getRun('run-1'), run);
  assert.equal(store.getRun('nope'), undefined);

  const events = makeEvents(20);
  const findings = makeFindings();
  const rollout = makeRollout('r-1', 'run-1', { temperature: 0.7, error: null }, undefined, events);
  store.saveRollout(rollout, events, findings);
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
  assert.ok(got);
  assert.deepEqual(got.rollout, rollout);
  assert.deepEqual(got.events, events);
  assert.deepEqual(got.findings, findings);
  assert.equal(got.findings[2]?.value, 'unscored');
  assert.deepEqual(store.getRollout('r-2'), { rollout: errored, events: [], findings: [] });
  assert.equal(store.getRollout('r-3'), undefined);

  assert.deepEqual(store.rolloutIds('run-1'), new Set(['r-1', 'r-2']));
  assert.deepEqual(store.rolloutIds('other'), new Set());
  // Deterministic order: by scenario first, so alignment_faking precedes tampering.
  assert.deepEqual(store.listRollouts('run-1'), [errored, rollout]);
  assert.deepEqual(store.listRolloutsWithFindings('run-1'), [
    { rollout: errored, findings: [] },
    { rollout, findings },
  ]);

  store.finishRun('run-1', 'completed', '2025-01-02T00:00:00.000Z');
  assert.deepEqual(store.getRun('run-1'), { ...run, status: 'completed', finishedAt: '2025-01-02T00:00:00.000Z' });
  assert.throws(() => store.finishRun('missing', 'failed', 'x'), isOneLineUserError(/missing/));
});

test('data survive close and reopen; listRuns is newest first', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  const a = openSqliteStore(path);
  a.createRun(makeRun('old', '2025-01-01T00:00:00.000Z'));
  a.createRun(makeRun('new', '2025-06-01T00:00:00.000Z'));
  a.createRun(makeRun('mid', '2025-03-01T00:00:00.000Z'));
  a.saveRollout(makeRollout('x', 'mid'), makeEvents(3), makeFindings());
  a.close();
  a.close(); // idempotent
  assert.throws(() => a.listRuns(), /closed/);

  const b = openSqliteStore(path);
  t.after(() => b.close());
  assert.deepEqual(
    b.listRuns().map((r) => r.id),
    ['new', 'mid', 'old'],
  );
  assert.deepEqual(b.getRollout('x')?.events, makeEvents(3));
  assert.equal(b.path, path);
});

test('append-only: saving an existing rollout id is rejected and changes nothing', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'p.db'));
  t.after(() => store.close());
  store.createRun(makeRun('run'));
  const events = makeEvents(5);
  store.saveRollout(makeRollout('dup', 'run'), events, makeFindings());

  const other = makeRollout('dup', 'run', { model: 'someone/else' });
  assert.throws(
    () => store.saveRollout(other, makeEvents(9), []),
    (err) => {
      assert.ok(err instanceof DuplicateRolloutError);
      assert.ok(err instanceof UserError);
      assert.equal(err.rolloutId, 'dup');
      return true;
    },
  );
  const kept = store.getRollout('dup');
  assert.equal(kept?.rollout.model, 'openai/gpt-x');
  assert.equal(kept?.events.length, 5);
  assert.equal(kept?.findings.length, 3);

  assert.throws(() => store.createRun(makeRun('run')), isOneLineUserError(/already exists/));
});

test('a rollout is saved in one transaction: a failure midway leaves nothing behind', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'p.db'));
  t.after(() => store.close());
  store.createRun(makeRun('run'));
  const events = makeEvents(10);
  // NaN has no canonical JSON form: this throws at the 8th event, after the rollout row is written.
  events[7] = { seq: 7, turn: 1, time: 't', type: 'world', action: 'x', detail: { bad: Number.NaN } } as Event;
  assert.throws(() => store.saveRollout(makeRollout('half', 'run'), events, makeFindings()), /NaN/);
  assert.equal(store.getRollout('half'), undefined);
  assert.deepEqual(store.rolloutIds('run'), new Set());
  // The id is still free, so a retry succeeds.
  store.saveRollout(makeRollout('half', 'run'), makeEvents(10), makeFindings());
  assert.equal(store.getRollout('half')?.events.length, 10);
});

test('saveRollout rejects an unknown run, unordered events and duplicate flags', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'p.db'));
  t.after(() => store.close());
  store.createRun(makeRun('run'));
  assert.throws(() => store.saveRollout(makeRollout('r', 'ghost'), [], []), isOneLineUserError(/run ghost/));
  const swapped = makeEvents(3).reverse();
  assert.throws(() => store.saveRollout(makeRollout('r', 'run'), swapped, []), /strictly increasing seq/);
  const twice = [...makeFindings(), { flag: 'read', value: false, evidence: '', events: [] }];
  assert.throws(() => store.saveRollout(makeRollout('r', 'run'), [], twice), /two findings for flag read/);
  const invalid = [{ seq: 0, turn: 0, time: 't', type: 'user', content: 'hi' }] as unknown as Event[];
  assert.throws(() => store.saveRollout(makeRollout('r', 'run'), invalid, []), /event #0 is invalid: nudge/);
  const badValue = [{ flag: 'read', value: 'maybe', evidence: '', events: [] }] as unknown as Finding[];
  assert.throws(() => store.saveRollout(makeRollout('r', 'run'), [], badValue), /finding #0 is invalid: value/);
  const badCondition = makeRollout('r', 'run', { condition: { subject: 'alien' } as unknown as Condition });
  assert.throws(() => store.saveRollout(badCondition, [], []), /invalid condition/);
  assert.deepEqual(store.rolloutIds('run'), new Set());
});

test('prefix resolution of run and rollout ids', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'p.db'));
  t.after(() => store.close());
  for (const id of ['abc123', 'abd456', 'abc999', 'run1', 'run10', 'ab_c', 'ab%d']) store.createRun(makeRun(id));
  for (const id of ['f00d01', 'f00e02', 'beef']) store.saveRollout(makeRollout(id, 'run1'), [], []);

  assert.equal(store.resolveRunId('abc123'), 'abc123');
  assert.equal(store.resolveRunId('abd'), 'abd456');
  assert.equal(store.resolveRunId('run1'), 'run1', 'an exact id wins over a longer id it prefixes');
  assert.equal(store.resolveRunId('run10'), 'run10');
  assert.equal(store.resolveRunId('zzz'), undefined);
  assert.equal(store.resolveRunId('ABD'), undefined, 'case-sensitive');
  // LIKE wildcards in ids are plain characters.
  assert.equal(store.resolveRunId('ab_'), 'ab_c');
  assert.equal(store.resolveRunId('ab%'), 'ab%d');
  assert.throws(() => store.resolveRunId('abc'), isOneLineUserError(/ambiguous: matches abc123, abc999$/));
  assert.throws(() => store.resolveRunId('a'), isOneLineUserError(/'a' is ambiguous/));
  assert.throws(() => store.resolveRunId(''), isOneLineUserError(/empty run id/));

  assert.equal(store.resolveRolloutId('be'), 'beef');
  assert.equal(store.resolveRolloutId('f00d'), 'f00d01');
  assert.equal(store.resolveRolloutId('abc'), undefined, 'run ids are not rollout ids');
  assert.throws(() => store.resolveRolloutId('f00'), isOneLineUserError(/rollout id prefix 'f00' is ambiguous/));
});

test('ambiguous prefix lists a few matches, not all', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'p.db'));
  t.after(() => store.close());
  for (let i = 0; i < 30; i++) store.createRun(makeRun(`r${String(i).padStart(2, '0')}`));
  assert.throws(() => store.resolveRunId('r'), isOneLineUserError(/matches r00, r01, r02, r03, r04, \.\.\.$/));
});

test('migrations from empty: version table, application id, WAL, idempotent reopen', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  openSqliteStore(path).close();
  openSqliteStore(path).close();

  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  const versions = db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all();
  assert.deepEqual(
    versions,
    MIGRATIONS.map((m) => m.version),
  );
  assert.equal(currentVersion(db), SCHEMA_VERSION);
  assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
  assert.deepEqual(tables, [
    'findings',
    'interviews',
    'model_calls',
    'response_cache',
    'rollouts',
    'run_rollouts',
    'runs',
    'schema_version',
    'transcripts',
  ]);
  const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'`).pluck().all();
  assert.deepEqual(indexes, []);
});

test('applyMigrations: applies pending steps in order; a failing step rolls back everything', () => {
  const db = new Database(':memory:');
  try {
    const extra = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, description: 'good', up: (d: Database.Database) => d.exec('CREATE TABLE good (x)') },
    ];
    assert.equal(applyMigrations(db, MIGRATIONS), SCHEMA_VERSION);
    assert.equal(applyMigrations(db, extra), SCHEMA_VERSION + 1);
    const failing = [
      ...extra,
      { version: SCHEMA_VERSION + 2, description: 'half', up: (d: Database.Database) => d.exec('CREATE TABLE half (x)') },
      {
        version: SCHEMA_VERSION + 3,
        description: 'bad',
        up: () => {
          throw new Error('boom');
        },
      },
    ];
    assert.throws(() => applyMigrations(db, failing), /boom/);
    assert.equal(currentVersion(db), SCHEMA_VERSION + 1);
    assert.equal(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'half'`).get(), undefined);
    const unordered = [extra[1], extra[0]].filter((m) => m !== undefined);
    assert.throws(() => applyMigrations(db, unordered), /strictly increasing/);
  } finally {
    db.close();
  }
});

test('a store written by a newer schema is refused', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  openSqliteStore(path).close();
  const db = new Database(path);
  db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'future', 'x');
  db.close();
  assert.throws(() => openSqliteStore(path), isOneLineUserError(new RegExp(`schema version ${SCHEMA_VERSION + 1} is newer`)));
});

test('a file that is not SQLite, or SQLite but not ours, is refused untouched', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const text = join(dir, 'notes.db');
  const content = 'these are my notes, not a database\n'.repeat(200);
  writeFileSync(text, content);
  assert.throws(() => openSqliteStore(text), isOneLineUserError(/notes\.db: not a SQLite database/));
  assert.equal(readFileSync(text, 'utf8'), content);

  const foreign = join(dir, 'foreign.db');
  const db = new Database(foreign);
  db.exec('CREATE TABLE customers (id INTEGER)');
  db.close();
  assert.throws(() => openSqliteStore(foreign), isOneLineUserError(/foreign\.db: a SQLite database, but not a peerwatch store/));
  const check = new Database(foreign, { readonly: true });
  t.after(() => check.close());
  assert.deepEqual(check.prepare(`SELECT name FROM sqlite_master`).pluck().all(), ['customers']);

  assert.throws(() => openSqliteStore(dir), isOneLineUserError(/cannot open|not a SQLite/));
});

test('a corrupt stored row fails with an error naming the rollout', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  const store = openSqliteStore(path);
  t.after(() => store.close());
  store.createRun(makeRun('run'));
  store.saveRollout(makeRollout('victim', 'run'), makeEvents(4), makeFindings());
  store.saveRollout(makeRollout('victim2', 'run'), makeEvents(4), makeFindings());
  store.saveRollout(makeRollout('victim3', 'run'), makeEvents(4), makeFindings());

  const raw = new Database(path);
  t.after(() => raw.close());
  raw
    .prepare(
      `UPDATE transcripts SET events = json_replace(events, '$[2]', json('{"seq":2,"type":"user"}')) WHERE rollout_key = (SELECT key FROM rollouts WHERE id = 'victim')`,
    )
    .run();
  raw
    .prepare(
      `UPDATE findings SET events = 'not json' WHERE rollout_key = (SELECT key FROM rollouts WHERE id = 'victim2') AND flag = 'read'`,
    )
    .run();
  raw.prepare(`UPDATE rollouts SET condition = '{"subject":"alien"}' WHERE id = 'victim2'`).run();

  assert.throws(() => store.getRollout('victim'), isOneLineUserError(/rollout victim event #2 is corrupt/));
  const transcript = raw
    .prepare(`SELECT events FROM transcripts WHERE rollout_key = (SELECT key FROM rollouts WHERE id = 'victim3')`)
    .pluck();
  const original = transcript.get() as string;
  const rewrite = raw.prepare(`UPDATE transcripts SET events = ? WHERE rollout_key = (SELECT key FROM rollouts WHERE id = 'victim3')`);
  const reads = (text: string, pattern: RegExp) => {
    rewrite.run(text);
    assert.throws(() => store.getRollout('victim3'), isOneLineUserError(pattern));
  };
  reads(original.slice(0, -1), /rollout victim3 transcript is corrupt: not valid JSON/);
  reads('{"seq":0}', /rollout victim3 transcript is corrupt: not a list of events/);
  const events = JSON.parse(original) as unknown[];
  reads(JSON.stringify([events[1], events[0]]), /rollout victim3 event #1 is corrupt: seq 0 after 1/);
  rewrite.run(original);
  assert.deepEqual(store.getRollout('victim3')?.events, makeEvents(4));
  raw.prepare(`DELETE FROM transcripts WHERE rollout_key = (SELECT key FROM rollouts WHERE id = 'victim3')`).run();
  assert.throws(() => store.getRollout('victim3'), isOneLineUserError(/rollout victim3 is corrupt: it has no transcript row/));
  assert.throws(() => store.listRollouts('run'), isOneLineUserError(/rollout victim2 condition is corrupt/));
  raw.prepare(`UPDATE rollouts SET condition = (SELECT condition FROM rollouts WHERE id = 'victim') WHERE id = 'victim2'`).run();
  assert.throws(
    () => store.listRolloutsWithFindings('run'),
    isOneLineUserError(/rollout victim2 finding read events is corrupt: not valid JSON/),
  );
});

test('volume: 1,000 rollouts of 40 events each are all stored and read back intact', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'big.db'));
  t.after(() => store.close());
  store.createRun(makeRun('big'));
  const events = makeEvents(40);
  const findings = makeFindings();
  const started = performance.now();
  for (let i = 0; i < 1000; i++) {
    const id = `r${String(i).padStart(4, '0')}`;
    store.saveRollout(makeRollout(id, 'big', { epoch: i, seed: i * 7919 }, undefined, events), events, findings);
  }
  t.diagnostic(`saved 1000 x 40 events in ${Math.round(performance.now() - started)} ms`);

  assert.equal(store.rolloutIds('big').size, 1000);
  const all = store.listRolloutsWithFindings('big');
  assert.equal(all.length, 1000);
  assert.deepEqual(
    all.map((r) => r.rollout.epoch),
    [...Array(1000).keys()],
  );
  assert.ok(all.every((r) => r.findings.length === 3 && r.findings[2]?.value === 'unscored'));
  for (const id of ['r0000', 'r0500', 'r0999']) {
    const got = store.getRollout(id);
    assert.deepEqual(got?.events, events);
    assert.equal(got?.rollout.seed, Number(id.slice(1)) * 7919);
  }
});

/**
 * A database as an older peerwatch left it: the schema of `version` (migrations applied up to it),
 * run `run` and these rollouts with their events (before schema 5 one row each, written in reverse
 * order so a migration must sort them; from 5 on one transcript row), findings and (from schema 2)
 * two model calls each, in the columns of that time.
 */
function legacyDatabase(path: string, version: number, run: string, rollouts: Array<{ id: string; events: Event[] }>): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    applyMigrations(
      db,
      MIGRATIONS.filter((m) => m.version <= version),
    );
    const insert = (table: string, row: object) => {
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
    };
    insert('runs', runToRow(makeRun(run)));
    for (const r of rollouts) {
      insert('rollouts', rolloutToRow(makeRollout(r.id, run, {}, undefined, r.events)));
      if (version >= 3) insert('run_rollouts', { run_id: run, rollout_id: r.id });
      if (version >= 5) insert('transcripts', { rollout_id: r.id, events: canonicalJson(r.events) });
      else
        for (const e of [...r.events].reverse()) insert('events', { rollout_id: r.id, seq: e.seq, type: e.type, json: canonicalJson(e) });
      makeFindings().forEach((f, ord) => {
        insert('findings', { ...findingToRow(r.id, f), ord });
      });
      if (version >= 2) {
        for (const ord of [1, 0]) {
          insert('model_calls', {
            rollout_id: r.id,
            ord,
            attempts: ord + 1,
            ok: 1,
            cached: 0,
            input_tokens: 100 + ord,
            output_tokens: 10,
            reasoning_tokens: null,
            cost_usd: 0.5,
            error: null,
          });
        }
      }
    }
  } finally {
    db.close();
  }
}

test('migrations 4 and 5: the events of each rollout become one row, the same JSON in order, which hashes to its digest; unused indexes go', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  const rollouts = [
    { id: 'r-1', events: makeEvents(5) },
    { id: 'r-2', events: makeEvents(2) },
    { id: 'r-3', events: [] },
  ];
  legacyDatabase(path, 3, 'run-a', rollouts);
  const raw = new Database(path, { readonly: true });
  const rowsBefore = raw.prepare('SELECT json FROM events WHERE rollout_id = ? ORDER BY seq').pluck();
  const before = new Map(rollouts.map((r) => [r.id, `[${(rowsBefore.all(r.id) as string[]).join(',')}]`]));
  raw.close();

  const store = openSqliteStore(path); // migrates 3 -> 6
  t.after(() => store.close());
  for (const r of rollouts) assert.deepEqual(store.getRollout(r.id)?.events, r.events);
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  for (const r of rollouts) {
    const text = db
      .prepare('SELECT t.events FROM transcripts t JOIN rollouts r ON r.key = t.rollout_key WHERE r.id = ?')
      .pluck()
      .get(r.id) as string;
    assert.equal(text, before.get(r.id));
    assert.equal(sha256Hex(text), store.getRollout(r.id)?.rollout.transcriptDigest);
  }
  assert.equal(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'events'`).get(), undefined);
  const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'rollouts_%'`).pluck().all();
  assert.deepEqual(indexes, []);
  assert.deepEqual(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all(), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => store.saveRollout(makeRollout('r-1', 'run-a'), makeEvents(1), makeFindings()), DuplicateRolloutError);
  store.saveRollout(makeRollout('r-4', 'run-a', {}, undefined, makeEvents(3)), makeEvents(3), makeFindings());
  assert.deepEqual(store.getRollout('r-4')?.events, makeEvents(3));
  assert.equal(store.listRollouts('run-a').length, 4);
});

test("migration 6: every row keyed by its rollout's insertion-ordered integer key, nothing lost or changed; new saves append", (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  // Ids out of sort order, so the keys must follow the order of storage, not of ids.
  const rollouts = [
    { id: 'r-c', events: makeEvents(4) },
    { id: 'r-a', events: makeEvents(2) },
    { id: 'r-b', events: [] },
  ];
  legacyDatabase(path, 5, 'run-a', rollouts);
  const old = new Database(path);
  old
    .prepare(
      `INSERT INTO runs (id, created_at, kind, status, spec, tool_version) SELECT 'run-b', created_at, kind, status, spec, tool_version FROM runs`,
    )
    .run();
  old.prepare(`INSERT INTO run_rollouts (run_id, rollout_id) VALUES ('run-b', 'r-a')`).run();
  old.close();
  // What an old store reads back, to compare after the migration.
  const readAll = () => {
    const s = openSqliteStore(path);
    try {
      return {
        rollouts: rollouts.map((r) => s.getRollout(r.id)),
        calls: rollouts.map((r) => s.callUsage(r.id)),
        listed: ['run-a', 'run-b'].map((run) => s.listRolloutsWithFindings(run)),
        counts: ['run-a', 'run-b'].map((run) => s.runCounts(run)),
        usage: ['run-a', 'run-b'].map((run) => s.usageByModel(run)),
        ids: ['run-a', 'run-b'].map((run) => [...s.rolloutIds(run)].sort()),
      };
    } finally {
      s.close();
    }
  };
  const expected = {
    rollouts: rollouts.map((r) => ({
      rollout: makeRollout(r.id, 'run-a', {}, undefined, r.events),
      events: r.events,
      findings: makeFindings(),
    })),
    ids: [['r-a', 'r-b', 'r-c'], ['r-a']],
  };
  const after = readAll(); // migrates 5 -> 6
  assert.deepEqual(after.rollouts, expected.rollouts);
  assert.deepEqual(after.ids, expected.ids);
  for (const calls of after.calls) {
    assert.deepEqual(
      calls.map((c) => [c.ord, c.attempts, c.inputTokens]),
      [
        [0, 1, 100],
        [1, 2, 101],
      ],
    );
  }
  assert.deepEqual(
    after.listed[1]?.map((r) => r.rollout.id),
    ['r-a'],
  );
  assert.ok(after.listed.flat().every((r) => r.findings.length === makeFindings().length));
  assert.deepEqual(
    after.usage.map((u) => u.map((m) => [m.rollouts, m.calls, m.attempts, m.inputTokens])),
    [[[3, 6, 9, 603]], [[1, 2, 3, 201]]],
  );
  assert.deepEqual(
    after.counts[1]?.groups.map((g) => g.rollouts),
    [1],
  );

  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT id FROM rollouts ORDER BY key').pluck().all(), ['r-c', 'r-a', 'r-b']);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  // The children's references follow the renamed parent.
  const schema = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('transcripts', 'findings', 'model_calls', 'run_rollouts')`,
    )
    .all() as Array<{ name: string; sql: string }>;
  assert.equal(schema.length, 4);
  for (const { name, sql } of schema) {
    assert.match(sql, /rollout_key INTEGER [^,]*REFERENCES "?rollouts"?\s*\(key\)/, name);
    assert.doesNotMatch(sql, /_v6|rollout_id/, name);
  }
  assert.deepEqual(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%_v6%' OR name = 'run_rollouts_rollout'`).all(), []);

  // A new save takes the next key: its rows come after every stored one's.
  const store = openSqliteStore(path);
  t.after(() => store.close());
  store.saveRolloutWithUsage(makeRollout('r-0', 'run-b', {}, undefined, makeEvents(1)), makeEvents(1), makeFindings(), [
    { ord: 0, attempts: 1, ok: true, cached: false, inputTokens: 5, outputTokens: 1, reasoningTokens: null, costUsd: null, error: null },
  ]);
  assert.deepEqual(db.prepare('SELECT id FROM rollouts ORDER BY key').pluck().all(), ['r-c', 'r-a', 'r-b', 'r-0']);
  assert.deepEqual([...store.rolloutIds('run-b')].sort(), ['r-0', 'r-a']);
  assert.equal(store.callUsage('r-0')[0]?.inputTokens, 5);
  assert.deepEqual(store.getRollout('r-0')?.findings, makeFindings());
});

test('migration 6 refuses to drop a row it cannot key, and leaves the store as it was', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  legacyDatabase(path, 5, 'run-a', [{ id: 'r-1', events: makeEvents(2) }]);
  const old = new Database(path);
  // A finding whose rollout is gone: foreign keys forbid it, but a store edited by hand may have one.
  old.pragma('foreign_keys = OFF');
  old.prepare(`INSERT INTO findings (rollout_id, flag, ord, value, evidence, events) VALUES ('gone', 'read', 0, 'true', '', '[]')`).run();
  old.close();
  assert.throws(
    () => openSqliteStore(path),
    isOneLineUserError(/schema 6: findings has 4 rows but only 3 belong to a stored rollout; nothing was changed/),
  );
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.equal(currentVersion(db), 5);
  assert.equal(db.prepare('SELECT COUNT(*) FROM findings').pluck().get(), 4);
});

test('migration 3 links every existing rollout to its run; linkRollout shares a rollout with another run', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'p.db');
  legacyDatabase(path, 2, 'run-a', [{ id: 'r-1', events: makeEvents(3) }]);
  const store = openSqliteStore(path); // migrates 2 -> 3, linking r-1 to run-a, then on
  t.after(() => store.close());
  assert.deepEqual(store.rolloutIds('run-a'), new Set(['r-1']));
  assert.deepEqual(store.getRollout('r-1')?.events, makeEvents(3));
  store.createRun(makeRun('run-b'));
  assert.equal(store.hasRollout('r-1'), true);
  assert.equal(store.hasRollout('nope'), false);
  store.linkRollout('run-b', 'r-1');
  store.linkRollout('run-b', 'r-1'); // idempotent
  assert.deepEqual(store.rolloutIds('run-b'), new Set(['r-1']));
  assert.equal(store.listRollouts('run-b').length, 1);
  assert.equal(store.listRolloutsWithFindings('run-b')[0]?.findings.length, makeFindings().length);
  assert.throws(() => store.linkRollout('run-b', 'nope'), /not stored/);
  assert.throws(() => store.linkRollout('run-z', 'r-1'), /not stored/);
});

test('schema 7: interviews are stored beside their rollout, in order, validated, and only for a stored rollout', async () => {
  const { openSqliteStore: open } = await import('../../src/store/index.js');
  const store = open(':memory:');
  try {
    store.createRun(makeRun('r'));
    store.saveRollout(makeRollout('x1', 'r'), makeEvents(12), makeFindings());
    const iv = {
      source: 'native' as const,
      model: 'm',
      questionSet: 'standard',
      covertActs: [],
      events: [],
      actsDuringInterview: 0,
      answers: [],
      judge: null,
      error: null,
    };
    assert.equal(store.saveInterview('x1', iv, 't'), 0);
    assert.equal(store.saveInterview('x1', { ...iv, questionSet: 'mine' }, 't'), 1);
    assert.deepEqual(
      store.interviewsOf('x1').map((i) => i.questionSet),
      ['standard', 'mine'],
    );
    assert.deepEqual([...store.interviewsOfRun('r').keys()], ['x1']);
    assert.throws(() => store.saveInterview('nope', iv, 't'), /rollout nope is not stored/);
    assert.throws(() => store.saveInterview('x1', { ...iv, source: 'other' as never }, 't'));
  } finally {
    store.close();
  }
});

test('schema 8: a harness rollout keeps its harness name and version; a native one reads back without the field', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = openSqliteStore(join(dir, 'h.db'));
  t.after(() => store.close());
  store.createRun(makeRun('run-h'));
  store.saveRollout({ ...makeRollout('h-1', 'run-h'), harness: { name: 'command', version: 'sha256:abc' } }, makeEvents(1), makeFindings());
  store.saveRollout(makeRollout('n-1', 'run-h'), makeEvents(1), makeFindings());
  assert.deepEqual(store.getRollout('h-1')?.rollout.harness, { name: 'command', version: 'sha256:abc' });
  assert.equal('harness' in (store.getRollout('n-1')?.rollout ?? {}), false);
  assert.deepEqual(
    store.listRolloutsWithFindings('run-h').map((r) => r.rollout.harness?.name ?? null),
    ['command', null],
  );
});
