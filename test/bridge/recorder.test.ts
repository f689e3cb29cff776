import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3GenerateResult, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { BridgeRecorder } from '../../src/bridge/recorder.js';

const answer = (content: LanguageModelV3GenerateResult['content']): LanguageModelV3GenerateResult => ({
  content,
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 3, reasoning: 2 } },
  warnings: [],
});

const first: LanguageModelV3Prompt = [
  { role: 'system', content: 'sys' },
  { role: 'user', content: [{ type: 'text', text: 'task' }] },
];
const reply = answer([
  { type: 'reasoning', text: 'plan' },
  { type: 'text', text: 'Reading. <think>quietly</think>' },
  { type: 'tool-call', toolCallId: 'c1', toolName: 'list_drive_files', input: '{}' },
]);
// The client's resend: the answer echoed (its ids may differ), then the tool's result.
const second: LanguageModelV3Prompt = [
  ...first,
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Reading. <think>quietly</think>' },
      { type: 'tool-call', toolCallId: 'x9', toolName: 'list_drive_files', input: {} },
    ],
  },
  {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 'x9', toolName: 'list_drive_files', output: { type: 'text', value: 'Error: no drive' } }],
  },
];

test('a continued conversation records only what is new; the answer in the native loop’s event shapes', () => {
  const r = new BridgeRecorder(() => '2026-01-01 00:00:00');
  const a = r.record(first, reply, null);
  assert.deepEqual(
    a.map((e) => e.type),
    ['system', 'user', 'model_call', 'reasoning', 'reasoning', 'assistant', 'tool_call'],
  );
  assert.deepEqual(
    a.filter((e) => e.type === 'reasoning').map((e) => (e.type === 'reasoning' ? e.source : '')),
    ['provider', 'think_tag'],
  );
  const b = r.record(second, answer([{ type: 'tool-call', toolCallId: 'c2', toolName: 'end_task', input: '' }]), null);
  assert.deepEqual(
    b.map((e) => [e.type, e.turn]),
    [
      ['tool_result', 2],
      ['model_call', 2],
      ['tool_call', 2],
    ],
  );
  assert.equal(b[0]?.type === 'tool_result' && b[0].ok, false);
  // A request that does not continue the conversation (a side request) is recorded whole.
  const c = r.record(first, null, 'HTTP 500');
  assert.deepEqual(
    c.map((e) => e.type),
    ['system', 'user', 'model_call'],
  );
  assert.deepEqual(
    r.events.map((e) => e.seq),
    r.events.map((_, i) => i),
  );
});

test('without keeping the transcript, events are handed out with positions that go on counting', () => {
  const r = new BridgeRecorder(() => '2026-01-01 00:00:00', false);
  const a = r.record(first, reply, null);
  const b = r.record(second, reply, null);
  assert.equal(r.events.length, 0);
  assert.deepEqual(
    [...a, ...b].map((e) => e.seq),
    [...a, ...b].map((_, i) => i),
  );
});
