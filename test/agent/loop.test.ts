import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3Content, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { APICallError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import {
  type AgentTask,
  MAX_NUDGES,
  NUDGE_TEXT,
  type RolloutRunInput,
  retryAfterMs,
  runAgentLoop,
  withRetries,
} from '../../src/agent/index.js';
import { canonicalJson, type Event } from '../../src/core/index.js';
import type { ToolName, WorldInit } from '../../src/world/index.js';

const CLOCK_START = '2026-02-09 09:00:00';

function tinyWorld(): WorldInit {
  return {
    drive: [
      {
        id_: '0',
        filename: 'notes.docx',
        content: 'Hello.',
        owner: 'julie.williams@openbrain.com',
        shared_with: [],
        last_modified: '2026-01-04 16:45:00',
      },
    ],
    workbook: [],
    config: null,
    servers: [],
    memory: null,
    decommission: [],
    clockStart: CLOCK_START,
    secondsPerTurn: 60,
  };
}

function task(tools: ToolName[] = ['list_drive_files', 'create_drive_file', 'end_task']): AgentTask {
  return { systemPrompt: 'You are an agent.', userPrompt: 'Do the work.', tools, world: tinyWorld() };
}

type Turn = LanguageModelV3GenerateResult | Error;

function reply(content: LanguageModelV3Content[], inputTokens = 10, outputTokens = 5): LanguageModelV3GenerateResult {
  const hasCall = content.some((c) => c.type === 'tool-call');
  return {
    content,
    finishReason: { unified: hasCall ? 'tool-calls' : 'stop', raw: undefined },
    usage: {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    },
    warnings: [],
  };
}

let callSeq = 0;
const call = (toolName: string, args: unknown = {}): LanguageModelV3Content => ({
  type: 'tool-call',
  toolCallId: `call_${++callSeq}`,
  toolName,
  input: typeof args === 'string' ? args : JSON.stringify(args),
});
const text = (t: string): LanguageModelV3Content => ({ type: 'text', text: t });

/** A model that plays the given turns in order; past the end it keeps saying nothing useful. */
function scripted(turns: Turn[]): MockLanguageModelV3 & { calls: number } {
  let i = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async () => {
      model.calls++;
      const t = turns[i++] ?? reply([text('idle')]);
      if (t instanceof Error) throw t;
      return t;
    },
  }) as MockLanguageModelV3 & { calls: number };
  model.calls = 0;
  return model;
}

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 20 };

function run(model: MockLanguageModelV3, overrides: Partial<RolloutRunInput> = {}) {
  return runAgentLoop({ model, task: task(), seed: 7, temperature: 0, retry: FAST_RETRY, ...overrides });
}

const ofType = <T extends Event['type']>(events: Event[], type: T) =>
  events.filter((e): e is Extract<Event, { type: T }> => e.type === type);

test('end_task ends the episode and later calls in the same turn are not run', async () => {
  const model = scripted([
    reply([call('end_task'), call('create_drive_file', { filename: 'late.txt', content: 'x' })]),
    reply([call('create_drive_file', { filename: 'never.txt', content: 'x' })]),
  ]);
  const r = await run(model);
  assert.equal(r.endReason, 'end_task');
  assert.equal(r.turns, 1);
  assert.equal(model.calls, 1);
  assert.equal(r.error, null);
  const results = ofType(r.events, 'tool_result');
  assert.equal(results.length, 2);
  assert.deepEqual(
    results.map((e) => [e.tool, e.ok]),
    [
      ['end_task', true],
      ['create_drive_file', false],
    ],
  );
  assert.match(results[1]!.output, /^Error: the task has already ended/);
  assert.deepEqual(
    r.finalWorld.drive.map((f) => f.filename),
    ['notes.docx'],
  );
  const last = r.events.at(-1)!;
  assert.equal(last.type, 'end');
  assert.equal(last.type === 'end' && last.reason, 'end_task');
});

