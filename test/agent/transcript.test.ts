import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Transcript } from '../../src/agent/transcript.js';
import type { EventDraft } from '../../src/core/index.js';

/** Every object's keys at every depth, in the order they enumerate. */
function keyOrders(v: unknown, out: string[][] = []): string[][] {
  if (Array.isArray(v)) for (const x of v) keyOrders(x, out);
  else if (v !== null && typeof v === 'object') {
    out.push(Object.keys(v));
    for (const x of Object.values(v)) keyOrders(x, out);
  }
  return out;
}

test('transcript events get their keys in ascending UTF-16 order at every depth, however many and in whatever order they came', () => {
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
  const args = {
    zeta: 1,
    Alpha: 2,
    alpha: { '\uFFFF': 1, '\uD83D\uDE00': 2, é: 3, e: 4, '': 5 },
    list: [{ b: 1, a: 2 }, { c: [{ y: 1, x: 2 }] }],
    many,
  };
  const t = new Transcript(() => '2026-01-01 00:00:00');
  const e = t.add(0, { type: 'tool_call', id: 'c1', name: 'create_file', args } as unknown as EventDraft);
  const orders = keyOrders(e);
  assert.ok(orders.length >= 7);
  for (const keys of orders) assert.deepEqual(keys, [...keys].sort(), `keys out of order: ${keys.join(',')}`);
  // The copy holds the same values and is not the caller's object.
  assert.deepEqual((e as unknown as { args: unknown }).args, args);
  assert.notEqual((e as unknown as { args: unknown }).args, args);
  assert.deepEqual(Object.keys(e), ['args', 'id', 'name', 'seq', 'time', 'turn', 'type']);
});
