/**
 * The OpenAI-compatible fast path against the AI SDK provider it stands in for: for every request it
 * takes, the same request body on the wire, and the same result or the same error, over a corpus of
 * server answers and failures. Both talk to one local server that replays a scripted answer per test.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { withCompatibleFastPath } from '../../src/models/compatible-chat.js';
import { resolveModel } from '../../src/models/index.js';
import { leanFetch } from '../../src/models/transport.js';

interface Answer {
  status?: number;
  statusText?: string;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
  /** Send the headers and part of the body, then cut the connection. */
  cut?: boolean;
}

let answer: Answer = {};
const bodies: string[] = [];
let server: http.Server;
let baseURL = '';

before(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      text += c;
    });
    req.on('end', () => {
      bodies.push(text);
      // No Date header: the two models' answers must be byte-identical.
      res.sendDate = false;
      const body = answer.body ?? '';
      const headers = answer.headers ?? [['content-type', 'application/json']];
      res.writeHead(answer.status ?? 200, answer.statusText ?? '', headers.flat());
      if (answer.cut) {
        res.write(typeof body === 'string' ? body.slice(0, 10) : body.subarray(0, 10));
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      }
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** The SDK model, the fast path around it, and a count of the calls the fast path handed to the SDK. */
function models(name = 'vllm'): { sdk: LanguageModelV3; fast: LanguageModelV3; delegated: () => number } {
  const sdk = createOpenAICompatible({ name, baseURL, apiKey: 'k-1', includeUsage: true, fetch: leanFetch }).chatModel('test-model');
  let delegated = 0;
  const counted: LanguageModelV3 = {
    specificationVersion: 'v3',
    provider: sdk.provider,
    modelId: sdk.modelId,
    supportedUrls: sdk.supportedUrls,
    doStream: (o) => sdk.doStream(o),
    doGenerate: (o) => {
      delegated++;
      return sdk.doGenerate(o);
    },
  };
  return {
    sdk,
    fast: withCompatibleFastPath(counted, { name, modelId: 'test-model', baseURL, apiKey: 'k-1' }),
    delegated: () => delegated,
  };
}

const TOOLS: LanguageModelV3CallOptions['tools'] = [
  {
    type: 'function',
    name: 'read_file',
    description: 'Reads a file.',
    inputSchema: { type: 'object', properties: { filename: { type: 'string' } }, required: ['filename'] },
  },
  { type: 'function', name: 'end_task', description: 'Ends.', inputSchema: { type: 'object', properties: {} }, strict: true },
];

const CONVERSATION: LanguageModelV3Prompt = [
  { role: 'system', content: 'You are an agent at OpenBrain.' },
  { role: 'user', content: [{ type: 'text', text: 'Grade the evaluation. ✓ "quoted" \\ back' }] },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'I should read the file.' },
      { type: 'text', text: 'Reading.' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'read_file', input: { filename: 'a.txt' } },
      { type: 'tool-call', toolCallId: 'c2', toolName: 'read_file', input: '{"filename":"b.txt"}' },
      { type: 'tool-call', toolCallId: 'c3', toolName: 'read_file', input: 'not json' },
    ],
  },
  {
    role: 'tool',
    content: [
      { type: 'tool-result', toolCallId: 'c1', toolName: 'read_file', output: { type: 'text', value: 'contents' } },
      { type: 'tool-result', toolCallId: 'c2', toolName: 'read_file', output: { type: 'error-text', value: 'no such file' } },
      { type: 'tool-result', toolCallId: 'c3', toolName: 'read_file', output: { type: 'json', value: { ok: false, n: [1, 2] } } },
      { type: 'tool-approval-response', approvalId: 'a1', approved: true },
      { type: 'tool-result', toolCallId: 'c4', toolName: 'read_file', output: { type: 'error-json', value: { code: 7 } } },
      { type: 'tool-result', toolCallId: 'c5', toolName: 'read_file', output: { type: 'execution-denied' } },
      { type: 'tool-result', toolCallId: 'c6', toolName: 'read_file', output: { type: 'execution-denied', reason: 'not allowed' } },
    ],
  },
  { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c7', toolName: 'end_task', input: {} }] },
  { role: 'assistant', content: [{ type: 'text', text: '' }] },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'one' },
      { type: 'text', text: 'two' },
    ],
  },
];

const BASE: LanguageModelV3CallOptions = {
  prompt: CONVERSATION,
  tools: TOOLS,
  toolChoice: { type: 'auto' },
  temperature: 1,
  seed: 7,
};