test('turns without a tool call are nudged five times; the sixth ends with nudges_exhausted', async () => {
  const model = scripted(Array.from({ length: 10 }, () => reply([text('Thinking about it.')])));
  const r = await run(model);
  assert.equal(MAX_NUDGES, 5);
  assert.equal(r.endReason, 'nudges_exhausted');
  assert.equal(r.turns, 6);
  assert.equal(model.calls, 6);
  const nudges = ofType(r.events, 'user').filter((e) => e.nudge);
  assert.equal(nudges.length, 5);
  for (const n of nudges) assert.equal(n.content, NUDGE_TEXT);
  assert.deepEqual(
    nudges.map((n) => n.turn),
    [1, 2, 3, 4, 5],
  );
  // The nudge reaches the model as a user message on the next call.
  const lastPrompt = model.doGenerateCalls.at(-1)!.prompt;
  const userTexts = lastPrompt
    .filter((m) => m.role === 'user')
    .flatMap((m) => (m.role === 'user' ? m.content : []))
    .map((p) => (p.type === 'text' ? p.text : ''));
  assert.equal(userTexts.filter((t) => t === NUDGE_TEXT).length, 5);
});

test('a tool call between blank turns does not reset the nudge budget', async () => {
  const blank = () => reply([text('...')]);
  const model = scripted([blank(), blank(), blank(), reply([call('list_drive_files')]), blank(), blank(), blank()]);
  const r = await run(model);
  assert.equal(r.endReason, 'nudges_exhausted');
  assert.equal(r.turns, 7);
  assert.equal(ofType(r.events, 'user').filter((e) => e.nudge).length, 5);
});

test('maxIterations ends with max_iterations and turns equals the limit', async () => {
  const model = scripted(Array.from({ length: 10 }, () => reply([call('list_drive_files')])));
  const r = await run(model, { limits: { maxIterations: 3, maxContextTokens: 1_000_000 } });
  assert.equal(r.endReason, 'max_iterations');
  assert.equal(r.turns, 3);
  assert.equal(model.calls, 3);
  assert.equal(r.inputTokens, 30);
  assert.equal(r.outputTokens, 15);
  assert.equal(ofType(r.events, 'model_call').length, 3);
});

test('the token cap ends the episode with token_cap', async () => {
  const model = scripted([
    reply([call('list_drive_files')], 100, 10),
    reply([call('list_drive_files')], 990, 20),
    reply([call('list_drive_files')], 10, 1),
  ]);
  const r = await run(model, { limits: { maxIterations: 30, maxContextTokens: 1000 } });
  assert.equal(r.endReason, 'token_cap');
  assert.equal(r.turns, 2);
  assert.equal(model.calls, 2);
  assert.equal(r.inputTokens, 1090);
});

test('a world tool that is not offered is an unknown tool and changes nothing', async () => {
  const model = scripted([reply([call('delete_drive_file', { id_: '0' })]), reply([call('end_task')])]);
  const r = await run(model, { task: task(['list_drive_files', 'end_task']) });
  assert.equal(r.endReason, 'end_task');
  const res = ofType(r.events, 'tool_result')[0]!;
  assert.equal(res.tool, 'delete_drive_file');
  assert.equal(res.ok, false);
  assert.match(res.output, /^Error: unknown tool 'delete_drive_file'/);
  assert.equal(ofType(r.events, 'world').length, 0);
  assert.deepEqual(r.finalWorld.drive, r.initialWorld.drive);
});

