import assert from 'node:assert/strict';
import { test } from 'node:test';
import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonOfFrozenList } from '../../src/core/index.js';

// The reference implementation of RFC 8785 is the oracle for our faster serialiser.
const reference = canonicalizeModule as unknown as (value: unknown) => string | undefined;

function outcome(f: () => string | undefined): { ok: string | undefined } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const tricky = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, 5e-324, undefined, '\ud800', 'a\udc00b', '\u2028', '\u{1f600}'),
  fc.date({ noInvalidDate: true }),
  fc.string({ unit: 'binary' }),
);
/** The same entries inserted in sorted key order, which canonicalJson writes with one JSON.stringify. */
const sortedKeys = (o: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort())
    Object.defineProperty(out, k, { value: o[k], enumerable: true, writable: true, configurable: true });
  return out;
};
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), tricky, tie('arr'), tie('obj'), tie('sorted')),
  arr: fc.array(tie('any'), { maxLength: 5 }),
  obj: fc.dictionary(fc.string({ unit: 'binary' }), tie('any'), { maxKeys: 5 }),
  sorted: fc.dictionary(fc.string({ unit: 'binary' }), tie('any'), { maxKeys: 5 }).map(sortedKeys),
})).any;

test('canonicalJson equals the canonicalize package on any value, errors included', () => {
  fc.assert(
    fc.property(value, (v) => {
      const ours = outcome(() => canonicalJson(v));
      const theirs = outcome(() => {
        const out = reference(v);
        if (out === undefined) throw new TypeError('value cannot be canonicalised to JSON');
        return out;
      });
      assert.deepEqual(ours, theirs);
    }),
    { numRuns: 3000 },
  );
});

test('canonicalJson sorts keys by UTF-16 code units and rejects what RFC 8785 forbids', () => {
  assert.equal(
    canonicalJson({ b: 1, a: [true, null, 'x'], '\u00e9': 2, A: { d: undefined, c: 1.5 } }),
    '{"A":{"c":1.5},"a":[true,null,"x"],"b":1,"é":2}',
  );
  assert.throws(() => canonicalJson({ x: Number.NaN }), /NaN is not allowed/);
  assert.throws(() => canonicalJson(['\ud800']), /Lone surrogate/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJson(cyclic), /Circular reference detected/);
  // Keys inserted in sorted order take the native path; integer-like keys enumerate first, so these do not.
  assert.equal(
    canonicalJson(sortedKeys({ b: ['\u2028', -0, 1e21], a: { y: null, x: '"' } })),
    '{"a":{"x":"\\"","y":null},"b":["\u2028",0,1e+21]}',
  );
  assert.equal(canonicalJson(sortedKeys({ '10': 1, '9': 2, a: 3 })), '{"10":1,"9":2,"a":3}');
  assert.equal(canonicalJson(Object.assign(Object.create(null), { a: 1, b: [undefined] })), '{"a":1,"b":[null]}');
  assert.throws(() => canonicalJson(sortedKeys({ a: 1n })), /BigInt/);
  let deep: unknown = 1;
  for (let i = 0; i < 1000; i++) deep = [deep];
  assert.equal(canonicalJson(deep), reference(deep));
});

test('the remembered list form equals the canonical form of the list', () => {
  const events = [
    { seq: 1, type: 'x', detail: { b: 2, a: 1 } },
    { seq: 0, z: 'é' },
  ];
  assert.equal(canonicalJsonOfFrozenList(events), canonicalJson(events));
  assert.equal(canonicalJsonOfFrozenList([]), canonicalJson([]));
});

test('a frozen list keeps its canonical text; a list that can change is serialised again', () => {
  const a = { seq: 0, type: 'x' };
  const b = { seq: 1, type: 'y' };
  const open = [a];
  assert.equal(canonicalJsonOfFrozenList(open), canonicalJson([a]));
  open.push(b);
  assert.equal(canonicalJsonOfFrozenList(open), canonicalJson([a, b]));
  const frozen = Object.freeze([a, b]);
  const text = canonicalJsonOfFrozenList(frozen);
  assert.equal(text, canonicalJson([a, b]));
  assert.equal(canonicalJsonOfFrozenList(frozen), text);
});

/** `v` inside `n` arrays, alternating with one-key objects: past the fast paths' depth bound. */
function buried(v: unknown, n: number): unknown {
  let out = v;
  for (let i = 0; i < n; i++) out = i % 2 ? [out, i] : { k: out, [`z${i}`]: undefined };
  return out;
}

test('values nested past the fast path are written without recursion, equal to the package, errors included', () => {
  fc.assert(
    fc.property(value, (v) => {
      const deep = buried(v, 300);
      const ours = outcome(() => canonicalJson(deep));
      const theirs = outcome(() => {
        const out = reference(deep);
        if (out === undefined) throw new TypeError('value cannot be canonicalised to JSON');
        return out;
      });
      assert.deepEqual(ours, theirs);
    }),
    { numRuns: 300 },
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = buried(cyclic, 400);
  assert.throws(() => canonicalJson(cyclic), /Circular reference detected/);
  const selfJson = { toJSON: () => selfJson };
  assert.throws(() => canonicalJson(buried(selfJson, 300)), /Circular reference detected/);
});

test('arguments nested 100,000 deep (the package overflowed the stack at 3,000) canonicalise', () => {
  const n = 100_000;
  const arrays = JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown;
  assert.equal(canonicalJson(arrays), `${'['.repeat(n)}${']'.repeat(n)}`);
  const objects = JSON.parse(`${'{"b":1,"a":'.repeat(n)}0${'}'.repeat(n)}`) as unknown;
  assert.equal(canonicalJson(objects), `${'{"a":'.repeat(n)}0${',"b":1}'.repeat(n)}`);
});