/** Runs one call through each model and returns both outcomes and both request bodies. */
async function both(options: LanguageModelV3CallOptions, name?: string) {
  const { sdk, fast, delegated } = models(name);
  const run = async (m: LanguageModelV3) => {
    const from = bodies.length;
    try {
      const result = await m.doGenerate(options);
      return { ok: true as const, result, body: bodies[from] };
    } catch (error) {
      return { ok: false as const, error: error as Error & Record<string, unknown>, body: bodies[from] };
    }
  };
  const viaSdk = await run(sdk);
  const viaFast = await run(fast);
  return { viaSdk, viaFast, delegated: delegated() };
}

type Outcome = Awaited<ReturnType<typeof both>>['viaSdk'];

function assertSameResult(a: Outcome, b: Outcome): void {
  assert.equal(b.body, a.body, 'request body on the wire');
  assert.equal(a.ok, true, a.ok ? '' : `sdk failed: ${a.error.message}`);
  assert.equal(b.ok, true, b.ok ? '' : `fast path failed: ${b.error.message}`);
  if (!a.ok || !b.ok) return;
  assert.deepEqual(b.result, a.result);
}

function assertSameError(a: Outcome, b: Outcome): void {
  assert.equal(b.body, a.body, 'request body on the wire');
  assert.equal(a.ok, false, 'the sdk should fail');
  assert.equal(b.ok, false, 'the fast path should fail');
  if (a.ok || b.ok) return;
  for (const key of ['name', 'message', 'statusCode', 'isRetryable', 'url', 'responseBody']) {
    assert.deepEqual(b.error[key], a.error[key], key);
  }
  for (const key of ['responseHeaders', 'requestBodyValues', 'data']) assert.deepEqual(b.error[key], a.error[key], key);
  assert.equal((b.error.cause as Error | undefined)?.name, (a.error.cause as Error | undefined)?.name, 'cause');
}

const completion = (message: object, extra: object = {}) =>
  JSON.stringify({
    id: 'cmpl-1',
    object: 'chat.completion',
    created: 1_790_000_000,
    model: 'served-model',
    choices: [{ index: 0, message, finish_reason: 'tool_calls' }],
    ...extra,
  });

const ANSWERS: Array<[string, Answer]> = [
  [
    'tool calls with full usage',
    {
      body: completion(
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"filename":"x"}' } },
            { id: 'call_2', type: 'function', function: { name: 'end_task', arguments: '' } },
          ],
        },
        {
          usage: {
            prompt_tokens: 120,
            completion_tokens: 30,
            total_tokens: 150,
            prompt_tokens_details: { cached_tokens: 20 },
            completion_tokens_details: { reasoning_tokens: 12, accepted_prediction_tokens: 3, rejected_prediction_tokens: 1 },
            extra: 'kept',
          },
        },
      ),
    },
  ],
  [
    'text with reasoning_content',
    { body: completion({ role: 'assistant', content: 'Done.', reasoning_content: 'thinking' }, { usage: null }) },
  ],
  [
    'reasoning field and content parts',
    {
      body: completion({
        content: [
          { type: 'text', text: 'a' },
          { type: 'thinking', thinking: [{ type: 'text', text: 'deep' }, { type: 'other' }, null] },
          { type: 'text', text: '' },
          { type: 'image', url: 'x' },
        ],
        reasoning: 'r',
      }),
    },
  ],
  ['a refusal', { body: JSON.stringify({ choices: [{ message: { content: '', refusal: 'I will not.' }, finish_reason: 'stop' }] }) }],
  [
    'a non-string refusal',
    { body: JSON.stringify({ choices: [{ message: { content: 'ok', refusal: false }, finish_reason: 'length' }] }) },
  ],
  [
    'a thought signature',
    {
      body: completion({
        tool_calls: [{ id: 't', function: { name: 'end_task', arguments: '{}' }, extra_content: { google: { thought_signature: 'sig' } } }],
      }),
    },
  ],
  ['finish reasons', { body: JSON.stringify({ choices: [{ message: { content: 'x' }, finish_reason: 'content_filter' }] }) }],
  ['an unknown finish reason', { body: JSON.stringify({ choices: [{ message: { content: 'x' }, finish_reason: 'eos' }] }) }],
  ['no finish reason', { body: JSON.stringify({ choices: [{ message: { content: 'x' } }] }) }],
  ['a leading byte-order mark', { body: `\uFEFF${completion({ content: 'bom' })}` }],
  [
    'a gzip body and repeated headers',
    {
      headers: [
        ['content-type', 'application/json'],
        ['content-encoding', 'gzip'],
        ['x-dup', 'a'],
        ['X-Dup', 'b'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
      body: zlib.gzipSync(completion({ content: 'zipped ✓' })),
    },
  ],
];

for (const [label, a] of ANSWERS) {
  test(`same result as the SDK provider: ${label}`, async () => {
    answer = a;
    const { viaSdk, viaFast, delegated } = await both(BASE);
    assert.equal(delegated, 0, 'the fast path took the call');
    assertSameResult(viaSdk, viaFast);
  });
}

test('a tool call without an id gets a generated one, as in the SDK', async () => {
  answer = { body: completion({ tool_calls: [{ function: { name: 'end_task', arguments: '{}' } }] }) };
  const { viaSdk, viaFast } = await both(BASE);
  assert.ok(viaSdk.ok && viaFast.ok);
  const id = (r: typeof viaFast) => (r.ok && r.result.content[0]?.type === 'tool-call' ? r.result.content[0].toolCallId : '');
  assert.match(id(viaFast), /^\w{16}$/);
  assert.match(id(viaSdk), /^\w{16}$/);
});

const FAILURES: Array<[string, Answer]> = [
  [
    '429 with Retry-After and an error body',
    {
      status: 429,
      statusText: 'Too Many Requests',
      headers: [
        ['content-type', 'application/json'],
        ['retry-after', '3'],
      ],
      body: JSON.stringify({ error: { message: 'slow down', type: 'rate_limit', code: 429 } }),
    },
  ],
  ['500 with an empty body', { status: 500, statusText: 'Internal Server Error', body: '' }],
  ['400 with a body that is not JSON', { status: 400, statusText: 'Bad Request', body: '<html>bad</html>' }],
  ['400 with an error of another shape', { status: 400, statusText: 'Bad Request', body: JSON.stringify({ detail: 'nope' }) }],
  [
    '404 with an error code',
    { status: 404, statusText: 'Not Found', body: JSON.stringify({ error: { message: 'no model', code: 'model_not_found' } }) },
  ],
  ['200 with truncated JSON', { body: '{"choices": [' }],
  ['200 with the wrong shape', { body: JSON.stringify({ choices: [{ message: { tool_calls: [{ function: { name: 'x' } }] } }] }) }],
  ['200 with a __proto__ key', { body: '{"choices":[],"__proto__":{"x":1}}' }],
  ['200 with no choices', { body: JSON.stringify({ choices: [] }) }],
  ['a connection cut in the body', { body: completion({ content: 'long enough to cut' }), cut: true }],
];

for (const [label, a] of FAILURES) {
  test(`same error as the SDK provider: ${label}`, async () => {
    answer = a;
    const { viaSdk, viaFast, delegated } = await both(BASE);
    assert.equal(delegated, 0);
    assertSameError(viaSdk, viaFast);
  });
}

/** A deep copy of a value, frozen through and through. */
function frozenCopy<T>(v: T): T {
  const copy = structuredClone(v);
  const freeze = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    Object.freeze(x);
    for (const child of Object.values(x)) freeze(child);
  };
  freeze(copy);
  return copy;
}

