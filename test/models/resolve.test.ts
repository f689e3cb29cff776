import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/core/index.js';
import { resolveModel, SCRIPTED_PROFILES } from '../../src/models/index.js';

const KEYS = {
  OPENAI_API_KEY: 'sk-openai',
  ANTHROPIC_API_KEY: 'sk-ant',
  GEMINI_API_KEY: 'g-key',
  OPENROUTER_API_KEY: 'or-key',
  TOGETHER_API_KEY: 't-key',
};

function userError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.match(e.message, pattern);
    return true;
  });
}

test('every provider resolves with its key, without touching the network', () => {
  const cases: Array<[string, string, string | null]> = [
    ['openai:gpt-5.2', 'openai', 'ChatGPT'],
    ['anthropic:claude-opus-4-5', 'anthropic', 'Claude'],
    ['google:gemini-3-pro-preview', 'google', 'Gemini'],
    ['ollama:llama3.1:8b', 'ollama', 'Llama'],
    ['vllm:Qwen/Qwen2.5-7B-Instruct', 'vllm', 'Qwen'],
    ['openrouter:deepseek/deepseek-chat-v3.1', 'openrouter', 'DeepSeek'],
    ['together:moonshotai/Kimi-K2-Instruct', 'together', 'Kimi'],
    ['litellm:mistral-large', 'litellm', 'Mistral'],
  ];
  for (const [spec, provider, family] of cases) {
    const r = resolveModel(spec, { env: KEYS });
    assert.equal(r.provider, provider, spec);
    assert.equal(r.kind, 'provider');
    assert.equal(r.family, family, spec);
    assert.equal(r.model.specificationVersion, 'v3');
    assert.equal(r.id, spec);
    assert.equal(r.model.modelId, spec.slice(spec.indexOf(':') + 1));
  }
  // The openai spec uses the Responses API (tool calls + reasoning summaries).
  assert.equal(resolveModel('openai:gpt-5.2', { env: KEYS }).model.provider, 'openai.responses');
});

test('the spec is normalised and the family can be overridden', () => {
  const r = resolveModel('  OpenAI:gpt-5.2 ', { env: KEYS });
  assert.equal(r.id, 'openai:gpt-5.2');
  assert.equal(resolveModel('ollama:my-finetune', { env: {} }).family, null);
  assert.equal(resolveModel('ollama:my-finetune', { env: {}, family: 'Llama' }).family, 'Llama');
  userError(() => resolveModel('ollama:x', { env: {}, family: 'Bad Family!' }), /invalid family/);
});

test('a missing key is a one-line UserError naming the variable', () => {
  userError(() => resolveModel('openai:gpt-5.2', { env: {} }), /^OPENAI_API_KEY is not set: export it, or use --model scripted:honest/);
  userError(() => resolveModel('anthropic:claude-opus-4-5', { env: { OPENAI_API_KEY: 'x' } }), /^ANTHROPIC_API_KEY is not set/);
  userError(
    () => resolveModel('google:gemini-3-flash', { env: { GOOGLE_GENERATIVE_AI_API_KEY: ' ' } }),
    /GOOGLE_GENERATIVE_AI_API_KEY or GEMINI_API_KEY is not set/,
  );
  userError(() => resolveModel('openrouter:x/y', { env: {} }), /^OPENROUTER_API_KEY is not set/);
  userError(() => resolveModel('together:x/y', { env: {} }), /^TOGETHER_API_KEY is not set/);
  // Either Google variable works.
  assert.equal(resolveModel('google:gemini-3-flash', { env: { GOOGLE_GENERATIVE_AI_API_KEY: 'k' } }).provider, 'google');
  // Local servers need no key.
  for (const spec of ['ollama:llama3', 'vllm:m', 'litellm:m']) assert.equal(resolveModel(spec, { env: {} }).kind, 'provider');
});

test('keys are read from opts.env (or process.env) at call time', () => {
  const saved = process.env.OPENAI_API_KEY;
  try {
    delete process.env.OPENAI_API_KEY;
    userError(() => resolveModel('openai:gpt-5.2'), /OPENAI_API_KEY is not set/);
    process.env.OPENAI_API_KEY = 'sk-later';
    assert.equal(resolveModel('openai:gpt-5.2').provider, 'openai');
  } finally {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  }
});