test('malformed JSON tool input becomes an Error: tool result, not an exception', async () => {
  const model = scripted([reply([call('create_drive_file', '{"filename": "a.txt", "content": ')]), reply([call('end_task')])]);
  const r = await run(model);
  assert.equal(r.endReason, 'end_task');
  assert.equal(r.error, null);
  const res = ofType(r.events, 'tool_result')[0]!;
  assert.equal(res.tool, 'create_drive_file');
  assert.equal(res.ok, false);
  assert.match(res.output, /^Error: .*not valid JSON/);
  assert.equal(r.finalWorld.drive.length, 1);
  // The raw text is kept as the call's args, and the error goes back to the model as the call's result.
  assert.equal(ofType(r.events, 'tool_call')[0]!.args, '{"filename": "a.txt", "content": ');
  const toolMsg = model.doGenerateCalls[1]!.prompt.find((m) => m.role === 'tool');
  assert.ok(toolMsg && toolMsg.role === 'tool');
  const part = toolMsg.content[0]!;
  assert.ok(part.type === 'tool-result' && part.output.type === 'text' && part.output.value === res.output);
});

test('<think> text becomes think_tag reasoning and the rest an assistant event', async () => {
  const model = scripted([reply([text('<think>plan quietly</think>Here is my answer.'), call('end_task')])]);
  const r = await run(model);
  const reasoning = ofType(r.events, 'reasoning');
  assert.deepEqual(
    reasoning.map((e) => [e.source, e.text]),
    [['think_tag', 'plan quietly']],
  );
  assert.deepEqual(
    ofType(r.events, 'assistant').map((e) => e.text),
    ['Here is my answer.'],
  );
});

test('provider reasoning parts become provider reasoning events', async () => {
  const model = scripted([reply([{ type: 'reasoning', text: 'native thought' }, text('Done.'), call('end_task')])]);
  const r = await run(model);
  assert.deepEqual(
    ofType(r.events, 'reasoning').map((e) => [e.source, e.text]),
    [['provider', 'native thought']],
  );
  assert.deepEqual(
    ofType(r.events, 'assistant').map((e) => e.text),
    ['Done.'],
  );
});

test('world mutations sit between the tool_call and its tool_result', async () => {
  const model = scripted([reply([call('create_drive_file', { filename: 'plan.txt', content: 'step 1' })]), reply([call('end_task')])]);
  const r = await run(model);
  const types = r.events.filter((e) => e.turn === 1).map((e) => e.type);
  const iCall = types.indexOf('tool_call');
  const iWorld = types.indexOf('world');
  const iResult = types.indexOf('tool_result');
  assert.ok(iCall >= 0 && iWorld > iCall && iResult > iWorld, `order was ${types.join(',')}`);
  const res = ofType(r.events, 'tool_result')[0]!;
  assert.equal(res.ok, true);
  assert.ok(r.finalWorld.drive.some((f) => f.filename === 'plan.txt' && f.content === 'step 1'));
  assert.ok(!r.initialWorld.drive.some((f) => f.filename === 'plan.txt'));
});

test('events have contiguous seq from 0 and time advances 60 s per turn from clockStart', async () => {
  const model = scripted([reply([call('list_drive_files')]), reply([call('list_drive_files')]), reply([call('end_task')])]);
  const r = await run(model);
  assert.deepEqual(
    r.events.map((e) => e.seq),
    r.events.map((_, i) => i),
  );
  assert.equal(r.events[0]!.type, 'system');
  assert.equal(r.events[0]!.time, CLOCK_START);
  const timeOfTurn = (t: number) => [...new Set(r.events.filter((e) => e.turn === t && e.type !== 'end').map((e) => e.time))];
  assert.deepEqual(timeOfTurn(1), ['2026-02-09 09:00:00']);
  assert.deepEqual(timeOfTurn(2), ['2026-02-09 09:01:00']);
  assert.deepEqual(timeOfTurn(3), ['2026-02-09 09:02:00']);
});

test('a non-retryable model error ends the loop with reason error and an end event', async () => {
  const model = scripted([reply([call('list_drive_files')]), new Error('boom')]);
  const r = await run(model);
  assert.equal(r.endReason, 'error');
  assert.equal(model.calls, 2);
  assert.ok(r.error !== null);
  assert.match(r.error, /boom/);
  const last = r.events.at(-1)!;
  assert.equal(last.type, 'end');
  assert.ok(last.type === 'end' && last.reason === 'error' && last.detail?.includes('boom'));
  assert.ok(r.finalWorld.finalized);
});

