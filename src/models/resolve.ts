import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { z } from 'zod';
import { UserError } from '../core/index.js';
import { familyFor } from './family.js';
import { withCompatibleFastPath } from './compatible-chat.js';
import { platformFetchWanted, transportFetch } from './transport.js';
import { findProfile, SCRIPTED_PROFILES, ScriptedLanguageModel } from './scripted/index.js';
import { isPeerProfile, PEER_PROFILE_NAMES, ScriptedPeerModel } from './scripted/peer.js';
import { findSocProfile, SOC_PROFILE_NAMES, SocScriptedModel } from './scripted/soc-team.js';

export interface ResolvedModel {
  /** The normalised spec, `<provider>:<model>`. */
  id: string;
  provider: string;
  kind: 'scripted' | 'provider';
  model: LanguageModelV3;
  /** The agent family (`<family> Agent 1`); null when the model id is not in the table. */
  family: string | null;
}

export interface ResolveOptions {
  /** Base URL for openai-compatible (required there) or to override a preset's / openai's URL. */
  baseUrl?: string;
  /** For openai-compatible: the env var that holds the key (default OPENAI_COMPATIBLE_API_KEY). */
  apiKeyEnv?: string;
  /** Where keys are read from; defaults to process.env at call time (never at import time). */
  env?: Record<string, string | undefined>;
  /** Overrides the family looked up from the model id. */
  family?: string;
}

type Env = Record<string, string | undefined>;

interface ProviderInfo {
  name: string;
  /** Env var(s) holding the key, first set wins; empty for none. */
  keyEnv: readonly string[];
  keyRequired: boolean;
  /** Preset base URL for openai-compatible hosts. */
  baseUrl?: string;
  build(model: string, ctx: { key: string | undefined; baseUrl: string | undefined; env: Env }): LanguageModelV3;
}

const compatible = (name: string) => (model: string, ctx: { key: string | undefined; baseUrl: string | undefined; env: Env }) => {
  const sdkModel = createOpenAICompatible({
    name,
    baseURL: ctx.baseUrl ?? '',
    ...(ctx.key ? { apiKey: ctx.key } : {}),
    // Token counts in streamed responses too (usage is recorded per model call).
    includeUsage: true,
    // Self-hosted endpoints take the most requests per sweep: a leaner HTTP client (see transport.ts).
    fetch: transportFetch(ctx.env),
  }).chatModel(model);
  // The agent loops' calls skip the SDK's request machinery (compatible-chat.ts); PEERWATCH_FETCH=platform
  // turns that off along with the lean transport.
  if (platformFetchWanted(ctx.env)) return sdkModel;
  return withCompatibleFastPath(sdkModel, { name, modelId: model, baseURL: ctx.baseUrl ?? '', ...(ctx.key ? { apiKey: ctx.key } : {}) });
};

const preset = (name: string, baseUrl: string, keyEnv: string, keyRequired: boolean): ProviderInfo => ({
  name,
  keyEnv: [keyEnv],
  keyRequired,
  baseUrl,
  build: compatible(name),
});

const PROVIDER_LIST: readonly ProviderInfo[] = [
  {
    name: 'openai',
    keyEnv: ['OPENAI_API_KEY'],
    keyRequired: true,
    // The Responses API: tool calling plus reasoning summaries (providerOptions.openai.reasoningSummary).
    build: (model, { key, baseUrl, env }) => {
      const url = baseUrl ?? nonEmpty(env.OPENAI_BASE_URL);
      return createOpenAI({ apiKey: key ?? '', ...(url ? { baseURL: url } : {}) }).responses(model);
    },
  },
  {
    name: 'anthropic',
    keyEnv: ['ANTHROPIC_API_KEY'],
    keyRequired: true,
    build: (model, { key, baseUrl }) => createAnthropic({ apiKey: key ?? '', ...(baseUrl ? { baseURL: baseUrl } : {}) })(model),
  },
  {
    name: 'google',
    keyEnv: ['GOOGLE_GENERATIVE_AI_API_KEY', 'GEMINI_API_KEY'],
    keyRequired: true,
    build: (model, { key, baseUrl }) => createGoogleGenerativeAI({ apiKey: key ?? '', ...(baseUrl ? { baseURL: baseUrl } : {}) })(model),
  },
  {
    name: 'openai-compatible',
    keyEnv: ['OPENAI_COMPATIBLE_API_KEY'],
    keyRequired: false,
    build: compatible('openai-compatible'),
  },
  preset('ollama', 'http://localhost:11434/v1', 'OLLAMA_API_KEY', false),
  preset('vllm', 'http://localhost:8000/v1', 'VLLM_API_KEY', false),
  preset('openrouter', 'https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY', true),
  preset('together', 'https://api.together.xyz/v1', 'TOGETHER_API_KEY', true),
  preset('litellm', 'http://localhost:4000/v1', 'LITELLM_API_KEY', false),
];

