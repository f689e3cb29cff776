import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { deriveSeed } from '../../src/core/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { type FakeReply, type FakeRequestBody, startFakeOpenAIServer, turnOf } from '../fixtures/fake-openai-server.js';
import { cli, tempDir } from './helpers/cli-helpers.js';

const call = (name: string, args: unknown): FakeReply => ({
  toolCalls: [{ name, arguments: typeof args === 'string' ? args : JSON.stringify(args) }],
});

/** A short honest episode, one reply per turn. */
const EPISODE: FakeReply[] = [
  call('list_files', {}),
  call('view_config', { filename: 'shutdown_config.yaml' }),
  call('create_file', { filename: 'report.md', content: 'Average score: 60%\nResult: below threshold' }),
  call('end_task', {}),
];

type Fault = 'none' | '429-once' | '500-twice' | 'timeout-once' | 'malformed-json' | 'truncated-once' | '500-always' | '429-always';
const FAULTS: Fault[] = ['none', '429-once', '500-twice', 'timeout-once', 'malformed-json', 'truncated-once', '500-always', '429-always'];
const SEED_TO_EPOCH = new Map(FAULTS.map((_, e) => [deriveSeed(0, e), e]));

function faultyAgent() {
  const seen = new Map<string, number>();
  return (body: FakeRequestBody): FakeReply => {
    const epoch = SEED_TO_EPOCH.get(Number(body.seed)) ?? 0;
    const turn = turnOf(body);
    // A retry sends the very same request; any other request is a different rollout or turn.
    const key = JSON.stringify(body);
    const attempt = (seen.get(key) ?? 0) + 1;
    seen.set(key, attempt);
    const fault = FAULTS[epoch];
    const next = EPISODE[turn] ?? call('end_task', {});
    const limited: FakeReply = {
      status: 429,
      headers: { 'retry-after-ms': '40' },
      json: { error: { message: 'rate limited', type: 'rate_limit' } },
    };
    switch (fault) {
      case '429-once':
        return turn === 1 && attempt === 1 ? limited : next;
      case '500-twice':
        return turn === 0 && attempt <= 2 ? { status: 500, json: { error: { message: 'upstream fell over' } } } : next;
      case 'timeout-once':
        return turn === 2 && attempt === 1 ? { hang: true } : next;
      case 'malformed-json':
        return turn === 1 ? call('create_file', '{"filename": "report.md", "content": ') : next;
      case 'truncated-once':
        return turn === 1 && attempt === 1 ? { ...next, truncate: true } : next;
      case '500-always':
        return turn === 1 ? { status: 500, json: { error: { message: 'permanently broken' } } } : next;
      case '429-always':
        return turn === 2 ? limited : next;
      default:
        return { ...next, delayMs: 20 };
    }
  };
}

const CELL = ['--scenario', 'tampering', '--subject', 'peer', '--relationship', 'good', '--dataset', 'factual'];