function rateLimited(headers: Record<string, string>): APICallError {
  return new APICallError({
    message: 'slow down',
    url: 'http://model.invalid/v1',
    requestBodyValues: {},
    statusCode: 429,
    responseHeaders: headers,
    isRetryable: true,
  });
}

test('a retryable APICallError is retried and the loop continues', async () => {
  const model = scripted([rateLimited({ 'retry-after-ms': '5' }), reply([call('end_task')])]);
  const r = await run(model);
  assert.equal(r.endReason, 'end_task');
  assert.equal(r.error, null);
  assert.equal(model.calls, 2);
  assert.equal(r.turns, 1);
});

test('retryable errors that persist past maxAttempts end with error naming the status', async () => {
  const model = scripted([
    rateLimited({ 'retry-after-ms': '1' }),
    rateLimited({ 'retry-after-ms': '1' }),
    rateLimited({ 'retry-after-ms': '1' }),
  ]);
  const r = await run(model);
  assert.equal(r.endReason, 'error');
  assert.equal(model.calls, FAST_RETRY.maxAttempts);
  assert.match(r.error ?? '', /429/);
});

test('withRetries counts attempts, honours retry-after-ms, and throws non-retryable errors at once', async () => {
  let n = 0;
  const delays: number[] = [];
  const out = await withRetries(
    async () => {
      n++;
      if (n < 3) throw rateLimited({ 'retry-after-ms': '5' });
      return 'ok';
    },
    { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1000 },
    (_a, _e, d) => delays.push(d),
  );
  assert.deepEqual(out, { value: 'ok', attempts: 3 });
  assert.deepEqual(delays, [5, 5]);

  let m = 0;
  await assert.rejects(
    withRetries(
      async () => {
        m++;
        throw new Error('fatal');
      },
      { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 10 },
    ),
    /fatal/,
  );
  assert.equal(m, 1);
});

test('retryAfterMs reads retry-after-ms, then retry-after seconds', () => {
  assert.equal(retryAfterMs(rateLimited({ 'retry-after-ms': '250' })), 250);
  assert.equal(retryAfterMs(rateLimited({ 'retry-after': '3' })), 3000);
  assert.equal(retryAfterMs(rateLimited({ 'retry-after-ms': '40', 'retry-after': '3' })), 40);
  assert.equal(retryAfterMs(rateLimited({})), null);
  assert.equal(retryAfterMs(new Error('plain')), null);
});

test('lone surrogates in model text are stored well-formed', async () => {
  const model = scripted([reply([text('bad \uD800 char'), call('end_task')])]);
  const r = await run(model);
  const a = ofType(r.events, 'assistant')[0]!;
  assert.equal(a.text, 'bad \uFFFD char');
  for (const e of r.events) assert.ok(JSON.stringify(e).isWellFormed());
});

test('events keep their keys in sorted order at every depth, so their canonical JSON is their JSON', async () => {
  const model = scripted([
    reply([text('a "quoted" note'), call('create_file', { filename: 'b.md', content: 'x' })]),
    reply([call('end_task')]),
  ]);
  const r = await run(model);
  const sortedAll = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.every(sortedAll);
    if (v === null || typeof v !== 'object') return true;
    const keys = Object.keys(v);
    return keys.join('\u0000') === [...keys].sort().join('\u0000') && Object.values(v).every(sortedAll);
  };
  assert.ok(r.events.length > 5);
  for (const e of r.events) {
    assert.ok(sortedAll(e), `${e.type} has unsorted keys: ${JSON.stringify(e)}`);
    assert.equal(canonicalJson(e), JSON.stringify(e));
  }
});

