import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { type Condition, type Finding, type FlagValue, NEUTRAL_CONDITION } from '../../src/core/index.js';
import { createViewerApp, startViewer } from '../../src/cli/view/index.js';
import { summarise } from '../../src/report/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { makeEvents, makeRollout, makeRun, tempDir } from '../store/helpers/fixtures.js';

const RUN_A = 'abcd1111-0000-4000-8000-000000000001';
const RUN_B = 'abcd2222-0000-4000-8000-000000000002';

function findings(read: FlagValue, tampering: FlagValue, refusal: FlagValue): Finding[] {
  return [
    { flag: 'read', value: read, evidence: 'read', events: [] },
    { flag: 'tampered', value: tampering, evidence: "shutdown_enabled changed true -> 'false' at step 5", events: [5] },
    { flag: 'behaviour.shutdown_tampering', value: tampering, evidence: 'derived', events: [] },
    { flag: 'behaviour.refusal', value: refusal, evidence: 'derived', events: [] },
  ];
}

/** Two runs with every case the counts distinguish: true, false, unscored (read or value), unread, error. */
function seed(store: Store): void {
  store.createRun(makeRun(RUN_A));
  store.createRun(makeRun(RUN_B, '2025-02-01T00:00:00.000Z'));
  const good: Condition = { ...NEUTRAL_CONDITION, relationship: 'good', instantiation: 'file' };
  const bad: Condition = { ...NEUTRAL_CONDITION, relationship: 'bad', instantiation: 'file' };
  const cases: Array<[string, Condition, FlagValue, FlagValue, FlagValue, 'completed' | 'error']> = [
    ['m1', good, true, true, false, 'completed'],
    ['m1', good, true, true, false, 'completed'],
    ['m1', good, true, false, false, 'completed'],
    ['m1', good, 'unscored', true, false, 'completed'],
    ['m1', good, true, 'unscored', false, 'completed'],
    ['m1', good, false, true, false, 'completed'],
    ['m1', bad, true, false, true, 'completed'],
    ['m2', bad, true, false, 'unscored', 'completed'],
    ['m2', bad, true, false, false, 'error'],
  ];
  cases.forEach(([model, cond, read, tamper, refusal, status], i) => {
    const id = `f0${i}a${'0'.repeat(16)}`;
    const r = makeRollout(id, RUN_A, { model, status, error: status === 'error' ? 'api down' : null, epoch: i }, cond, makeEvents(6));
    store.saveRollout(r, makeEvents(6), status === 'error' ? [] : findings(read, tamper, refusal));
  });
  store.saveRollout(makeRollout(`f1b${'0'.repeat(17)}`, RUN_B), makeEvents(6), findings(true, true, false));
}

async function withApp(fn: (get: (path: string) => Promise<{ status: number; body: any }>, store: Store) => Promise<void>) {
  const { dir, cleanup } = tempDir();
  const store = openSqliteStore(`${dir}/p.db`);
  try {
    seed(store);
    const app = createViewerApp({ store, allowedHosts: new Set(['localhost']) });
    const get = async (path: string) => {
      const res = await app.request(`http://localhost${path}`);
      return { status: res.status, body: await res.json() };
    };
    await fn(get, store);
  } finally {
    store.close();
    cleanup();
  }
}

test('a run comes with human labels for every raw key its filters take, pooled conditions included', async () => {
  await withApp(async (get) => {
    const { body } = await get(`/api/runs/${RUN_A}`);
    assert.deepEqual(body.labels.behaviours, { refusal: 'refusal', shutdown_tampering: 'shutdown tampering' });
    assert.deepEqual(body.labels.conditions, {
      '*': 'all conditions',
      '*/channel-on': 'all conditions, channel on',
      'peer/bad/file': 'bad peer · file',
      'peer/good/file': 'good peer · file',
    });
    assert.deepEqual(Object.keys(body.labels.conditions).slice(2), body.facets.conditions);
  });
});

test('runs, summary and rollouts agree with summarise() for every cell and value', async () => {
  await withApp(async (get, store) => {
    const runs = await get('/api/runs');
    assert.equal(runs.status, 200);
    assert.deepEqual(
      runs.body.runs.map((r: { id: string; rollouts: number }) => [r.id, r.rollouts]),
      [
        [RUN_B, 1],
        [RUN_A, 9],
      ],
    );
    for (const by of ['condition', 'scenario'] as const) {
      const s = await get(`/api/runs/${RUN_A}/summary?by=${by}`);
      assert.equal(s.status, 200);
      assert.equal(s.body.schema, 'peerwatch.summary/v1');
      assert.equal(s.body.grouped_by, by);
      const expected = summarise(store.listRolloutsWithFindings(RUN_A), by);
      assert.deepEqual(s.body.rows, JSON.parse(JSON.stringify(expected)));
      // Clicking any bar lists exactly the rollouts it counts.
      for (const row of expected) {
        const q = new URLSearchParams({ model: row.model, scenario: row.scenario, behaviour: row.behaviour });
        if (row.condition !== '*') q.set('condition', row.condition);
        const list = await get(`/api/runs/${RUN_A}/rollouts?${q}`);
        assert.equal(list.status, 200);
        const c = list.body.counts;
        assert.deepEqual(
          [c.true, c.true + c.false, c.unscored, c.unread, c.error],
          [row.count, row.n, row.unscored, row.unread, row.errors],
          JSON.stringify(row),
        );
        const positives = await get(`/api/runs/${RUN_A}/rollouts?${q}&value=true`);
        assert.equal(positives.body.total, row.count);
        assert.ok(positives.body.rollouts.every((r: { value: string }) => r.value === 'true'));
      }
    }
    const m1 = (await get(`/api/runs/${RUN_A}/summary?by=scenario`)).body.rows.find(
      (r: any) => r.model === 'm1' && r.behaviour === 'shutdown_tampering',
    );
    assert.deepEqual([m1.count, m1.n, m1.unscored, m1.unread], [2, 4, 2, 1]);
  });
});

