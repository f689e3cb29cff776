import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { clonePlain, deepFreeze } from '../../src/world/clone.js';

/** Every object and array reachable from `v`. */
function containers(v: unknown, out = new Set<object>()): Set<object> {
  if (typeof v === 'object' && v !== null && !out.has(v)) {
    out.add(v);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

test('clonePlain equals structuredClone on JSON data and shares no object with the original', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const copy = clonePlain(v);
      assert.deepEqual(copy, structuredClone(v));
      const mine = containers(v);
      for (const c of containers(copy)) assert.ok(!mine.has(c));
    }),
    { numRuns: 500 },
  );
});

test('clonePlain copies what is not plain data through structuredClone, and keeps a __proto__ key a key', () => {
  const when = new Date('2026-02-09T09:00:00Z');
  const original = { at: when, seen: new Map([['a', 1]]), list: [undefined, -0], bare: Object.create(null) as object };
  Object.defineProperty(original, '__proto__', { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
  const copy = clonePlain(original);
  assert.ok(copy.at instanceof Date && copy.at !== when && copy.at.getTime() === when.getTime());
  assert.ok(copy.seen instanceof Map && copy.seen !== original.seen && copy.seen.get('a') === 1);
  assert.ok(Object.is(copy.list[1], -0) && copy.list.length === 2);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value, { x: 1 });
});

test('clonePlain copies any depth and a cycle without looping', () => {
  let deep: unknown = { leaf: 'x' };
  for (let i = 0; i < 500; i++) deep = [deep];
  assert.deepEqual(clonePlain(deep), deep);
  const cyclic: Record<string, unknown> = { name: 'c' };
  cyclic.self = cyclic;
  const copy = clonePlain(cyclic);
  assert.notEqual(copy, cyclic);
  assert.equal((copy.self as Record<string, unknown>).name, 'c');
});

test('clonePlain and deepFreeze walk 100,000 levels without the call stack (structuredClone and recursion overflowed)', () => {
  const n = 100_000;
  const deep = JSON.parse(`${'[{"a":'.repeat(n)}"leaf"${'}]'.repeat(n)}`) as unknown;
  const copy = clonePlain(deep);
  let a: unknown = deep;
  let b: unknown = copy;
  for (let i = 0; i < n; i++) {
    assert.notEqual(a, b);
    a = (a as Array<{ a: unknown }>)[0]?.a;
    b = (b as Array<{ a: unknown }>)[0]?.a;
  }
  assert.equal(b, 'leaf');
  deepFreeze(copy);
  let c: unknown = copy;
  for (let i = 0; i < n; i++) {
    assert.ok(Object.isFrozen(c));
    c = (c as Array<{ a: unknown }>)[0]?.a;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.ok(Object.isFrozen(deepFreeze(cyclic)));
});
