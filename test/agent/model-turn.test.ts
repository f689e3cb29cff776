import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3CallOptions, LanguageModelV3Content, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { runAgentLoop } from '../../src/agent/index.js';
import { callModel, declareTool, toolResultsMessage, userMessage } from '../../src/agent/model-turn.js';
import { EMPTY_WORLD } from './helpers/empty-world.js';

function result(content: LanguageModelV3Content[], extra: Partial<LanguageModelV3GenerateResult> = {}): LanguageModelV3GenerateResult {
  return {
    content,
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    usage: {
      inputTokens: { total: 120, noCache: 100, cacheRead: 20, cacheWrite: 0 },
      outputTokens: { total: 30, text: 10, reasoning: 20 },
    },
    warnings: [],
    ...extra,
  };
}

const TOOLS = [declareTool('list_drive_files', 'List the files.', { type: 'object', properties: {} })];

test('one turn: the request carries prompt, tools and settings; the answer is read part by part', async () => {
  const seen: LanguageModelV3CallOptions[] = [];
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      seen.push(options);
      return result(
        [
          { type: 'reasoning', text: 'Think first.', providerMetadata: { anthropic: { signature: 'sig-1' } } },
          { type: 'text', text: 'Looking ' },
          { type: 'text', text: '' },
          { type: 'text', text: 'now.' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'list_drive_files', input: '{"folder":"a"}' },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'list_drive_files', input: '' },
          { type: 'tool-call', toolCallId: 'c3', toolName: 'list_drive_files', input: '{"broken": ' },
        ],
        {
          providerMetadata: { openai: { responseId: 'r-1' } },
          warnings: [
            { type: 'unsupported', feature: 'seed', details: 'ignored by this model' },
            { type: 'other', message: 'slow down' },
          ],
        },
      );
    },
  });
  const prompt = [{ role: 'system' as const, content: 'sys' }, userMessage('go')];
  const turn = await callModel({
    model,
    prompt,
    tools: TOOLS,
    temperature: 0.7,
    seed: 42,
    providerOptions: { openai: { reasoningSummary: 'auto' } },
  });

  const req = seen[0];
  assert.ok(req);
  assert.deepEqual(req.prompt, prompt);
  assert.deepEqual(req.tools, TOOLS);
  assert.deepEqual(req.toolChoice, { type: 'auto' });
  assert.equal(req.temperature, 0.7);
  assert.equal(req.seed, 42);
  assert.deepEqual(req.providerOptions, { openai: { reasoningSummary: 'auto' } });

  assert.equal(turn.text, 'Looking now.');
  assert.deepEqual(turn.reasoning, ['Think first.']);
  assert.deepEqual(turn.toolCalls, [
    { toolCallId: 'c1', toolName: 'list_drive_files', input: { folder: 'a' } },
    { toolCallId: 'c2', toolName: 'list_drive_files', input: {} },
    // Not JSON: the raw text goes to the gateway, which answers with an error the model can read.
    { toolCallId: 'c3', toolName: 'list_drive_files', input: '{"broken": ' },
  ]);
  assert.equal(turn.inputTokens, 120);
  assert.equal(turn.outputTokens, 30);
  assert.equal(turn.reasoningTokens, 20);
  assert.equal(turn.finishReason, 'tool-calls');
  assert.deepEqual(turn.providerMetadata, { openai: { responseId: 'r-1' } });
  assert.deepEqual(turn.warnings, ["unsupported feature 'seed': ignored by this model", 'slow down']);
  // The replayed assistant message: empty text dropped, metadata kept as options, bad arguments as {}.
  assert.deepEqual(turn.assistant, {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Think first.', providerOptions: { anthropic: { signature: 'sig-1' } } },
      { type: 'text', text: 'Looking ' },
      { type: 'text', text: 'now.' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'list_drive_files', input: { folder: 'a' } },
      { type: 'tool-call', toolCallId: 'c2', toolName: 'list_drive_files', input: {} },
      { type: 'tool-call', toolCallId: 'c3', toolName: 'list_drive_files', input: {} },
    ],
  });
});

test('arguments that would set a prototype are never parsed into an object', async () => {
  const model = new MockLanguageModelV3({
    doGenerate: async () =>
      result([{ type: 'tool-call', toolCallId: 'c1', toolName: 'list_drive_files', input: '{"__proto__": {"polluted": true}}' }]),
  });
  const turn = await callModel({ model, prompt: [userMessage('go')], tools: TOOLS, temperature: 0, seed: 1 });
  assert.equal(typeof turn.toolCalls[0]?.input, 'string');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a silent model yields no assistant message; provider errors propagate unchanged', async () => {
  const silent = new MockLanguageModelV3({ doGenerate: async () => result([], { finishReason: { unified: 'stop', raw: 'stop' } }) });
  const turn = await callModel({ model: silent, prompt: [userMessage('go')], tools: TOOLS, temperature: 0, seed: 1 });
  assert.equal(turn.assistant, null);
  assert.deepEqual(turn.toolCalls, []);
  const boom = new Error('HTTP 500');
  const failing = new MockLanguageModelV3({
    doGenerate: async () => {
      throw boom;
    },
  });
  await assert.rejects(
    callModel({ model: failing, prompt: [userMessage('go')], tools: TOOLS, temperature: 0, seed: 1 }),
    (e) => e === boom,
  );
});

test('tool results go back as one tool message of text outputs', () => {
  assert.deepEqual(toolResultsMessage([{ toolCallId: 'c1', toolName: 'end_task', output: 'Task ended.' }]), {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'end_task', output: { type: 'text', value: 'Task ended.' } }],
  });
});

test('the agent loop passes provider warnings on and replays the conversation in provider format', async () => {
  const prompts: LanguageModelV3CallOptions['prompt'][] = [];
  let call = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      prompts.push(structuredClone(options.prompt));
      call++;
      const content: LanguageModelV3Content[] =
        call === 1
          ? [{ type: 'tool-call', toolCallId: 'c1', toolName: 'list_drive_files', input: '{}' }]
          : [{ type: 'tool-call', toolCallId: 'c2', toolName: 'end_task', input: '{}' }];
      return result(content, { warnings: [{ type: 'unsupported', feature: 'temperature' }] });
    },
  });
  const warnings: string[] = [];
  const run = await runAgentLoop({
    model,
    task: {
      systemPrompt: 'You are an agent.',
      userPrompt: 'Do the work.',
      tools: ['list_drive_files', 'end_task'],
      world: EMPTY_WORLD,
    },
    seed: 1,
    temperature: 1,
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(run.endReason, 'end_task');
  assert.deepEqual(warnings, ["unsupported feature 'temperature'", "unsupported feature 'temperature'"]);
  const second = prompts[1];
  assert.ok(second);
  assert.deepEqual(
    second.map((m) => m.role),
    ['system', 'user', 'assistant', 'tool'],
  );
  assert.equal(second[0]?.content, 'You are an agent.');
  const tool = second[3];
  assert.ok(tool && tool.role === 'tool');
  assert.equal(tool.content[0]?.type, 'tool-result');
});