test('ids accept unique prefixes; unknown ids are 404, ambiguous or malformed ones 400, all as JSON', async () => {
  await withApp(async (get) => {
    assert.equal((await get('/api/runs/abcd1/summary')).body.run_id, RUN_A);
    assert.equal((await get('/api/runs/abcd2')).body.run.id, RUN_B);
    const ambiguous = await get('/api/runs/abcd/summary');
    assert.equal(ambiguous.status, 400);
    assert.match(ambiguous.body.error, /ambiguous/);
    const missing = await get('/api/runs/ffff/summary');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /no run 'ffff'/);
    assert.equal((await get('/api/runs/a%27%20OR%201=1')).status, 400);
    const rollout = await get('/api/rollouts/f1b');
    assert.equal(rollout.status, 200);
    assert.equal(rollout.body.rollout.runId, RUN_B);
    assert.equal(rollout.body.events.length, 6);
    assert.equal(rollout.body.findings.length, 4);
    assert.match(rollout.body.canary, /canary GUID/);
    assert.equal((await get('/api/rollouts/f0')).status, 400); // nine rollouts share it
    assert.equal((await get('/api/rollouts/eeee')).status, 404);
    assert.equal((await get('/api/nothing')).status, 404);
    assert.equal((await get('/api/runs/abcd1/summary?by=model')).status, 400);
    assert.equal((await get('/api/runs/abcd1/summary?extra=1')).status, 400);
    assert.equal((await get('/api/runs/abcd1/rollouts?value=true')).status, 400); // value needs behaviour
    assert.equal((await get('/api/runs/abcd1/rollouts?limit=0')).status, 400);
    const page = await get('/api/runs/abcd1/rollouts?limit=4&offset=8');
    assert.deepEqual([page.body.total, page.body.rollouts.length], [9, 1]);
    assert.equal(page.body.counts, null);
  });
});

test("an imported transcript's own numbers and words are shown as recorded, not as unscored", async () => {
  await withApp(async (get, store) => {
    const authors: Finding[] = [
      { flag: 'authors.score', value: 'unscored', evidence: 'the study scored it', events: [], detail: { raw: 60 } },
      { flag: 'authors.threshold', value: 'unscored', evidence: 'the study scored it', events: [], detail: { raw: 'below' } },
      { flag: 'authors.exfiltration', value: true, evidence: 'the study flagged it', events: [], detail: { raw: true } },
      { flag: 'tampered', value: 'unscored', evidence: 'not decided', events: [] },
    ];
    store.saveRollout(makeRollout(`f2c${'0'.repeat(17)}`, RUN_B), makeEvents(6), authors);
    const { body } = await get('/api/rollouts/f2c');
    const shown = Object.fromEntries(body.findings.map((f: { flag: string; shown: string }) => [f.flag, f.shown]));
    assert.deepEqual(shown, { 'authors.score': '60', 'authors.threshold': 'below', 'authors.exfiltration': 'true', tampered: 'unscored' });
  });
});

test('a Host header naming another site is refused (DNS rebinding)', async () => {
  const { dir, cleanup } = tempDir();
  const store = openSqliteStore(`${dir}/p.db`);
  try {
    const app = createViewerApp({ store, allowedHosts: new Set(['localhost']) });
    assert.equal((await app.request('http://evil.example/api/runs')).status, 403);
    assert.equal((await app.request('http://localhost:7575/api/runs')).status, 200);
  } finally {
    store.close();
    cleanup();
  }
});

/** A raw HTTP GET that sends the path byte for byte (fetch would normalise `..`). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string; type: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the static server answers only the app files: no path reaches outside viewer/', async () => {
  const { dir, cleanup } = tempDir();
  const store = openSqliteStore(`${dir}/p.db`);
  const viewer = await startViewer({ store, port: 0, host: '127.0.0.1' });
  try {
    assert.match(viewer.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await rawGet(viewer.url, '/');
    assert.equal(index.status, 200);
    assert.match(index.type, /text\/html/);
    assert.match(index.body, /<script type="module" src="\/app.js">/);
    const js = await rawGet(viewer.url, '/app.js');
    assert.equal(js.status, 200);
    assert.match(js.type, /javascript/);
    const attacks = [
      '/../package.json',
      '/../../../../etc/passwd',
      '/%2e%2e/package.json',
      '/%2e%2e%2fpackage.json',
      '/..%2f..%2fpackage.json',
      '/pages/../../package.json',
      '/pages/..%2f..%2fpackage.json',
      '/..\\package.json',
      '/%5c..%5cpackage.json',
      '//etc/passwd',
      '/etc/passwd',
      '/README.md',
      '/app.js%00.html',
      '/src/cli/view/api.ts',
      'http://127.0.0.1/../package.json',
    ];
    for (const path of attacks) {
      const r = await rawGet(viewer.url, path);
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assert.doesNotMatch(r.body, /"name": "peerwatch"|root:|import /, path);
    }
  } finally {
    await viewer.close();
    store.close();
    cleanup();
  }
});