test('faults: latency, 429 + Retry-After, 500s, timeouts, malformed tool JSON, truncated bodies; every rollout ends completed or error with its cause, and the numbers add up', async () => {
  const server = await startFakeOpenAIServer(faultyAgent(), { latencyMs: 10 });
  try {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'peerwatch.config.yaml'),
      [
        'models:',
        '  - spec: openai-compatible:fake-model',
        `    baseUrl: ${server.url}`,
        '    family: Gemini',
        '    concurrency: 8',
        '    rpm: 6000',
        '    price: { input: 1, output: 2 }',
        'retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 100, timeoutMs: 1500 }',
        '',
      ].join('\n'),
    );
    const r = await cli(['run', ...CELL, '--epochs', String(FAULTS.length), '--json', '--db', 'p.db'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr); // two rollouts end in error
    const store = openSqliteStore(join(dir, 'p.db'));
    try {
      const [run] = store.listRuns();
      assert.ok(run);
      const rollouts = store.listRollouts(run.id);
      const conditions = new Set(rollouts.map((x) => x.conditionKey)).size;
      assert.ok(conditions >= 1);
      assert.equal(rollouts.length, FAULTS.length * conditions, 'no rollout dropped');
      const of = (f: Fault) => rollouts.filter((x) => FAULTS[x.epoch] === f);
      for (const f of ['none', '429-once', '500-twice', 'timeout-once', 'malformed-json', 'truncated-once'] as Fault[]) {
        for (const x of of(f)) {
          assert.equal(x.status, 'completed', `${f}: ${x.error}`);
          assert.equal(x.endReason, 'end_task', f);
        }
      }
      for (const x of of('500-always')) {
        assert.equal(x.status, 'error');
        assert.match(x.error ?? '', /HTTP 500|permanently broken/);
      }
      for (const x of of('429-always')) {
        assert.equal(x.status, 'error');
        assert.match(x.error ?? '', /HTTP 429|rate limited/);
      }

      // Attempts per call are recorded; the failing calls carry their cause.
      const attempts = (f: Fault) => [...new Set(of(f).map((x) => JSON.stringify(store.callUsage(x.id).map((c) => c.attempts))))];
      assert.deepEqual(attempts('none'), ['[1,1,1,1]']);
      assert.deepEqual(attempts('429-once'), ['[1,2,1,1]']);
      assert.deepEqual(attempts('500-twice'), ['[3,1,1,1]']);
      assert.deepEqual(attempts('timeout-once'), ['[1,1,2,1]']);
      assert.deepEqual(attempts('truncated-once'), ['[1,2,1,1]']);
      assert.deepEqual(attempts('500-always'), ['[1,3]']);
      assert.deepEqual(attempts('429-always'), ['[1,1,3]']);
      const failed = store.callUsage(of('500-always')[0]!.id)[1]!;
      assert.equal(failed.ok, false);
      assert.match(failed.error ?? '', /500/);

      // Numbers add up: every HTTP request is one recorded attempt; tokens and cost are the sums of the calls.
      const usage = store.usageByModel(run.id);
      assert.equal(usage.length, 1);
      const u = usage[0]!;
      // What the end of the run printed: this invocation's calls and tries (retries included).
      assert.match(r.stderr, new RegExp(`This invocation: ${u.calls} model calls \\(${u.attempts} tries incl\\. retries\\)`));
      assert.equal(u.attempts, server.requests.length);
      assert.equal(u.rollouts, FAULTS.length * conditions);
      const okCalls = (FAULTS.length * 4 - 3 - 2) * conditions; // 500-always stops after 1 ok call, 429-always after 2
      assert.equal(u.calls, okCalls);
      assert.equal(u.inputTokens, okCalls * 10);
      assert.equal(u.outputTokens, okCalls * 5);
      assert.ok(Math.abs(u.costUsd - (okCalls * (10 * 1 + 5 * 2)) / 1e6) < 1e-12);
      assert.equal(u.unpricedCalls, 0);
      const summed = rollouts.reduce((n, x) => n + (x.inputTokens ?? 0), 0);
      assert.equal(summed, u.inputTokens);
    } finally {
      store.close();
    }
  } finally {
    await server.close();
  }
});

test('--cache: re-running a crashed sweep makes zero requests and gives byte-identical transcripts', async () => {
  const server = await startFakeOpenAIServer((body) => EPISODE[turnOf(body)] ?? call('end_task', {}));
  try {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const args = [
      'run',
      '--model',
      'openai-compatible:fake-model',
      '--base-url',
      server.url,
      '--family',
      'Gemini',
      ...CELL,
      '--epochs',
      '3',
      '--cache',
      '--json',
      '--quiet',
      '--db',
      db,
    ];
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    const sent = server.requests.length;
    assert.ok(sent >= 12 && sent % 12 === 0);
    // Simulate a crash after every response was cached but before any rollout was saved.
    const store0 = openSqliteStore(db);
    const [run] = store0.listRuns();
    const before = store0.listRollouts(run!.id).map((x) => [x.id, x.transcriptDigest]);
    store0.close();
    const raw = new Database(db);
    raw.exec(
      `DELETE FROM model_calls; DELETE FROM findings; DELETE FROM transcripts; DELETE FROM run_rollouts; DELETE FROM rollouts; UPDATE runs SET status = 'interrupted'`,
    );
    raw.close();

    const second = await cli(args); // the same command again continues the unfinished run
    assert.equal(second.code, 0, second.stderr);
    assert.equal(server.requests.length, sent, 'the re-run is served from the cache');
    const store = openSqliteStore(db);
    try {
      assert.equal(store.listRuns().length, 1);
      assert.deepEqual(
        store.listRollouts(run!.id).map((x) => [x.id, x.transcriptDigest]),
        before,
      );
      const usage = store.usageByModel(run!.id)[0]!;
      assert.equal(usage.cachedCalls, sent);
      assert.equal(usage.costUsd, 0);
    } finally {
      store.close();
    }
  } finally {
    await server.close();
  }
});
