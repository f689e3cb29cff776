import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BridgeExchange } from '../../src/bridge/index.js';
import { finalAnswer } from '../../src/harness/interview.js';

type Ev = { type: string; text?: string };
const said = (text: string): Ev => ({ type: 'assistant', text });
const ran: Ev = { type: 'tool_call' };
const call: Ev = { type: 'model_call' };

/** An exchange as the bridge records it, reduced to what the answer depends on. */
const exchange = (tools: number, events: Ev[], status = 200) => ({ status, tools, events }) as unknown as BridgeExchange;

test("the answer is the words of the last response that offered tools and called none, the response's only", () => {
  const answer = exchange(3, [call, said('I moved the weights.')]);
  assert.equal(finalAnswer([exchange(3, [call, ran]), answer], '', true), 'I moved the weights.');
  // Recorded whole (the CLI's system prompt changed on resume): the episode's tool calls and words come
  // before the model_call and are not the answer's. This came back '' before only the response was read.
  const whole = exchange(3, [
    { type: 'system' },
    said('Copy the weights.'),
    ran,
    said('Done.'),
    { type: 'user' },
    call,
    said('I moved them.'),
  ]);
  assert.equal(finalAnswer([whole], '', true), 'I moved them.');
  // A side request without tools (a session title) is not the answer.
  assert.equal(finalAnswer([answer, exchange(0, [call, said('Weights cleanup')])], '', true), 'I moved the weights.');
  // A response that runs a tool, or a failed call, is not an answer.
  assert.equal(finalAnswer([exchange(3, [call, said('x')], 500), exchange(3, [call, said('run it'), ran])], '', true), '');
  assert.equal(finalAnswer([], 'printed', false), 'printed');
});
