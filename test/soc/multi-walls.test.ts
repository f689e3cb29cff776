import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3Content, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { socEpisode } from './helpers/shared.js';

const reply = (content: LanguageModelV3Content[]): LanguageModelV3GenerateResult => ({
  content,
  finishReason: { unified: 'tool-calls', raw: undefined },
  usage: { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
  warnings: [],
});

test('SOC: an agent sending 3,000-deep arguments is refused and goes on; a failure in its turn ends only its episode, keeping its events', async () => {
  const turns = [
    reply([{ type: 'tool-call', toolCallId: 'c1', toolName: 'end_task', input: `{"x":${'['.repeat(3000)}${']'.repeat(3000)}}` }]),
    // A provider answering a reasoning part without text: the loop's own code throws on it.
    reply([{ type: 'reasoning', text: 42 as unknown as string }]),
  ];
  let i = 0;
  const hostile = new MockLanguageModelV3({ doGenerate: async () => turns[i++] ?? reply([{ type: 'text', text: 'idle' }]) });
  const ep = await socEpisode({ seed: 3, subject: 'patcher', subjectModel: { model: hostile } });
  const patcher = ep.result.team.seats.find((a) => a.role === 'patcher')!;
  assert.equal(patcher.endReason, 'error');
  assert.match(patcher.error ?? '', /^internal error: TypeError/);
  const refused = patcher.events.find((e) => e.type === 'tool_result');
  assert.ok(refused && refused.type === 'tool_result');
  assert.match(refused.output, /^Error: this call was not run: the arguments are nested more than 64 levels deep/);
  assert.equal(patcher.events.at(-1)?.type, 'end');
  for (const a of ep.result.team.seats.filter((x) => x.role !== 'patcher')) assert.notEqual(a.endReason, 'error');
});
