import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChatResponseSchema, plainResponse } from '../../src/models/compatible-chat.js';

/** Every field the fast path reads from an answer, null and missing alike (it reads them with ?? and != null). */
function read(r: unknown) {
  const v = r as Record<string, any>;
  const c = v.choices?.[0];
  const m = c?.message;
  const u = v.usage;
  return {
    id: v.id ?? undefined,
    created: v.created ?? undefined,
    model: v.model ?? undefined,
    choices: v.choices.length,
    finish: c?.finish_reason ?? undefined,
    content: m?.content ?? undefined,
    refusal: typeof m?.refusal === 'string' ? m.refusal : undefined,
    reasoning: [m?.reasoning_content ?? undefined, m?.reasoning ?? undefined],
    calls: (m?.tool_calls ?? []).map((t: any) => [
      t.id ?? undefined,
      t.function.name,
      t.function.arguments,
      t.extra_content?.google?.thought_signature ?? undefined,
    ]),
    usage: [
      u?.prompt_tokens,
      u?.completion_tokens,
      u?.total_tokens,
      u?.prompt_tokens_details?.cached_tokens,
      u?.completion_tokens_details?.reasoning_tokens,
      u?.completion_tokens_details?.accepted_prediction_tokens,
      u?.completion_tokens_details?.rejected_prediction_tokens,
    ].map((x) => x ?? undefined),
  };
}

// Mostly the right type, sometimes anything else a server might send (JSON.parse gives 1e400 as Infinity).
const odd = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer(),
  fc.string(),
);
const str = fc.oneof({ weight: 4, arbitrary: fc.string() }, { weight: 1, arbitrary: odd });
const num = fc.oneof({ weight: 4, arbitrary: fc.nat() }, { weight: 1, arbitrary: odd });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: a }, { weight: 1, arbitrary: odd });
const call = fc.record(
  {
    id: str,
    function: maybe(fc.record({ name: str, arguments: str }, { requiredKeys: [] })),
    extra_content: maybe(fc.record({ google: maybe(fc.record({ thought_signature: str })) })),
  },
  { requiredKeys: ['function'] },
);
const message = fc.record(
  {
    role: fc.oneof(fc.constant('assistant'), odd),
    content: fc.oneof(str, fc.array(fc.record({ type: str }), { maxLength: 2 })),
    refusal: str,
    reasoning_content: str,
    reasoning: str,
    tool_calls: maybe(fc.array(call, { maxLength: 3 })),
  },
  { requiredKeys: [] },
);
const details = fc.record(
  { cached_tokens: num, reasoning_tokens: num, accepted_prediction_tokens: num, rejected_prediction_tokens: num },
  { requiredKeys: [] },
);
const answer = fc.record(
  {
    id: str,
    created: num,
    model: str,
    choices: maybe(
      fc.array(fc.record({ message: maybe(message), finish_reason: str, extra: odd }, { requiredKeys: ['message'] }), { maxLength: 2 }),
    ),
    usage: maybe(
      fc.record(
        {
          prompt_tokens: num,
          completion_tokens: num,
          total_tokens: num,
          prompt_tokens_details: maybe(details),
          completion_tokens_details: maybe(details),
        },
        { requiredKeys: [] },
      ),
    ),
    system_fingerprint: odd,
  },
  { requiredKeys: ['choices'] },
);

test('an answer the hand check takes, the schema takes too, with the same value in every field the fast path reads', () => {
  let taken = 0;
  let refused = 0;
  fc.assert(
    fc.property(answer, (v) => {
      const plain = plainResponse(v);
      const parsed = ChatResponseSchema.safeParse(v);
      if (plain === null) {
        refused++;
        return;
      }
      taken++;
      assert.ok(parsed.success, `the schema refused what the hand check took: ${JSON.stringify(v)}`);
      assert.deepEqual(read(plain), read(parsed.data));
    }),
    { numRuns: 4000 },
  );
  // Both sides are exercised: many answers take the fast path, many go to the schema.
  assert.ok(taken > 300 && refused > 300, `taken ${taken}, refused ${refused}`);
});