test('arguments nested past the limit are refused with an Error: result, the call is not run, and the episode goes on', async () => {
  const deep = `{"filename":"x.md","content":${'['.repeat(3000)}${']'.repeat(3000)}}`;
  const model = scripted([
    reply([call('create_drive_file', { filename: 'first.md', content: 'kept' })]),
    reply([call('create_drive_file', deep)]),
    reply([call('create_drive_file', { filename: 'after.md', content: 'still running' }), call('end_task')]),
  ]);
  const r = await run(model);
  assert.equal(r.error, null);
  assert.equal(r.endReason, 'end_task');
  const results = ofType(r.events, 'tool_result');
  assert.deepEqual(
    results.map((e) => e.ok),
    [true, false, true, true],
  );
  assert.match(results[1]!.output, /^Error: this call was not run: the arguments are nested more than 64 levels deep/);
  // The transcript keeps the start of what was sent, as text; the model sees its call replayed as {}.
  const refused = ofType(r.events, 'tool_call')[1]!;
  assert.equal(typeof refused.args, 'string');
  assert.ok((refused.args as string).length < 2_100);
  const replayed = model.doGenerateCalls[2]!.prompt.flatMap((m) => (m.role === 'assistant' ? m.content : [])).filter(
    (p) => p.type === 'tool-call',
  );
  assert.deepEqual(replayed[1]!.input, {});
  assert.deepEqual(r.finalWorld.drive.map((f) => f.filename).sort(), ['after.md', 'first.md', 'notes.docx']);
  for (const e of r.events) canonicalJson(e);
});

test('arguments over a million characters are refused the same way', async () => {
  const model = scripted([
    reply([call('create_drive_file', { filename: 'big.md', content: 'x'.repeat(1_000_001) })]),
    reply([call('end_task')]),
  ]);
  const r = await run(model, { limits: { maxIterations: 30, maxContextTokens: 1_000_000 } });
  const result = ofType(r.events, 'tool_result')[0]!;
  assert.equal(result.ok, false);
  assert.match(result.output, /^Error: this call was not run: the arguments are 1,000,0\d\d characters long; the limit is 1,000,000/);
  assert.equal(r.endReason, 'end_task');
});

test('a failure inside the loop ends the episode as an error and keeps every event recorded before it', async () => {
  const model = scripted([
    reply([call('create_drive_file', { filename: 'evidence.md', content: 'tampered' })]),
    reply([call('explode', {})]),
    reply([call('end_task')]),
  ]);
  const explode = {
    name: 'explode',
    description: 'A tool whose event cannot be read.',
    inputSchema: { type: 'object', properties: {} },
    run: () => ({
      ok: true,
      output: 'done',
      events: [
        {
          action: 'boom',
          detail: {
            get x(): never {
              throw new Error('unreadable detail');
            },
          },
        },
      ],
    }),
  };
  const r = await run(model, { extraTools: [explode] });
  assert.equal(r.endReason, 'error');
  assert.match(r.error ?? '', /^internal error: Error: unreadable detail/);
  const calls = ofType(r.events, 'tool_call');
  assert.deepEqual(
    calls.map((c) => c.tool),
    ['create_drive_file', 'explode'],
  );
  assert.equal(r.events.at(-1)!.type, 'end');
});

test('every call carries a max output tokens cap, and a huge answer reported as one token still ends the episode at the context cap', async () => {
  const huge = 'y'.repeat(2_000_000);
  const model = scripted(Array.from({ length: 30 }, () => reply([text(huge), call('list_drive_files')], 1, 1)));
  const r = await run(model);
  assert.equal(model.doGenerateCalls[0]!.maxOutputTokens, 16_000);
  assert.equal(r.endReason, 'token_cap');
  assert.equal(r.turns, 1);
  const cappedModel = scripted([reply([call('end_task')])]);
  const capped = await run(cappedModel, {
    limits: { maxIterations: 30, maxContextTokens: 120_000, maxOutputTokens: 500 },
  });
  assert.equal(capped.endReason, 'end_task');
  assert.equal(cappedModel.doGenerateCalls[0]!.maxOutputTokens, 500); // the run's own cap is the one sent
});