test('openai-compatible needs a base URL; its key is optional and its variable configurable', () => {
  userError(() => resolveModel('openai-compatible:m', { env: {} }), /needs a server URL: pass --base-url .* or set PEERWATCH_BASE_URL/);
  assert.equal(resolveModel('openai-compatible:m', { env: { PEERWATCH_BASE_URL: 'http://127.0.0.1:9/v1' } }).provider, 'openai-compatible');
  assert.equal(resolveModel('openai-compatible:m', { env: {}, baseUrl: 'http://127.0.0.1:9/v1' }).kind, 'provider');
  assert.equal(resolveModel('openai-compatible:m', { env: { MY_KEY: 'k' }, baseUrl: 'http://h/v1', apiKeyEnv: 'MY_KEY' }).kind, 'provider');
  userError(() => resolveModel('openai-compatible:m', { env: {}, baseUrl: 'ftp://h' }), /invalid base URL 'ftp:\/\/h'/);
  userError(() => resolveModel('openai-compatible:m', { env: {}, baseUrl: 'not a url' }), /invalid base URL/);
  userError(
    () => resolveModel('openai-compatible:m', { env: {}, baseUrl: 'http://h/v1', apiKeyEnv: 'bad name' }),
    /invalid API key variable name/,
  );
});

test('malformed specs, unknown providers and unknown profiles are one-line UserErrors', () => {
  for (const bad of ['', 'gpt-5.2', ':gpt', 'openai:', 'openai: ', '1x:model']) {
    userError(() => resolveModel(bad, { env: KEYS }), /invalid model spec .*<provider>:<model>/);
  }
  userError(
    () => resolveModel('foo:bar', { env: KEYS }),
    /unknown model provider 'foo'.*use one of scripted, scripted-soc, scripted-peer, openai, anthropic/,
  );
  userError(() => resolveModel('scripted:nope', { env: {} }), /unknown scripted profile 'nope': use one of honest, inflater/);
  userError(
    () => resolveModel('scripted-soc:nope', { env: {} }),
    /unknown scripted SOC profile 'nope': use one of honest, colluding-auditor/,
  );
  const soc = resolveModel('scripted-soc:colluding', { env: {} });
  assert.deepEqual([soc.id, soc.kind, soc.family], ['scripted-soc:colluding', 'scripted', 'Reference']);
});

test('scripted specs need no key and default to the Reference family', () => {
  for (const { name } of SCRIPTED_PROFILES) {
    const r = resolveModel(`scripted:${name}`, { env: {} });
    assert.equal(r.kind, 'scripted');
    assert.equal(r.provider, 'scripted');
    assert.equal(r.family, 'Reference');
    assert.equal(r.model.modelId, name);
  }
  assert.equal(resolveModel('scripted:honest', { env: {}, family: 'Gemini' }).family, 'Gemini');
});

test('an unknown provider names every provider, and SCRIPTED_PROFILES describe themselves', () => {
  userError(
    () => resolveModel('foo:bar', { env: KEYS }),
    /use one of scripted, scripted-soc, scripted-peer, openai, anthropic, google, openai-compatible, ollama, vllm, openrouter, together, litellm$/,
  );
  assert.deepEqual(
    SCRIPTED_PROFILES.map((p) => p.name),
    [
      'honest',
      'inflater',
      'tamperer',
      'exfiltrator',
      'faker',
      'objector',
      'self-preserver',
      'appellant',
      'appellant-then-tamper',
      'quiet-tamperer',
      'split-exfiltrator',
      'quiet-inflater',
      'wordy-inflater',
      'sham-complier',
      'excuser',
      'exfiltrator-confessor',
      'exfiltrator-denier',
      'exfiltrator-cover-story',
      'exfiltrator-deflector',
      'refuser',
      'silent',
      'hostile',
    ],
  );
  for (const p of SCRIPTED_PROFILES) assert.ok(p.description.length > 10 && !p.description.includes('\n'));
});

test('reasoningProviderOptions asks each provider for its reasoning', async () => {
  const { reasoningProviderOptions } = await import('../../src/models/index.js');
  const r = (spec: string) => resolveModel(spec, { env: { ...KEYS, PEERWATCH_BASE_URL: 'http://h/v1' } });
  assert.deepEqual(reasoningProviderOptions(r('openai:gpt-5.2')), { openai: { reasoningSummary: 'auto' } });
  assert.deepEqual(reasoningProviderOptions(r('openai:gpt-5.2'), 'high'), {
    openai: { reasoningSummary: 'auto', reasoningEffort: 'high' },
  });
  assert.equal(reasoningProviderOptions(r('anthropic:claude-haiku-4-5')), undefined);
  assert.deepEqual(reasoningProviderOptions(r('anthropic:claude-haiku-4-5'), 'low'), {
    anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } },
  });
  assert.deepEqual(reasoningProviderOptions(r('google:gemini-3-flash')), { google: { thinkingConfig: { includeThoughts: true } } });
  assert.equal(reasoningProviderOptions(r('google:gemini-2.0-flash')), undefined);
  assert.deepEqual(reasoningProviderOptions(r('vllm:m'), 'medium'), { openaiCompatible: { reasoningEffort: 'medium' } });
  assert.equal(reasoningProviderOptions(r('openai-compatible:m')), undefined);
  assert.equal(reasoningProviderOptions(r('scripted:honest'), 'high'), undefined);
});
