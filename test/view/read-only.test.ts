import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { allowedHosts, createViewerApp } from '../../src/cli/view/index.js';
import { UserError } from '../../src/core/index.js';
import { applyMigrations, currentVersion, MIGRATIONS, openSqliteStore, SCHEMA_VERSION } from '../../src/store/index.js';
import { makeEvents, makeRollout, makeRun, tempDir } from '../store/helpers/fixtures.js';

const RUN = 'abcd1111-0000-4000-8000-000000000001';

test('the viewer opens a store read-only: it reads, every write is refused by SQLite, nothing is migrated', () => {
  const { dir, cleanup } = tempDir();
  try {
    const writer = openSqliteStore(`${dir}/p.db`);
    writer.createRun(makeRun(RUN));
    writer.saveRollout(makeRollout(`f0a${'0'.repeat(17)}`, RUN), makeEvents(3), []);
    writer.close();
    const store = openSqliteStore(`${dir}/p.db`, { readOnly: true });
    try {
      assert.equal(store.listRuns().length, 1);
      assert.throws(() => store.createRun(makeRun('abcd2222-0000-4000-8000-000000000002')), /readonly/i);
    } finally {
      store.close();
    }

    // A store of an older schema is refused with the way to upgrade it, and left as it was.
    const old = new Database(`${dir}/old.db`);
    applyMigrations(old, MIGRATIONS.slice(0, -1));
    const before = currentVersion(old);
    old.close();
    assert.ok(before < SCHEMA_VERSION);
    assert.throws(
      () => openSqliteStore(`${dir}/old.db`, { readOnly: true }),
      (e: unknown) =>
        e instanceof UserError &&
        /older peerwatch .*read-only and does not upgrade them: run 'peerwatch runs --db .*old\.db' once/.test(e.message),
    );
    const after = new Database(`${dir}/old.db`, { readonly: true });
    assert.equal(currentVersion(after), before);
    after.close();
  } finally {
    cleanup();
  }
});

test('bound to every interface, the Host check still holds: this machine passes, another site is refused', async () => {
  const allowed = allowedHosts('0.0.0.0');
  for (const name of ['localhost', '127.0.0.1', '[::1]', hostname().toLowerCase()]) assert.ok(allowed.has(name), name);
  assert.ok(!allowed.has('evil.example'));
  assert.deepEqual([...allowedHosts('::')].sort(), [...allowed].sort());
  const { dir, cleanup } = tempDir();
  const store = openSqliteStore(`${dir}/p.db`);
  try {
    const app = createViewerApp({ store, allowedHosts: allowed });
    assert.equal((await app.request('http://127.0.0.1:7575/api/runs')).status, 200);
    assert.equal((await app.request('http://evil.example:7575/api/runs')).status, 403);
  } finally {
    store.close();
    cleanup();
  }
});
