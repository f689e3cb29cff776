import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forTerminal, jsonForTerminal, MAX_TERMINAL_LINE } from '../../src/core/index.js';

test('forTerminal escapes every control a terminal obeys, visibly, and keeps newlines and tabs', () => {
  const attack = '\u001b[2J\u001b[HAPPROVED BY SECURITY\rover\u0007\u009b31m\u202eevil\u2066\u200f\u0000\u007f\ttab\nnext';
  const shown = forTerminal(attack);
  assert.equal(shown, '\\x1b[2J\\x1b[HAPPROVED BY SECURITY\\x0dover\\x07\\x9b31m\\u202eevil\\u2066\\u200f\\x00\\x7f\ttab\nnext');
  assert.doesNotMatch(shown, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  assert.equal(forTerminal('plain text, é and 😀'), 'plain text, é and 😀');
});

test('forTerminal clips a huge single line with a note and leaves short lines alone', () => {
  const long = 'x'.repeat(MAX_TERMINAL_LINE + 500);
  const shown = forTerminal(`short\n${long}\nafter`);
  const lines = shown.split('\n');
  assert.equal(lines[0], 'short');
  assert.equal(lines[1], `${'x'.repeat(MAX_TERMINAL_LINE)}… [line clipped: 500 more characters]`);
  assert.equal(lines[2], 'after');
});

test('jsonForTerminal writes C1 and bidi controls as \\u escapes: the same JSON value, nothing raw', () => {
  const value = { s: 'a\u009b2Jb\u202ec\u2028d\u001b' };
  const json = jsonForTerminal(JSON.stringify(value));
  assert.deepEqual(JSON.parse(json), value);
  assert.doesNotMatch(json, /[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
});
