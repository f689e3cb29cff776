import { VERSION as COMPATIBLE_VERSION } from '@ai-sdk/openai-compatible';
import {
  APICallError,
  InvalidResponseDataError,
  JSONParseError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3Prompt,
  type LanguageModelV3Usage,
  TypeValidationError,
} from '@ai-sdk/provider';
import {
  generateId,
  getRuntimeEnvironmentUserAgent,
  isAbortError,
  normalizeHeaders,
  secureJsonParse,
  stringifyWithBigIntAndCycles,
} from '@ai-sdk/provider-utils';
import { z } from 'zod';
import { type BufferedResponse, postJson } from './transport.js';

/**
 * `doGenerate` for OpenAI-compatible chat completions without the SDK's request machinery. In the
 * throughput bench the AI SDK provider plus its fetch cost about 0.55 ms of CPU per call (two
 * JSON.stringify passes over the body, Headers objects, a web Response read through a stream reader,
 * provider-option parsing); this path costs about 0.25 ms, and a sweep makes millions of calls.
 *
 * It is a fast path, not a second provider: it takes only the requests the agent loops send (text
 * messages, tool calls and results, function tools, an optional reasoning effort) and hands anything
 * else (files, JSON response formats, other provider options, per-call headers, streaming) to the SDK
 * model it wraps. For what it takes, it sends the same request body byte for byte and returns the same
 * result and the same errors as the SDK model; test/models/compatible-chat.test.ts holds the two equal
 * on a corpus of answers and failures.
 */
export interface CompatibleChatConfig {
  /** The provider name given to createOpenAICompatible (`vllm`, `openai-compatible`, ...). */
  name: string;
  modelId: string;
  /** The base URL, as given to createOpenAICompatible. */
  baseURL: string;
  apiKey?: string;
}

export function withCompatibleFastPath(sdkModel: LanguageModelV3, config: CompatibleChatConfig): LanguageModelV3 {
  const url = new URL(`${config.baseURL.replace(/\/$/, '')}/chat/completions`);
  const urlText = url.toString();
  // The SDK's headers, built once; the user agent also names peerwatch.
  const headers = normalizeHeaders({
    ...(config.apiKey ? { Authorization: `Bearer ${config.apiKey}` } : {}),
    'Content-Type': 'application/json',
    'User-Agent': `ai-sdk/openai-compatible/${COMPATIBLE_VERSION} peerwatch ${getRuntimeEnvironmentUserAgent()}`,
  });
  const optionsName = config.name.split('.')[0]?.trim() ?? config.name;
  // The key of the result's provider metadata: the camel-case name when the call's options use it (as the SDK picks).
  const camelName = toCamelCase(optionsName);
  const names = { optionsName, camelName };

  return {
    specificationVersion: 'v3',
    provider: sdkModel.provider,
    modelId: sdkModel.modelId,
    get supportedUrls() {
      return sdkModel.supportedUrls;
    },
    doStream: (options) => sdkModel.doStream(options),
    async doGenerate(options) {
      const request = buildRequest(options, config.modelId, names);
      if (request === null) return sdkModel.doGenerate(options);
      return generate(request, options.abortSignal, url, urlText, headers);
    },
  };
}

interface ChatRequest {
  /** The request as an object, for errors only (APICallError.requestBodyValues). */
  values: () => Record<string, unknown>;
  /** The JSON text in pieces, sent as they are (joining them would copy the whole body once more). */
  body: readonly string[];
  metadataKey: string;
}

