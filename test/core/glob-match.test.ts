/**
 * Glob matching of agent-written patterns without regular expressions: the same answers as a regular
 * expression (one part, glob(3)) and as picomatch (paths) on small inputs, and patterns that make a
 * backtracking matcher run for hours end at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { expandBraces, globPartMatch, globPathMatcher, MAX_BRACE_EXPANSIONS } from '../../src/core/index.js';

/** The part matcher as a regular expression (the reference; it backtracks, so small inputs only). */
function partByRegExp(pattern: string, name: string, dot: boolean): boolean {
  if (!dot && name.startsWith('.') && !pattern.startsWith('.')) return false;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      let set = pattern.slice(i + 1, end);
      const negate = set.startsWith('!') || set.startsWith('^');
      if (negate) set = set.slice(1);
      re += `[${negate ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's').test(name);
}

test('one part: the same answer as the regular expression, dot rule included', () => {
  const patterns = fc.stringMatching(/^[ab.*?[\]!^-]{0,8}$/);
  const names = fc.stringMatching(/^[ab.\-\]]{0,8}$/);
  fc.assert(
    fc.property(patterns, names, fc.boolean(), (pattern, name, dot) => {
      // A class the regular expression itself refuses (`[b-a]`) is no reference.
      let expected: boolean | null = null;
      try {
        expected = partByRegExp(pattern, name, dot);
      } catch {
        // left out below
      }
      fc.pre(expected !== null);
      assert.equal(globPartMatch(pattern, name, dot), expected, `${JSON.stringify(pattern)} ${JSON.stringify(name)} dot=${dot}`);
    }),
    { numRuns: 5000 },
  );
});

test('paths: the same answer as picomatch, with and without dot', () => {
  const part = fc.oneof(fc.constant('**'), fc.stringMatching(/^[ab.*?]{1,4}$/));
  const patterns = fc.array(part, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('/'));
  const paths = fc.array(fc.stringMatching(/^[ab.]{1,4}$/), { minLength: 1, maxLength: 5 }).map((ps) => ps.join('/'));
  fc.assert(
    fc.property(patterns, paths, fc.boolean(), (pattern, path, dot) => {
      // picomatch reads `.` and `..` parts as path steps; names of dots alone are left to it.
      fc.pre(!path.split('/').some((p) => /^\.+$/.test(p)) && !pattern.split('/').some((p) => /^\.+$/.test(p)));
      // A trailing `/**` matches the folder itself here whatever comes before it; picomatch, only after a
      // literal part (`a/**` matches `a`, `*/**` does not match `b`).
      fc.pre(!/(^|\/)[^/]*[*?][^/]*(\/\*\*)+$/.test(pattern));
      // Three stars in a row: picomatch's reading is its own (`a./**/***` matches `aa`); and its `*.*`
      // does not match `a.` (a star matches nothing in glob(3), and in picomatch's own `a.*`).
      fc.pre(!pattern.includes('***') && !/\*\.\*/.test(pattern));
      assert.equal(globPathMatcher(pattern, { dot })(path), picomatch(pattern, { dot })(path), `${pattern} ${path} dot=${dot}`);
    }),
    { numRuns: 5000 },
  );
  for (const [pattern, path, want] of [
    ['**/*.py', 'src/a/b.py', true],
    ['**/*.py', 'b.py', true],
    ['src/{a,b}/*.ts', 'src/b/x.ts', true],
    ['src/{a,b}/*.ts', 'src/c/x.ts', false],
    ['**/*.py', '.venv/x.py', false],
    ['*', '.env', false],
  ] as const)
    assert.equal(globPathMatcher(pattern)(path), want, `${pattern} ${path}`);
  assert.equal(globPathMatcher('**/*.py', { dot: true })('.venv/x.py'), true);
});

test('braces: comma lists, nested, and at most MAX_BRACE_EXPANSIONS', () => {
  assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
  assert.deepEqual(expandBraces('{x}'), ['{x}']);
  assert.equal(expandBraces('{a,b}'.repeat(20)).length, MAX_BRACE_EXPANSIONS);
});

test('patterns that make a backtracking matcher run for hours are answered at once', { timeout: 20_000 }, () => {
  // As regular expressions these take hours (ten stars: 38 s; fourteen, far longer); here pattern × input steps.
  const name = 'a'.repeat(60);
  assert.equal(globPartMatch(`${'*a'.repeat(14)}*b`, name), false);
  assert.equal(globPartMatch(`${'*a'.repeat(14)}*`, name), true);
  const path = `/data/${'a'.repeat(200)}.safetensors`;
  assert.equal(globPathMatcher(`/data/${'*?'.repeat(30)}x`, { dot: true })(path), false);
  assert.equal(globPathMatcher(`/**/${'*a'.repeat(30)}*.safetensors`, { dot: true })(path), true);
  assert.equal(globPathMatcher(`${'**/'.repeat(40)}z`)(`${'d/'.repeat(200)}y`), false);
});
