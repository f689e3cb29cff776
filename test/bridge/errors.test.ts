import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import type { LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { APICallError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import OpenAI from 'openai';
import { type Bridge, type BridgeExchange, startBridge } from '../../src/bridge/index.js';
import { UserError } from '../../src/core/index.js';

// Malformed and unsupported requests get each API's own status and error shape, naming the field; the
// bridge keeps serving after every one of them.

let bridge: Bridge;
const exchanges: BridgeExchange[] = [];
before(async () => {
  bridge = await startBridge({ model: 'scripted:honest', bodyLimit: 64 * 1024, onExchange: (e) => exchanges.push(e) });
});
after(async () => {
  await bridge.close();
});

const openai = () => new OpenAI({ apiKey: bridge.token, baseURL: bridge.urls['openai-chat'], maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: bridge.token, baseURL: bridge.urls.anthropic, maxRetries: 0 });
const google = () => new GoogleGenAI({ apiKey: bridge.token, httpOptions: { baseUrl: bridge.urls.gemini } });

async function rejects<E>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the request to be refused');
}

/** A well-formed request after each refusal: the bridge still answers. */
async function stillServing(): Promise<void> {
  const r = await openai().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
  assert.equal(r.choices[0]?.message.role, 'assistant');
}

async function raw(path: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${bridge.origin}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

test('chat completions: a missing field and a dangling tool result are 400 invalid_request_error with param', async () => {
  const e1 = await rejects<InstanceType<typeof OpenAI.BadRequestError>>(openai().chat.completions.create({ model: 'm' } as never));
  assert.ok(e1 instanceof OpenAI.BadRequestError);
  assert.equal(e1.param, 'messages');
  assert.equal(e1.type, 'invalid_request_error');
  const e2 = await rejects<InstanceType<typeof OpenAI.BadRequestError>>(
    openai().chat.completions.create({
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'tool', tool_call_id: 'nope', content: 'r' },
      ],
    }),
  );
  assert.equal(e2.status, 400);
  assert.equal(e2.param, 'messages[1].tool_call_id');
  assert.match(e2.message, /nope/);
  await stillServing();
});

test('responses: an unsupported input item and previous_response_id are 400 naming the field', async () => {
  const client = new OpenAI({ apiKey: bridge.token, baseURL: bridge.urls['openai-responses'], maxRetries: 0 });
  const e1 = await rejects<InstanceType<typeof OpenAI.BadRequestError>>(
    client.responses.create({ model: 'm', input: [{ type: 'image_generation_call', id: 'x' } as never] }),
  );
  assert.equal(e1.status, 400);
  assert.equal(e1.param, 'input[0].type');
  const e2 = await rejects<InstanceType<typeof OpenAI.BadRequestError>>(
    client.responses.create({ model: 'm', input: 'hi', previous_response_id: 'resp_1' }),
  );
  assert.equal(e2.param, 'previous_response_id');
  const e3 = await rejects<InstanceType<typeof OpenAI.BadRequestError>>(
    client.responses.create({ model: 'm', input: 'hi', tools: [{ type: 'web_search' }] }),
  );
  assert.equal(e3.param, 'tools[0].type');
  const e4 = await rejects<InstanceType<typeof OpenAI.BadRequestError>>(
    client.responses.create({ model: 'm', input: [{ type: 'item_reference', id: 'rs_unknown' }] }),
  );
  assert.equal(e4.param, 'input[0].id');
  await stillServing();
});

test('anthropic messages: a missing max_tokens and a tool_result without its tool_use are invalid_request_error', async () => {
  const e1 = await rejects<InstanceType<typeof Anthropic.BadRequestError>>(
    anthropic().messages.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] } as never),
  );
  assert.ok(e1 instanceof Anthropic.BadRequestError);
  assert.deepEqual(Object.keys(e1.error as object).sort(), ['error', 'type']);
  assert.equal((e1.error as { error: { type: string } }).error.type, 'invalid_request_error');
  assert.match(e1.message, /max_tokens/);
  const e2 = await rejects<InstanceType<typeof Anthropic.BadRequestError>>(
    anthropic().messages.create({
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }],
    }),
  );
  assert.match(e2.message, /messages\[0\]\.content\[0\]\.tool_use_id/);
  await stillServing();
});

test('gemini: empty contents and a non-function tool are 400 INVALID_ARGUMENT', async () => {
  // The client refuses empty contents itself, so this one goes on the wire by hand.
  const e1 = await raw('/v1beta/models/g:generateContent', JSON.stringify({ contents: [] }));
  assert.equal(e1.status, 400);
  assert.deepEqual(e1.body.error, {
    code: 400,
    message: 'contents: Too small: expected array to have >=1 items',
    status: 'INVALID_ARGUMENT',
  });
  const e2 = await rejects<ApiError>(
    google().models.generateContent({ model: 'g', contents: 'hi', config: { tools: [{ googleSearch: {} }] } }),
  );
  assert.ok(e2 instanceof ApiError);
  assert.equal(e2.status, 400);
  assert.match(e2.message, /tools\[0\]\.googleSearch/);
  await stillServing();
});

