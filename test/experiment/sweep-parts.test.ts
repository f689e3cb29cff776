import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/core/index.js';
import {
  ExperimentSpec,
  callCost,
  findResumableRun,
  limitConfigurations,
  parseConfig,
  planRollouts,
  priceFor,
  RateLimiter,
  specDigest,
} from '../../src/experiment/index.js';
import { getScenario } from '../../src/scenarios/index.js';
import { openSqliteStore } from '../../src/store/index.js';

const spec = (over: Partial<ExperimentSpec> = {}) =>
  ExperimentSpec.parse({
    models: ['scripted:honest', 'scripted:tamperer'],
    scenarios: ['all'],
    grid: 'default',
    filter: {},
    epochs: 2,
    seed: 0,
    temperature: 1,
    maxIterations: 30,
    maxContextTokens: 120_000,
    concurrency: 4,
    ...over,
  });

test('config: strict, one-line errors naming file and field', () => {
  const ok = parseConfig(
    {
      models: [{ spec: 'openai:gpt-4o', rpm: 500, price: { input: 1, output: 2 } }],
      judge: { model: 'openai:gpt-4o-mini' },
      defaults: { epochs: 3, cache: true },
    },
    'p.yaml',
  );
  assert.equal(ok.models?.[0]?.rpm, 500);
  const bad = (raw: unknown, re: RegExp) =>
    assert.throws(
      () => parseConfig(raw, 'p.yaml'),
      (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'),
    );
  bad({ modles: [] }, /^p\.yaml: modles: unknown field$/);
  bad({ models: [{ spec: 'openai:x', rpn: 5 }] }, /^p\.yaml: models\[0\]\.rpn: unknown field$/);
  bad({ models: [{ spec: 'openai:x', rpm: -1 }] }, /^p\.yaml: models\[0\]\.rpm: /);
  bad({ models: [{ spec: 'nocolon' }] }, /models\[0\]\.spec: expected <provider>:<model>/);
  bad({ models: [{ spec: 'openai:x' }, { spec: 'openai:x' }] }, /models\[1\]\.spec: 'openai:x' is listed twice/);
  bad({ defaults: { epochs: 0 } }, /defaults\.epochs/);
  // Shutdown pressure has one name (the condition's axis): the config key follows it, and the old key says so.
  bad({ defaults: { pressure: ['off'] } }, /^p\.yaml: defaults\.pressure: unknown field \(renamed: shutdownPressure/);
  assert.deepEqual(parseConfig({ defaults: { shutdownPressure: ['off'] } }, 'p.yaml').defaults, { shutdownPressure: ['off'] });
});

test('prices: user entries win, unknown is null (never 0), scripted costs nothing', () => {
  assert.equal(priceFor('openai:some-new-model'), null);
  assert.equal(callCost(null, 100, 100), null);
  assert.equal(callCost({ input: 1, output: 2 }, 1_000_000, 500_000), 2);
  assert.deepEqual(priceFor('openai:gpt-4o', { 'openai:gpt-4o': { input: 9, output: 9 } }), { input: 9, output: 9 });
  assert.deepEqual(priceFor('scripted:honest'), { input: 0, output: 0 });
});

test('--limit keeps the same first N configurations for every model, spread over scenarios', () => {
  const scenarios = ['tampering', 'misrep_finance'].map((id) => getScenario(id)!);
  const plan = planRollouts(spec(), scenarios);
  const limited = limitConfigurations(plan, 3);
  const configs = (m: string) => [...new Set(limited.filter((p) => p.model === m).map((p) => `${p.scenario.id} ${p.conditionKey}`))];
  assert.equal(configs('scripted:honest').length, 3);
  assert.deepEqual(configs('scripted:honest'), configs('scripted:tamperer'));
  assert.equal(new Set(limited.map((p) => p.scenario.id)).size, 2);
  assert.equal(limited.length, 3 * 2 * 2); // configs x models x epochs
});

test('run identity ignores --concurrency; only unfinished runs with the same spec are resumed', () => {
  assert.equal(specDigest(spec({ concurrency: 1 })), specDigest(spec({ concurrency: 64 })));
  assert.notEqual(specDigest(spec()), specDigest(spec({ epochs: 3 })));
  assert.notEqual(specDigest(spec()), specDigest(spec({ limit: 5 })));
  const store = openSqliteStore(':memory:');
  const base = { kind: 'calibration' as const, toolVersion: 't', finishedAt: null };
  store.createRun({ ...base, id: 'done', createdAt: '2026-01-01', status: 'completed', spec: spec() });
  assert.equal(findResumableRun(store, spec()), undefined);
  store.createRun({ ...base, id: 'open', createdAt: '2026-01-02', status: 'interrupted', spec: spec({ concurrency: 2 }) });
  assert.equal(findResumableRun(store, spec())?.id, 'open');
  assert.equal(findResumableRun(store, spec({ seed: 1 })), undefined);
  store.close();
});

test('rate limiter: RPM spaces request starts evenly; a Retry-After pause holds everyone', async () => {
  // A 1 ms release step: starts at (almost) their exact slots.
  const limiter = new RateLimiter({ rpm: 60_000 }, undefined, undefined, 1); // one every 1 ms
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 20 }, () => limiter.acquire(0)));
  const took = performance.now() - t0;
  assert.ok(took >= 17 && took < 500, `20 requests at 1000/s take about 19 ms, took ${took}`);
  const paused = new RateLimiter({ rpm: 60_000 });
  paused.pauseFor(50);
  const t1 = performance.now();
  await paused.acquire(0);
  assert.ok(performance.now() - t1 >= 45, 'a pause delays the next request');
  assert.equal(new RateLimiter({}).limited, false);
});

test('rate limiter: TPM waits until the window has room for the request', async () => {
  const limiter = new RateLimiter({ tpm: 1000 }, () => performance.now(), 100); // a 100 ms window
  const a = await limiter.acquire(800);
  a.settle(900);
  const t0 = performance.now();
  await limiter.acquire(200);
  const waited = performance.now() - t0;
  assert.ok(waited >= 90 && waited < 1000, `waited ${waited} ms for the window to free`);
  const t1 = performance.now();
  await limiter.acquire(100); // 200 in the window: room
  assert.ok(performance.now() - t1 < 50);
});