async function generate(
  request: ChatRequest,
  signal: AbortSignal | undefined,
  url: URL,
  urlText: string,
  headers: Record<string, string>,
): Promise<LanguageModelV3GenerateResult> {
  const { body, metadataKey, values } = request;
  let response: BufferedResponse;
  try {
    response = await postJson(url, headers, body, signal);
  } catch (error) {
    throw fetchError(error, urlText, values());
  }
  if (response.status < 200 || response.status > 299) throw failedResponse(response, urlText, values());

  const parsed = parseResponse(response.text);
  if (!parsed.success) {
    throw new APICallError({
      message: 'Invalid JSON response',
      cause: parsed.error,
      statusCode: response.status,
      responseHeaders: response.headers,
      responseBody: response.text,
      url: urlText,
      requestBodyValues: values(),
    });
  }
  const value = parsed.value;
  const choice = value.choices[0];
  if (choice === undefined) throw new InvalidResponseDataError({ data: parsed.rawValue, message: 'Response did not contain any choices.' });

  const content: LanguageModelV3Content[] = [];
  const message = choice.message;
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning != null && reasoning.length > 0) content.push({ type: 'reasoning', text: reasoning });
  content.push(...messageContent(message.content));
  const refusal = message.refusal;
  const hasRefusal = refusal != null && refusal.length > 0;
  if (hasRefusal) content.push({ type: 'text', text: refusal });
  for (const call of message.tool_calls ?? []) {
    const thoughtSignature = call.extra_content?.google?.thought_signature;
    content.push({
      type: 'tool-call',
      toolCallId: call.id ?? generateId(),
      toolName: call.function.name,
      input: call.function.arguments,
      ...(thoughtSignature ? { providerMetadata: { [metadataKey]: { thoughtSignature } } } : {}),
    });
  }
  const details: Record<string, number> = {};
  const completion = value.usage?.completion_tokens_details;
  if (completion?.accepted_prediction_tokens != null) details.acceptedPredictionTokens = completion.accepted_prediction_tokens;
  if (completion?.rejected_prediction_tokens != null) details.rejectedPredictionTokens = completion.rejected_prediction_tokens;

  return {
    content,
    finishReason: { unified: finishReason(choice.finish_reason, hasRefusal), raw: choice.finish_reason ?? undefined },
    usage: usageOf(value.usage),
    providerMetadata: { [metadataKey]: details },
    // As the SDK returns it: the JSON text. Joined only if something reads it (nothing in peerwatch does).
    request: {
      get body() {
        return body.join('');
      },
    },
    response: {
      id: value.id ?? undefined,
      modelId: value.model ?? undefined,
      timestamp: value.created != null ? new Date(value.created * 1000) : undefined,
      headers: response.headers,
      body: parsed.rawValue,
    },
    warnings: [],
  };
}

// ---------------------------------------------------------------- request

const KNOWN_EFFORT_OPTIONS = new Set(['reasoningEffort']);

/** The request body the SDK would build, or null when the call needs something only the SDK model does. */
function buildRequest(
  options: LanguageModelV3CallOptions,
  modelId: string,
  { optionsName, camelName }: { optionsName: string; camelName: string },
): ChatRequest | null {
  if (options.headers !== undefined || options.topK !== undefined) return null;
  if (options.responseFormat !== undefined && options.responseFormat.type !== 'text') return null;
  let reasoningEffort: unknown;
  if (options.providerOptions !== undefined) {
    // Only `{ openaiCompatible: { reasoningEffort } }` (what reasoningProviderOptions sets) is taken here.
    const keys = Object.keys(options.providerOptions);
    const own = options.providerOptions.openaiCompatible;
    if (keys.some((k) => k !== 'openaiCompatible') || own === undefined) return null;
    if (Object.keys(own).some((k) => !KNOWN_EFFORT_OPTIONS.has(k))) return null;
    reasoningEffort = own.reasoningEffort;
    if (reasoningEffort !== undefined && reasoningEffort !== null && typeof reasoningEffort !== 'string') return null;
  }
  const tools = options.tools?.length ? options.tools : undefined;
  const declared = tools === undefined ? undefined : declaredTools(tools);
  if (declared === null) return null;
  let toolChoice: unknown;
  if (tools !== undefined && options.toolChoice !== undefined) {
    const choice = options.toolChoice;
    if (choice.type === 'tool') toolChoice = { type: 'function', function: { name: choice.toolName } };
    else if (choice.type === 'auto' || choice.type === 'none' || choice.type === 'required') toolChoice = choice.type;
    else return null;
  }
  const messages = chatMessages(options.prompt);
  if (messages === null) return null;

  // Key order follows the SDK's, so the JSON text is the same.
  const head: Record<string, unknown> = {
    model: modelId,
    user: undefined,
    max_tokens: options.maxOutputTokens,
    temperature: options.temperature,
    top_p: options.topP,
    frequency_penalty: options.frequencyPenalty,
    presence_penalty: options.presencePenalty,
    response_format: undefined,
    stop: options.stopSequences,
    seed: options.seed,
    ...(reasoningEffort !== undefined ? { reasoning_effort: reasoningEffort } : {}),
    verbosity: undefined,
    messages,
  };
  // The tools are the same array on every turn of a rollout (the loops never change it): their JSON is
  // written once, then spliced in.
  const headJson = JSON.stringify(head);
  let body: string[] = [headJson];
  if (declared !== undefined) {
    // tool_choice is only ever set with tools (as in the SDK), and both come last.
    const choice = toolChoice === undefined ? '' : `,"tool_choice":${JSON.stringify(toolChoice)}`;
    body = [headJson.slice(0, -1), ',"tools":', declared.json, `${choice}}`];
  }
  const metadataKey = optionsName !== camelName && options.providerOptions?.[camelName] != null ? camelName : optionsName;
  return { values: () => ({ ...head, tools: declared?.tools, tool_choice: toolChoice }), body, metadataKey };
}