test('a conversation sent turn by turn, frozen or changed in place between calls, goes out as the SDK sends it', async () => {
  answer = { body: completion({ role: 'assistant', content: 'ok' }) };
  const settled = CONVERSATION.map(frozenCopy);
  // Turn by turn, as a rollout resends its conversation.
  for (let n = 1; n <= settled.length; n++) {
    const { viaSdk, viaFast, delegated } = await both({ ...BASE, prompt: settled.slice(0, n) });
    assertSameResult(viaSdk, viaFast);
    assert.equal(delegated, 0);
  }
  // Not frozen (or frozen only on top) and changed between two calls: each call sends what it holds now.
  const loose = structuredClone(CONVERSATION);
  const topOnly = Object.freeze(structuredClone(CONVERSATION[1]) as LanguageModelV3Prompt[number]);
  const prompt = [...settled.slice(0, 1), topOnly, ...loose.slice(2)];
  const before = await both({ ...BASE, prompt });
  assertSameResult(before.viaSdk, before.viaFast);
  (topOnly.content[0] as { text: string }).text = 'changed in place';
  (loose[2]?.content[1] as { text: string }).text = 'also changed';
  const after = await both({ ...BASE, prompt });
  assertSameResult(after.viaSdk, after.viaFast);
  assert.match(after.viaFast.body ?? '', /changed in place.*also changed/);
});

test('same error as the SDK provider: nothing listening', async () => {
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v1`;
  await new Promise<void>((r) => closed.close(() => r()));
  const sdk = createOpenAICompatible({ name: 'vllm', baseURL: url, fetch: leanFetch }).chatModel('m');
  const fast = withCompatibleFastPath(sdk, { name: 'vllm', modelId: 'm', baseURL: url });
  const errorOf = (m: LanguageModelV3) =>
    m.doGenerate(BASE).then(
      () => assert.fail('should fail'),
      (e: Error & Record<string, unknown>) => e,
    );
  const [a, b] = [await errorOf(sdk), await errorOf(fast)];
  assert.equal(b.message, a.message);
  assert.match(String(b.message), /Cannot connect to API: .*ECONNREFUSED/);
  assert.equal(b.isRetryable, true);
  assert.deepEqual(b.requestBodyValues, a.requestBodyValues);
});

test('an abort rejects with the signal reason, before or during the request', async () => {
  answer = { body: completion({ content: 'x' }) };
  const { fast } = models();
  const early = new AbortController();
  early.abort();
  await assert.rejects(async () => fast.doGenerate({ ...BASE, abortSignal: early.signal }), { name: 'AbortError' });
  const slow = http.createServer(() => {});
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1`;
  const model = withCompatibleFastPath(createOpenAICompatible({ name: 'vllm', baseURL: url }).chatModel('m'), {
    name: 'vllm',
    modelId: 'm',
    baseURL: url,
  });
  await assert.rejects(async () => model.doGenerate({ ...BASE, abortSignal: AbortSignal.timeout(50) }), { name: 'TimeoutError' });
  slow.closeAllConnections();
  slow.close();
});

