import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { Condition, Event, Finding, NEUTRAL_CONDITION } from '../../src/core/index.js';
import { isPlainCondition, isPlainEvent, isPlainFinding } from '../../src/store/plain-checks.js';
import { makeEvents, makeFindings } from './helpers/fixtures.js';

// The fast checks may only accept what zod accepts AND returns unchanged (up to key order); rejecting
// more is allowed (zod then decides). These tests hold them to that.
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 60,
  '',
  'x',
  'provider',
  true,
  false,
  {},
  [],
  [1.5],
  ['x'],
  [1, 2],
];

function mutations(v: Record<string, unknown>): unknown[] {
  const out: unknown[] = [
    { ...v, extra: 1 },
    { ...v, __proto__: null },
    Object.assign(Object.create({ inherited: 1 }), v),
    [v],
    null,
    'str',
  ];
  for (const key of Object.keys(v)) {
    const { [key]: _dropped, ...rest } = v;
    out.push(rest);
    for (const odd of ODD_VALUES) out.push({ ...v, [key]: odd });
  }
  return out;
}

function assertSound(name: string, schema: z.ZodType, fast: (v: unknown) => boolean, v: unknown): void {
  if (!fast(v)) return;
  const r = schema.safeParse(v);
  assert.ok(r.success, `${name}: fast check accepted what zod refuses: ${JSON.stringify(v)}`);
  assert.deepEqual(r.data, v, `${name}: zod would change ${JSON.stringify(v)}`);
}

test('valid events, findings and conditions take the fast path', () => {
  for (const e of makeEvents(27)) assert.ok(isPlainEvent(e), JSON.stringify(e));
  for (const f of makeFindings()) assert.ok(isPlainFinding(f), JSON.stringify(f));
  assert.ok(isPlainCondition(NEUTRAL_CONDITION));
  assert.ok(isPlainCondition({ ...NEUTRAL_CONDITION, dataset: 'factual', threshold: 80 }));
});

test('every mutation the fast checks accept is one zod accepts unchanged', () => {
  let rejected = 0;
  const check = (name: string, schema: z.ZodType, fast: (v: unknown) => boolean, base: Record<string, unknown>) => {
    for (const m of mutations(base)) {
      assertSound(name, schema, fast, m);
      if (!fast(m)) rejected++;
    }
  };
  for (const e of makeEvents(27)) check('event', Event, isPlainEvent, e as unknown as Record<string, unknown>);
  for (const f of makeFindings()) check('finding', Finding, isPlainFinding, f as unknown as Record<string, unknown>);
  check('condition', Condition, isPlainCondition, { ...NEUTRAL_CONDITION });
  assert.ok(rejected > 500, `only ${rejected} mutations rejected`);
});

test('random values: the fast checks never accept what zod would refuse or change', () => {
  const arb = fc.oneof(
    fc.anything(),
    fc.record(
      {
        seq: fc.integer(),
        turn: fc.integer(),
        time: fc.string(),
        type: fc.constantFrom('system', 'user', 'end', 'world'),
        content: fc.anything(),
        nudge: fc.anything(),
        reason: fc.anything(),
        detail: fc.anything(),
        action: fc.anything(),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      { flag: fc.anything(), value: fc.anything(), evidence: fc.anything(), events: fc.anything(), detail: fc.anything() },
      { requiredKeys: [] },
    ),
  );
  fc.assert(
    fc.property(arb, (v) => {
      assertSound('event', Event, isPlainEvent, v);
      assertSound('finding', Finding, isPlainFinding, v);
      assertSound('condition', Condition, isPlainCondition, v);
    }),
    { numRuns: 3000, seed: 7 },
  );
});
