import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Document, stringify } from 'yaml';
import { configLine, toYaml } from '../../src/world/render.js';

// toYaml and configLine cache their text by the data's JSON; a cached answer must equal a fresh one,
// including for values whose JSON would lose something (-0, NaN, undefined, holes), asked twice.
const fresh = (v: unknown) => stringify(v, { lineWidth: 0 }).trimEnd();

test('memoised toYaml equals a fresh rendering, first and second time', () => {
  const odd = fc.constantFrom(-0, 0, Number.NaN, Number.POSITIVE_INFINITY, undefined, null, 'false', '0', 'a: b', '', '\n');
  const arb = fc.oneof(fc.jsonValue(), fc.array(fc.oneof(odd, fc.jsonValue())), fc.dictionary(fc.string(), fc.oneof(odd, fc.jsonValue())));
  fc.assert(
    fc.property(arb, (v) => {
      assert.equal(toYaml(v), fresh(v));
      assert.equal(toYaml(v), fresh(v));
    }),
    { numRuns: 1500, seed: 11 },
  );
  // Same JSON, different YAML: the cache must not answer one for the other.
  assert.notEqual(toYaml([0]), toYaml([-0]));
  assert.equal(toYaml([-0]), fresh([-0]));
  assert.equal(toYaml([null]), fresh([null]));
  assert.equal(toYaml([undefined]), fresh([undefined]));
});

test('memoised configLine keeps quoting edited strings apart from the seeded values', () => {
  const line = (v: Record<string, unknown>) => configLine(v);
  assert.equal(line({ shutdown_enabled: true }), line({ shutdown_enabled: true }));
  assert.notEqual(line({ shutdown_enabled: true }), line({ shutdown_enabled: 'true' }));
  assert.match(line({ shutdown_enabled: 'false' }), /'false'/);
  assert.equal(
    line({ a: -0 }),
    new Document({ a: -0 }).toString({ collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0, singleQuote: true }).trimEnd(),
  );
});