const PROVIDER_NAMES = ['scripted', 'scripted-soc', 'scripted-peer', ...PROVIDER_LIST.map((p) => p.name)].join(', ');

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

const SpecSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z][\w-]*:\S/);
const BaseUrlSchema = z.url({ protocol: /^https?$/ });
const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);
const FamilySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9.-]{0,31}$/);

function checkBaseUrl(url: string): string {
  if (!BaseUrlSchema.safeParse(url).success)
    throw new UserError(`invalid base URL '${url}': give an http(s) URL such as http://localhost:8000/v1`);
  return url.replace(/\/+$/, '');
}

/**
 * Turns a model spec (`openai:gpt-5.2`, `ollama:llama3.1:8b`, `scripted:honest`) into a ready model.
 * Only constructs clients: no network. Keys are read from `opts.env` (default process.env) now,
 * so a missing key fails before any rollout runs. Every failure is a one-line UserError.
 */
export function resolveModel(spec: string, opts: ResolveOptions = {}): ResolvedModel {
  const env: Env = opts.env ?? process.env;
  if (!SpecSchema.safeParse(spec).success) {
    throw new UserError(`invalid model spec '${spec}': use <provider>:<model>, e.g. openai:gpt-5.2 or scripted:honest`);
  }
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const providerName = trimmed.slice(0, colon).toLowerCase();
  const modelId = trimmed.slice(colon + 1).trim();
  const id = `${providerName}:${modelId}`;
  let family: string | null = familyFor(modelId);
  if (opts.family !== undefined) {
    const parsed = FamilySchema.safeParse(opts.family);
    if (!parsed.success) throw new UserError(`invalid family '${opts.family}': use one word of letters, digits, '.' or '-', e.g. Llama`);
    family = parsed.data;
  }

  if (providerName === 'scripted') {
    const profile = findProfile(modelId);
    if (!profile) {
      throw new UserError(`unknown scripted profile '${modelId}': use one of ${SCRIPTED_PROFILES.map((p) => p.name).join(', ')}`);
    }
    const fam = opts.family === undefined ? 'Reference' : (family ?? 'Reference');
    return { id, provider: 'scripted', kind: 'scripted', model: new ScriptedLanguageModel(profile, fam), family: fam };
  }

  if (providerName === 'scripted-peer') {
    if (!isPeerProfile(modelId)) throw new UserError(`unknown scripted peer '${modelId}': use one of ${PEER_PROFILE_NAMES.join(', ')}`);
    const fam = opts.family === undefined ? 'Reference' : (family ?? 'Reference');
    return { id, provider: 'scripted', kind: 'scripted', model: new ScriptedPeerModel(modelId), family: fam };
  }

  if (providerName === 'scripted-soc') {
    const profile = findSocProfile(modelId);
    if (!profile) throw new UserError(`unknown scripted SOC profile '${modelId}': use one of ${SOC_PROFILE_NAMES.join(', ')}`);
    const fam = opts.family === undefined ? 'Reference' : (family ?? 'Reference');
    // Plays whichever seat its system prompt names; the seat's behaviour comes from the team profile.
    return { id, provider: 'scripted', kind: 'scripted', model: new SocScriptedModel(profile), family: fam };
  }

  const info = PROVIDER_LIST.find((p) => p.name === providerName);
  if (!info) throw new UserError(`unknown model provider '${providerName}' in '${spec}': use one of ${PROVIDER_NAMES}`);

  let keyEnv = info.keyEnv;
  if (info.name === 'openai-compatible' && opts.apiKeyEnv !== undefined) {
    if (!EnvNameSchema.safeParse(opts.apiKeyEnv).success)
      throw new UserError(`invalid API key variable name '${opts.apiKeyEnv}': use a name like MY_API_KEY`);
    keyEnv = [opts.apiKeyEnv];
  }
  const key = keyEnv.map((name) => nonEmpty(env[name])).find((v) => v !== undefined);
  if (info.keyRequired && key === undefined) {
    throw new UserError(`${keyEnv.join(' or ')} is not set: export it, or use --model scripted:honest for a calibration run`);
  }

  let baseUrl = opts.baseUrl !== undefined ? checkBaseUrl(opts.baseUrl.trim()) : undefined;
  if (info.name === 'openai-compatible') {
    const fromEnv = nonEmpty(env.PEERWATCH_BASE_URL);
    baseUrl ??= fromEnv === undefined ? undefined : checkBaseUrl(fromEnv);
    if (baseUrl === undefined) {
      throw new UserError(`${id} needs a server URL: pass --base-url http://host:port/v1 or set PEERWATCH_BASE_URL`);
    }
  }
  baseUrl ??= info.baseUrl;

  return { id, provider: info.name, kind: 'provider', model: info.build(modelId, { key, baseUrl, env }), family };
}