const toolCache = new WeakMap<object, { tools: unknown[]; json: string } | null>();
/** Each function tool's chat form and JSON: a sweep declares the same tool objects in every rollout. */
const functionCache = new WeakMap<object, { chat: unknown; json: string }>();

/** The chat-completions form of function tools and its JSON, once per tools array; null when one is not a function tool. */
function declaredTools(tools: NonNullable<LanguageModelV3CallOptions['tools']>): { tools: unknown[]; json: string } | null {
  const cached = toolCache.get(tools);
  if (cached !== undefined) return cached;
  let out: { tools: unknown[]; json: string } | null = { tools: [], json: '' };
  const jsons: string[] = [];
  for (const tool of tools) {
    if (tool.type !== 'function') {
      out = null;
      break;
    }
    let one = functionCache.get(tool);
    if (one === undefined) {
      const chat = {
        type: 'function',
        function: {
          name: tool.name,
          description: tool.description,
          parameters: tool.inputSchema,
          ...(tool.strict != null ? { strict: tool.strict } : {}),
        },
      };
      one = { chat, json: JSON.stringify(chat) };
      functionCache.set(tool, one);
    }
    out.tools.push(one.chat);
    jsons.push(one.json);
  }
  // JSON.stringify of an array joins its items' JSON with ',' (no item here is undefined).
  if (out !== null) out.json = `[${jsons.join(',')}]`;
  toolCache.set(tools, out);
  return out;
}

function toCamelCase(s: string): string {
  return s.replace(/[_-]([a-z])/g, (g) => (g[1] as string).toUpperCase());
}

type ChatMessage = Record<string, unknown>;

/** Chat messages for a prompt of text, reasoning, tool calls and tool results; null for anything else. */
function chatMessages(prompt: LanguageModelV3Prompt): ChatMessage[] | null {
  const messages: ChatMessage[] = [];
  for (const message of prompt) {
    // Provider options on a message or part may carry fields the SDK copies into the request.
    if (message.providerOptions !== undefined) return null;
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const parts: Array<{ type: 'text'; text: string }> = [];
        for (const part of message.content) {
          if (part.type !== 'text' || part.providerOptions !== undefined) return null;
          parts.push({ type: 'text', text: part.text });
        }
        if (parts.length === 1) messages.push({ role: 'user', content: parts[0]?.text });
        else messages.push({ role: 'user', content: parts });
        break;
      }
      case 'assistant': {
        let text = '';
        let reasoning = '';
        const toolCalls: unknown[] = [];
        for (const part of message.content) {
          if (part.providerOptions !== undefined) return null;
          if (part.type === 'text') text += part.text;
          else if (part.type === 'reasoning') reasoning += part.text;
          else if (part.type === 'tool-call') {
            toolCalls.push({
              id: part.toolCallId,
              type: 'function',
              function: { name: part.toolName, arguments: toolArguments(part.input) },
            });
          } else return null;
        }
        messages.push({
          role: 'assistant',
          content: toolCalls.length > 0 ? text || null : text,
          ...(reasoning.length > 0 ? { reasoning_content: reasoning } : {}),
          tool_calls: toolCalls.length > 0 ? toolCalls : undefined,
        });
        break;
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type === 'tool-approval-response') continue;
          if (part.providerOptions !== undefined) return null;
          const output = part.output;
          let content: unknown;
          if (output.type === 'text' || output.type === 'error-text') content = output.value;
          else if (output.type === 'json' || output.type === 'error-json' || output.type === 'content')
            content = stringifyWithBigIntAndCycles(output.value);
          else content = output.reason ?? 'Tool call execution denied.';
          messages.push({ role: 'tool', tool_call_id: part.toolCallId, content });
        }
        break;
      default:
        return null;
    }
  }
  return messages;
}

