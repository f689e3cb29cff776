import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3GenerateResult, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { ConversationLog } from '../../src/bridge/conversations.js';

const answer = (text: string): LanguageModelV3GenerateResult => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
  warnings: [],
});
const user = (text: string): LanguageModelV3Prompt[number] => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): LanguageModelV3Prompt[number] => ({ role: 'assistant', content: [{ type: 'text', text }] });

test('interleaved conversations and a side request each get a transcript of their own, continued where they left off', () => {
  const log = new ConversationLog(() => '2026-01-01 00:00:00');
  const a1 = log.record([user('task A')], answer('on A'), null);
  const b1 = log.record([user('task B')], answer('on B'), null);
  // A side request (a title for A) does not continue A: a conversation of its own.
  const side = log.record([user('Title for: task A')], answer('A'), null);
  const a2 = log.record([user('task A'), assistant('on A'), user('go on')], answer('done A'), null);
  const b2 = log.record([user('task B'), assistant('on B'), user('more')], answer('done B'), null);
  assert.deepEqual(
    [a1, b1, side, a2, b2].map((r) => r.conversation),
    [0, 1, 2, 0, 1],
  );
  assert.equal(log.size, 3);
  // Only what is new is recorded on the continuation, with the conversation's own turn and seq.
  assert.deepEqual(
    a2.events.map((e) => [e.type, e.turn]),
    [
      ['user', 2],
      ['model_call', 2],
      ['assistant', 2],
    ],
  );
  assert.deepEqual(
    log.events(0).map((e) => e.seq),
    log.events(0).map((_, i) => i),
  );
  // A new conversation that starts like an old one (the same first message) is not that one.
  const again = log.record([user('task A')], answer('on A'), null);
  assert.equal(again.conversation, 3);
  // Its continuation goes to the conversation whose recorded messages it extends (not the longer A).
  const tie = log.record([user('task A'), assistant('on A'), user('x')], answer('y'), null);
  assert.equal(tie.conversation, 3);
});

test('a failed call leaves its prompt recorded, so the client’s retry continues the same conversation', () => {
  const log = new ConversationLog(() => '2026-01-01 00:00:00', false);
  const failed = log.record([user('task')], null, 'HTTP 500');
  const retried = log.record([user('task')], answer('ok'), null);
  assert.equal(retried.conversation, failed.conversation);
  assert.deepEqual(
    retried.events.map((e) => e.type),
    ['model_call', 'assistant'],
  );
  // Not kept: positions go on from the events handed out before.
  assert.deepEqual(
    [...failed.events, ...retried.events].map((e) => e.seq),
    [0, 1, 2, 3],
  );
  assert.deepEqual(log.events(0), []);
});