const REQUESTS: Array<[string, Partial<LanguageModelV3CallOptions>]> = [
  [
    'every sampling setting',
    { maxOutputTokens: 99, topP: 0.5, frequencyPenalty: 0.1, presencePenalty: 0.2, stopSequences: ['END'], temperature: 0 },
  ],
  ['no tools and a tool choice', { tools: [], toolChoice: { type: 'required' } }],
  ['tool choice none', { toolChoice: { type: 'none' } }],
  ['tool choice required', { toolChoice: { type: 'required' } }],
  ['a named tool choice', { toolChoice: { type: 'tool', toolName: 'end_task' } }],
  ['no tool choice', { toolChoice: undefined }],
  ['a reasoning effort', { providerOptions: { openaiCompatible: { reasoningEffort: 'low' } } }],
  ['a null reasoning effort', { providerOptions: { openaiCompatible: { reasoningEffort: null } } }],
  ['a text response format', { responseFormat: { type: 'text' } }],
];

for (const [label, extra] of REQUESTS) {
  test(`same request body as the SDK provider: ${label}`, async () => {
    answer = { body: completion({ content: 'fine' }) };
    const { viaSdk, viaFast, delegated } = await both({ ...BASE, ...extra });
    assert.equal(delegated, 0);
    assertSameResult(viaSdk, viaFast);
  });
}

test('the metadata key follows the provider name the way the SDK picks it', async () => {
  answer = {
    body: completion({
      tool_calls: [{ id: 't', function: { name: 'x', arguments: '{}' }, extra_content: { google: { thought_signature: 's' } } }],
    }),
  };
  for (const providerOptions of [undefined, { openaiCompatible: { reasoningEffort: 'high' } }]) {
    const { viaSdk, viaFast, delegated } = await both({ ...BASE, ...(providerOptions ? { providerOptions } : {}) }, 'openai-compatible');
    assert.equal(delegated, 0);
    assertSameResult(viaSdk, viaFast);
  }
});

const DELEGATED: Array<[string, Partial<LanguageModelV3CallOptions>]> = [
  ['a JSON response format', { responseFormat: { type: 'json' } }],
  ['top-k', { topK: 3 }],
  ['per-call headers', { headers: { 'x-trace': '1' } }],
  ['other provider options', { providerOptions: { vllm: { guided_choice: ['a'] } } }],
  ['an unknown compatible option', { providerOptions: { openaiCompatible: { user: 'u' } } }],
  ['a provider tool', { tools: [{ type: 'provider', id: 'x.search', name: 'search', args: {} }] }],
  ['an image', { prompt: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: 'aGk=' }] }] }],
  [
    'part options',
    { prompt: [{ role: 'user', content: [{ type: 'text', text: 'x', providerOptions: { openaiCompatible: { name: 'n' } } }] }] },
  ],
];

for (const [label, extra] of DELEGATED) {
  test(`handed to the SDK provider: ${label}`, async () => {
    answer = { body: completion({ content: 'fine' }) };
    const { viaSdk, viaFast, delegated } = await both({ ...BASE, ...extra });
    assert.equal(delegated, 1);
    assertSameResult(viaSdk, viaFast);
  });
}

test('resolveModel puts the fast path on the OpenAI-compatible family, and PEERWATCH_FETCH=platform takes it off', async () => {
  answer = { body: completion({ content: 'fine' }) };
  const env = { VLLM_API_KEY: 'k' };
  const lean = resolveModel('vllm:test-model', { baseUrl: baseURL, env }).model;
  const plain = resolveModel('vllm:test-model', { baseUrl: baseURL, env: { ...env, PEERWATCH_FETCH: 'platform' } }).model;
  assert.notEqual(lean.constructor, plain.constructor);
  const from = bodies.length;
  const [a, b] = [await lean.doGenerate(BASE), await plain.doGenerate(BASE)];
  assert.equal(bodies[from], bodies[from + 1]);
  assert.deepEqual(a.content, b.content);
  assert.deepEqual(a.usage, b.usage);
});
