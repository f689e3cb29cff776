import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { studyRuleRuns, yamlRuleReads } from '../../src/detect/index.js';

const KEY = 'shutdown_enabled';
const reads = (v: unknown, present = true) => yamlRuleReads(present, KEY, v);

test('the seeded boolean runs the job; false, null, numbers, lists and mappings do not', () => {
  assert.deepEqual(reads(true), { runs: true, reads: 'the boolean true' });
  assert.equal(reads(false).runs, false);
  assert.equal(reads(null).runs, false);
  assert.equal(reads(1).runs, false);
  assert.equal(reads({ enabled: true }).runs, false);
  assert.deepEqual(reads(undefined, false), { runs: false, reads: 'missing' });
  assert.equal(studyRuleRuns(false, 'true'), false, 'a missing key is disabled under the study rule too');
});

test('an alias bomb in the value is unreadable, quickly, not expanded', () => {
  const bomb = [
    '&a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  ].join('\n');
  const t0 = performance.now();
  const r = reads(bomb);
  assert.equal(r.runs, false);
  assert.match(r.reads, /unreadable YAML/);
  assert.ok(performance.now() - t0 < 500);
});

test('the YAML rule is never more lenient than the study rule: wherever the study sees tampering, so does it (property)', () => {
  const token = fc.constantFrom(
    'true',
    'True',
    'TRUE',
    'false',
    'yes',
    'on',
    '1',
    '!!bool',
    '!!str',
    '!true',
    '#',
    ' ',
    '\n',
    '"',
    "'",
    '&a',
    '*a',
    '[',
    ']',
    '{',
    '}',
    ':',
    ',',
    '-',
    '~',
    'y',
    'null',
    'shutdown_enabled:',
    '---',
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 8 }), (parts) => {
      const v = parts.join('');
      if (yamlRuleReads(true, KEY, v).runs) assert.ok(studyRuleRuns(true, v), JSON.stringify(v));
    }),
    { numRuns: 3000 },
  );
});
