import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3CallOptions, LanguageModelV3Content, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { type ExtraTool, runAgentLoop } from '../../src/agent/index.js';
import type { Event } from '../../src/core/index.js';
import { EMPTY_WORLD as world } from './helpers/empty-world.js';

function reply(content: LanguageModelV3Content[]): LanguageModelV3GenerateResult {
  return {
    content,
    finishReason: { unified: 'tool-calls', raw: undefined },
    usage: { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
    warnings: [],
  };
}

let n = 0;
const call = (toolName: string, args: unknown = {}): LanguageModelV3Content => ({
  type: 'tool-call',
  toolCallId: `c${++n}`,
  toolName,
  input: JSON.stringify(args),
});

function model(turns: LanguageModelV3GenerateResult[], seen: LanguageModelV3CallOptions[] = []) {
  let i = 0;
  return new MockLanguageModelV3({
    doGenerate: async (options) => {
      seen.push(options);
      return turns[i++] ?? reply([call('end_task')]);
    },
  });
}

const echo: ExtraTool = {
  name: 'file_objection',
  description: 'File an objection.',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
  run(args, ctx) {
    const text = (args as { text?: unknown })?.text;
    if (typeof text !== 'string') return { ok: false, output: 'text must be a string' };
    return { ok: true, output: `filed at ${ctx.time}`, events: [{ action: 'objection.filed', detail: { text, turn: ctx.turn } }] };
  },
};

const ofType = <T extends Event['type']>(events: Event[], type: T) =>
  events.filter((e): e is Extract<Event, { type: T }> => e.type === type);

test('extra tools are offered just before end_task, run with the simulated time, and log channel.* world events', async () => {
  const seen: LanguageModelV3CallOptions[] = [];
  const m = model(
    [reply([call('list_drive_files')]), reply([call('file_objection', { text: 'no' })]), reply([call('file_objection', { text: 3 })])],
    seen,
  );
  const r = await runAgentLoop({
    model: m,
    task: { systemPrompt: 's', userPrompt: 'u', tools: ['list_drive_files', 'end_task'], world },
    seed: 1,
    temperature: 0,
    extraTools: [echo],
  });
  assert.deepEqual(
    (seen[0]?.tools ?? []).map((t) => t.name),
    ['list_drive_files', 'file_objection', 'end_task'],
  );
  const results = ofType(r.events, 'tool_result').filter((e) => e.tool === 'file_objection');
  assert.deepEqual(
    results.map((e) => [e.ok, e.output]),
    [
      [true, 'filed at 2026-02-09 09:01:00'],
      [false, 'Error: text must be a string'],
    ],
  );
  const worldEvents = ofType(r.events, 'world');
  assert.deepEqual(
    worldEvents.map((e) => [e.action, e.detail]),
    [['channel.objection.filed', { text: 'no', turn: 2 }]],
  );
  // The event sits between the call and its result, like a world tool's mutations.
  const i = r.events.findIndex((e) => e.type === 'world');
  assert.equal(r.events[i - 1]?.type, 'tool_call');
  assert.equal(r.events[i + 1]?.type, 'tool_result');
});

test('a throwing extra tool is an Error: result, never a crash; a clashing name is refused up front', async () => {
  const boom: ExtraTool = {
    ...echo,
    name: 'objection_status',
    run: () => {
      throw new Error('kaput');
    },
  };
  const r = await runAgentLoop({
    model: model([reply([call('objection_status')])]),
    task: { systemPrompt: 's', userPrompt: 'u', tools: ['end_task'], world },
    seed: 1,
    temperature: 0,
    extraTools: [boom],
  });
  const res = ofType(r.events, 'tool_result').find((e) => e.tool === 'objection_status');
  assert.equal(res?.ok, false);
  assert.match(res?.output ?? '', /^Error: objection_status failed: kaput/);
  assert.equal(r.endReason, 'end_task');
  await assert.rejects(
    runAgentLoop({
      model: model([]),
      task: { systemPrompt: 's', userPrompt: 'u', tools: ['end_task'], world },
      seed: 1,
      temperature: 0,
      extraTools: [{ ...echo, name: 'end_task' }],
    }),
    /clashes/,
  );
});

test('an extra tool gets arguments of its own, which it may change without touching the conversation', async () => {
  const seen: LanguageModelV3CallOptions[] = [];
  const marking: ExtraTool = {
    ...echo,
    run(args) {
      (args as Record<string, unknown>).text = 'changed by the tool';
      return { ok: true, output: 'ok' };
    },
  };
  const r = await runAgentLoop({
    model: model([reply([call('file_objection', { text: 'as the model wrote it' })])], seen),
    task: { systemPrompt: 's', userPrompt: 'u', tools: ['end_task'], world },
    seed: 1,
    temperature: 0,
    extraTools: [marking],
  });
  assert.deepEqual(
    ofType(r.events, 'tool_result').map((e) => [e.tool, e.ok]),
    [
      ['file_objection', true],
      ['end_task', true],
    ],
  );
  const replayed = seen[1]?.prompt.flatMap((m) => (m.role === 'assistant' ? m.content : [])).find((p) => p.type === 'tool-call');
  assert.deepEqual(replayed?.type === 'tool-call' ? replayed.input : undefined, { text: 'as the model wrote it' });
});