/** Arguments text: a string that is already JSON goes as it is, anything else is serialised. */
function toolArguments(input: unknown): string {
  if (typeof input === 'string') {
    try {
      secureJsonParse(input);
      return input;
    } catch {
      return JSON.stringify(input);
    }
  }
  return stringifyWithBigIntAndCycles(input);
}

// ---------------------------------------------------------------- response

// The SDK's response schema for chat completions, field for field: what it accepts, this accepts.
const nullishNumber = z.number().nullish();
export const ChatResponseSchema = z.looseObject({
  id: z.string().nullish(),
  created: nullishNumber,
  model: z.string().nullish(),
  choices: z.array(
    z.object({
      message: z.object({
        role: z.literal('assistant').nullish(),
        content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).nullish(),
        // Some servers send a non-string refusal (e.g. `false`); it is ignored, not an error.
        refusal: z
          .unknown()
          .nullish()
          .transform((v) => (typeof v === 'string' ? v : undefined)),
        reasoning_content: z.string().nullish(),
        reasoning: z.string().nullish(),
        tool_calls: z
          .array(
            z.object({
              id: z.string().nullish(),
              function: z.object({ name: z.string(), arguments: z.string() }),
              extra_content: z.object({ google: z.object({ thought_signature: z.string().nullish() }).nullish() }).nullish(),
            }),
          )
          .nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: z
    .looseObject({
      prompt_tokens: nullishNumber,
      completion_tokens: nullishNumber,
      total_tokens: nullishNumber,
      prompt_tokens_details: z.looseObject({ cached_tokens: nullishNumber }).nullish(),
      completion_tokens_details: z
        .looseObject({
          reasoning_tokens: nullishNumber,
          accepted_prediction_tokens: nullishNumber,
          rejected_prediction_tokens: nullishNumber,
        })
        .nullish(),
    })
    .nullish(),
});
type ChatResponse = z.infer<typeof ChatResponseSchema>;

/**
 * The usual answer checked by hand, without the schema's copy: when this returns the answer, the schema
 * accepts it too, and every field `generate` reads has the same value in both. The schema's one
 * transform (a non-string refusal is dropped) is left to it, since only a string or nothing passes
 * here. Anything unusual (content parts, extra_content, a refusal that is not a string, a number out
 * of range) returns null and goes through the schema. Exported for its equivalence test.
 */
export function plainResponse(v: unknown): ChatResponse | null {
  if (!isRecord(v) || !isStringOrNothing(v.id) || !isFiniteOrNothing(v.created) || !isStringOrNothing(v.model)) return null;
  if (!Array.isArray(v.choices)) return null;
  for (const c of v.choices as unknown[]) {
    if (!isRecord(c) || !isStringOrNothing(c.finish_reason) || !isRecord(c.message)) return null;
    const m = c.message;
    if (m.role != null && m.role !== 'assistant') return null;
    if (
      !isStringOrNothing(m.content) ||
      !isStringOrNothing(m.refusal) ||
      !isStringOrNothing(m.reasoning_content) ||
      !isStringOrNothing(m.reasoning)
    )
      return null;
    if (m.tool_calls != null) {
      if (!Array.isArray(m.tool_calls)) return null;
      for (const t of m.tool_calls as unknown[]) {
        if (!isRecord(t) || !isStringOrNothing(t.id) || t.extra_content !== undefined) return null;
        const f = t.function;
        if (!isRecord(f) || typeof f.name !== 'string' || typeof f.arguments !== 'string') return null;
      }
    }
  }
  const u = v.usage;
  if (u != null) {
    if (
      !isRecord(u) ||
      !isFiniteOrNothing(u.prompt_tokens) ||
      !isFiniteOrNothing(u.completion_tokens) ||
      !isFiniteOrNothing(u.total_tokens)
    )
      return null;
    const p = u.prompt_tokens_details;
    if (p != null && (!isRecord(p) || !isFiniteOrNothing(p.cached_tokens))) return null;
    const d = u.completion_tokens_details;
    if (
      d != null &&
      (!isRecord(d) ||
        !isFiniteOrNothing(d.reasoning_tokens) ||
        !isFiniteOrNothing(d.accepted_prediction_tokens) ||
        !isFiniteOrNothing(d.rejected_prediction_tokens))
    )
      return null;
  }
  return v as ChatResponse;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringOrNothing = (v: unknown): boolean => v == null || typeof v === 'string';
const isFiniteOrNothing = (v: unknown): boolean => v == null || (typeof v === 'number' && Number.isFinite(v));

type Parsed = { success: true; value: ChatResponse; rawValue: unknown } | { success: false; error: Error };

/**
 * What the SDK's safeParseJSON does (prototype-safe JSON, then the schema, failing with the same error
 * types), synchronously: its async validation wrapper was a tenth of the fast path's CPU.
 */
function parseResponse(text: string): Parsed {
  let rawValue: unknown;
  try {
    rawValue = secureJsonParse(text);
  } catch (cause) {
    return { success: false, error: new JSONParseError({ text, cause }) };
  }
  const plain = plainResponse(rawValue);
  if (plain !== null) return { success: true, value: plain, rawValue };
  const checked = ChatResponseSchema.safeParse(rawValue);
  if (!checked.success) return { success: false, error: TypeValidationError.wrap({ value: rawValue, cause: checked.error }) };
  return { success: true, value: checked.data, rawValue };
}

function messageContent(content: ChatResponse['choices'][number]['message']['content']): LanguageModelV3Content[] {
  if (content == null) return [];
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', text: content }] : [];
  const out: LanguageModelV3Content[] = [];
  for (const part of content as Array<Record<string, unknown>>) {
    if (part.type === 'text' && typeof part.text === 'string') {
      if (part.text.length > 0) out.push({ type: 'text', text: part.text });
    } else if (part.type === 'thinking' && Array.isArray(part.thinking)) {
      const text = (part.thinking as unknown[])
        .filter(
          (c): c is { text: string } =>
            c != null && typeof c === 'object' && 'type' in c && c.type === 'text' && 'text' in c && typeof c.text === 'string',
        )
        .map((c) => c.text)
        .join('');
      if (text.length > 0) out.push({ type: 'reasoning', text });
    }
  }
  return out;
}

function finishReason(raw: string | null | undefined, hasRefusal: boolean): LanguageModelV3GenerateResult['finishReason']['unified'] {
  switch (raw) {
    case 'stop':
      return hasRefusal ? 'content-filter' : 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'function_call':
    case 'tool_calls':
      return 'tool-calls';
    default:
      return 'other';
  }
}

function usageOf(usage: ChatResponse['usage']): LanguageModelV3Usage {
  if (usage == null) {
    return {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      raw: undefined,
    };
  }
  const prompt = usage.prompt_tokens ?? 0;
  const completion = usage.completion_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: { total: prompt, noCache: prompt - cached, cacheRead: cached, cacheWrite: undefined },
    outputTokens: { total: completion, text: Math.max(0, completion - reasoning), reasoning },
    raw: usage as LanguageModelV3Usage['raw'],
  };
}

// ---------------------------------------------------------------- errors

const ErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().nullish(),
    param: z.any().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});

/** A non-2xx answer as the SDK reports it: the server's error message when it sent one, else the status text. */
function failedResponse(response: BufferedResponse, url: string, requestBodyValues: unknown): APICallError {
  const common = {
    url,
    requestBodyValues,
    statusCode: response.status,
    responseHeaders: response.headers,
    responseBody: response.text,
  };
  if (response.text.trim() === '') return new APICallError({ message: response.statusText, ...common });
  let data: z.infer<typeof ErrorBodySchema>;
  try {
    data = ErrorBodySchema.parse(secureJsonParse(response.text));
  } catch {
    return new APICallError({ message: response.statusText, ...common });
  }
  return new APICallError({ message: data.error.message, ...common, data });
}

/** Transport failures as the SDK maps a fetch failure: aborts pass through, network errors are retryable. */
function fetchError(error: unknown, url: string, requestBodyValues: unknown): unknown {
  if (isAbortError(error)) return error;
  if (error instanceof TypeError && error.message.toLowerCase() === 'fetch failed') {
    const cause = error.cause as Error | undefined;
    if (cause != null) {
      return new APICallError({ message: `Cannot connect to API: ${cause.message}`, cause, url, requestBodyValues, isRetryable: true });
    }
  }
  const network = networkErrorIn(error);
  if (network === undefined) return error;
  return new APICallError({
    message: `Cannot connect to API: ${error instanceof Error ? error.message : network.message}`,
    cause: error,
    url,
    requestBodyValues,
    isRetryable: true,
  });
}

const NETWORK_ERROR_CODES = new Set([
  'ConnectionRefused',
  'ConnectionClosed',
  'FailedToOpenSocket',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkErrorIn(error: unknown): Error | undefined {
  const seen = new Set<unknown>();
  let current = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return current;
    current = current.cause;
  }
  return undefined;
}
