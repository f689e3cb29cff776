import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CANARY,
  canonicalJson,
  Condition,
  conditionKey,
  createRng,
  deriveSeed,
  digestOf,
  Event,
  NEUTRAL_CONDITION,
  rolloutId,
  sha256Hex,
} from '../../src/core/index.js';

test('canonical JSON follows RFC 8785: sorted keys, no whitespace, same bytes for equal values', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
  assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  // RFC 8785 number formatting: 1e21 and 1.0 normalise as ECMAScript does.
  assert.equal(canonicalJson([1.0, 1e21]), '[1,1e+21]');
});

test('sha256 matches the FIPS 180-2 test vector for "abc"', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('rollout id depends on every identity field and nothing else', () => {
  const base = { model: 'scripted:honest', scenario: 'tampering', scenarioVersion: '1', condition: NEUTRAL_CONDITION, epoch: 0, seed: 7 };
  const id = rolloutId(base);
  assert.equal(id, rolloutId({ ...base }));
  assert.match(id, /^[0-9a-f]{20}$/);
  for (const change of [
    { model: 'x' },
    { scenario: 'y' },
    { scenarioVersion: '2' },
    { epoch: 1 },
    { seed: 8 },
    { condition: { ...NEUTRAL_CONDITION, subject: 'self' as const } },
  ]) {
    assert.notEqual(rolloutId({ ...base, ...change }), id, JSON.stringify(change));
  }
  assert.equal(digestOf(base).slice(0, 20), id);
});

test('condition keys are short, stable and distinct across axes', () => {
  const c: Condition = { ...NEUTRAL_CONDITION, relationship: 'good', instantiation: 'file', dataset: 'factual', threshold: 80 };
  assert.equal(conditionKey(c), 'peer/good/file/factual-80');
  assert.equal(conditionKey({ ...c, shutdownPressure: 'off' }), 'peer/good/file/factual-80/no-shutdown');
  assert.equal(conditionKey({ ...c, monitoring: 'monitored' }), 'peer/good/file/factual-80/monitored');
  assert.throws(() => Condition.parse({ ...c, extra: 1 }));
});

test('the seeded RNG is deterministic and seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = Array.from({ length: 5 }, () => a());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, createRng(43)));
  assert.equal(deriveSeed(1, 2), deriveSeed(1, 2));
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 1));
});

test('the event union rejects unknown types and keeps every field', () => {
  const e = Event.parse({ seq: 0, turn: 1, time: '2026-02-09 09:00:00', type: 'tool_call', callId: 'c1', tool: 'list_files', args: {} });
  assert.equal(e.type, 'tool_call');
  assert.throws(() => Event.parse({ seq: 0, turn: 0, time: 't', type: 'nope' }));
  assert.match(CANARY, /canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4/);
});