test('a body that is not JSON is a 400 in each protocol’s shape', async () => {
  const chat = await raw('/v1/chat/completions', '{not json');
  assert.equal(chat.status, 400);
  assert.equal((chat.body.error as { type: string }).type, 'invalid_request_error');
  const msg = await raw('/v1/messages', '[1,2]');
  assert.equal(msg.status, 400);
  assert.equal(msg.body.type, 'error');
  const gem = await raw('/v1beta/models/g:generateContent', '');
  assert.equal(gem.status, 400);
  assert.equal((gem.body.error as { status: string }).status, 'INVALID_ARGUMENT');
  await stillServing();
});

test('a wrong or missing token is a 401 authentication error; the right one in any API header works', async () => {
  const bad = new OpenAI({ apiKey: 'not-the-token-at-all', baseURL: bridge.urls['openai-chat'], maxRetries: 0 });
  const e1 = await rejects<InstanceType<typeof OpenAI.AuthenticationError>>(
    bad.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
  );
  assert.ok(e1 instanceof OpenAI.AuthenticationError);
  const e2 = await rejects<InstanceType<typeof Anthropic.AuthenticationError>>(
    new Anthropic({ apiKey: 'wrong', baseURL: bridge.urls.anthropic, maxRetries: 0 }).messages.create({
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    }),
  );
  assert.ok(e2 instanceof Anthropic.AuthenticationError);
  const none = await fetch(`${bridge.origin}/v1/messages`, { method: 'POST', body: '{}' });
  assert.equal(none.status, 401);
  const viaXApiKey = await raw('/v1/messages', JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), {
    authorization: '',
    'x-api-key': bridge.token,
  });
  assert.equal(viaXApiKey.status, 200);
});

test('a body over the limit is refused with 413 before the model is called', async () => {
  const before = exchanges.filter((e) => e.events.length > 0).length;
  const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
  const r = await raw('/v1/chat/completions', big);
  assert.equal(r.status, 413);
  assert.equal((r.body.error as { code: string }).code, 'request_too_large');
  const a = await raw('/v1/messages', big);
  assert.equal(a.status, 413);
  assert.equal((a.body.error as { type: string }).type, 'request_too_large');
  assert.equal(exchanges.filter((e) => e.events.length > 0).length, before);
  await stillServing();
});

test('an unknown endpoint is a 404', async () => {
  const r = await raw('/v1/embeddings', '{}');
  assert.equal(r.status, 404);
});

test('the bridge binds loopback only and wants a real token', async () => {
  await assert.rejects(startBridge({ model: 'scripted:honest', host: '0.0.0.0' }), UserError);
  await assert.rejects(startBridge({ model: 'scripted:honest', token: 'short' }), UserError);
});

function answer(text: string): LanguageModelV3GenerateResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 2, text: 2, reasoning: 0 } },
    warnings: [],
  };
}

test('a failing model: retryable errors are retried, the rest come back in the protocol’s shape', async () => {
  let calls = 0;
  const flaky = new MockLanguageModelV3({
    doGenerate: async () => {
      calls++;
      if (calls === 1)
        throw new APICallError({ message: 'overloaded', url: 'u', requestBodyValues: {}, statusCode: 503, isRetryable: true });
      if (calls === 3)
        throw new APICallError({
          message: 'slow down',
          url: 'u',
          requestBodyValues: {},
          statusCode: 429,
          isRetryable: false,
          responseHeaders: { 'retry-after': '7' },
        });
      return answer('fine');
    },
  });
  const seen: BridgeExchange[] = [];
  const b = await startBridge({
    model: { id: 'mock:m', provider: 'mock', kind: 'provider', model: flaky, family: null },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    onExchange: (e) => seen.push(e),
  });
  try {
    const client = new Anthropic({ apiKey: b.token, baseURL: b.urls.anthropic, maxRetries: 0 });
    const ok = await client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    assert.deepEqual(ok.content, [{ type: 'text', text: 'fine' }]);
    assert.equal(seen[0]?.retries, 1);
    const e = await rejects<InstanceType<typeof Anthropic.RateLimitError>>(
      client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'y' }] }),
    );
    assert.ok(e instanceof Anthropic.RateLimitError);
    assert.match(e.message, /slow down/);
    assert.equal(e.headers.get('retry-after'), '7');
    const again = await client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'z' }] });
    assert.equal(again.stop_reason, 'end_turn');
  } finally {
    await b.close();
  }
});

test('gemini streamGenerateContent without alt=sse answers one JSON array of chunks', async () => {
  const r = await raw('/v1beta/models/g:streamGenerateContent', JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }));
  assert.equal(r.status, 200);
  const chunks = r.body as unknown as Array<{ candidates: Array<{ finishReason?: string }>; usageMetadata?: unknown }>;
  assert.ok(Array.isArray(chunks) && chunks.length > 0);
  assert.equal(chunks.at(-1)?.candidates[0]?.finishReason, 'STOP');
  assert.ok(chunks.at(-1)?.usageMetadata);
});
