/**
 * A resumed Gemini CLI session (`gemini --resume latest`, the harness interview; CLI 0.61) sends each
 * saved function response twice in one turn. The repeat (same id, same content, same turn) is the same
 * answer, taken once; before, the bridge refused the request with a 400 and the CLI exited.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGenerate } from '../../src/bridge/gemini.js';

const call = (id: string) => ({ functionCall: { id, name: 'run_shell_command', args: { command: 'ls' } } });
const answer = (id: string, output = 'ok') => ({ functionResponse: { id, name: 'run_shell_command', response: { output } } });
const parse = (contents: unknown[]) => parseGenerate({ contents }, 'gemini-2.5-pro', false);

test('a response repeated in the same turn is taken once', () => {
  const r = parse([
    { role: 'user', parts: [{ text: 'task' }] },
    { role: 'model', parts: [call('call_0')] },
    { role: 'user', parts: [answer('call_0'), answer('call_0')] },
    { role: 'user', parts: [{ text: 'question' }] },
  ]);
  const tools = r.options.prompt.filter((m) => m.role === 'tool');
  assert.equal(tools.length, 1);
  assert.equal(tools[0]?.content.length, 1);
  assert.deepEqual(
    r.options.prompt.map((m) => m.role),
    ['user', 'assistant', 'tool', 'user'],
  );
});

test('a second response that differs, or one for no call at all, is still refused', () => {
  assert.throws(
    () =>
      parse([
        { role: 'model', parts: [call('a')] },
        { role: 'user', parts: [answer('a'), answer('a', 'other')] },
      ]),
    /parts\[1\]\.functionResponse: no earlier functionCall has id 'a'/,
  );
  assert.throws(
    () =>
      parse([
        { role: 'model', parts: [call('a')] },
        { role: 'user', parts: [answer('b')] },
      ]),
    /no earlier functionCall has id 'b'/,
  );
});
