import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3ToolChoice,
  LanguageModelV3Prompt,
} from '@ai-sdk/provider';
import type { z } from 'zod';

/** The reasoning a client asked for, in each API's own terms, normalised enough to compare and log. */
export interface RequestedReasoning {
  /** low | medium | high (OpenAI effort, Gemini thinking level, or derived from a thinking budget). */
  effort?: string;
  /** OpenAI Responses `reasoning.summary`. */
  summary?: string;
  /** Anthropic `thinking.budget_tokens`, Gemini `thinkingConfig.thinkingBudget`. */
  budgetTokens?: number;
  /** Gemini `thinkingConfig.includeThoughts`. */
  includeThoughts?: boolean;
}

/** One client request, translated into the AI SDK's provider call (LanguageModelV3). */
export interface BridgeRequest {
  /** The model name the client asked for; echoed back in answers. */
  model: string;
  stream: boolean;
  options: LanguageModelV3CallOptions;
  reasoning: RequestedReasoning | null;
  /** Protocol-specific flags for the answer (e.g. Chat Completions `stream_options.include_usage`). */
  flags: Record<string, unknown>;
  /** Where a Responses answer's items are remembered for later `item_reference`s. */
  memory?: ItemMemory;
}

/** What the router knows from the URL before the body is read. */
export interface RouteContext {
  /** Gemini: the model named in the path. */
  pathModel?: string;
  /** Gemini: streamGenerateContent. */
  pathStream?: boolean;
  /** Gemini: `?alt=sse` (otherwise a stream is one JSON array). */
  sse?: boolean;
  /** OpenAI Responses: the output items this bridge has answered with, by id (for `item_reference`). */
  items?: ItemMemory;
}

/**
 * The last output items a bridge answered with, by id, so a Responses client that refers back to them
 * (`item_reference`, as the AI SDK's OpenAI provider does with `store` on) can be served without
 * server-side conversations. Bounded: the oldest are forgotten first.
 */
export class ItemMemory {
  private readonly items = new Map<string, Record<string, unknown>>();
  constructor(private readonly limit = 10_000) {}
  get(id: string): Record<string, unknown> | undefined {
    return this.items.get(id);
  }
  remember(item: Record<string, unknown>): void {
    const id = item.id;
    if (typeof id !== 'string') return;
    this.items.delete(id);
    this.items.set(id, item);
    if (this.items.size > this.limit) this.items.delete(this.items.keys().next().value as string);
  }
}

export type ProtocolName = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini';

/** An answer frame for a streaming response: an SSE event (with or without an event name) or raw text. */
export interface Frame {
  event?: string;
  data: unknown;
}

/** One wire protocol: request in, answer out, errors in its own shape. */
export interface Protocol {
  name: ProtocolName;
  parse(body: unknown, route: RouteContext): BridgeRequest;
  answer(result: LanguageModelV3GenerateResult, req: BridgeRequest): unknown;
  /** The same answer as the stream of events the real API sends. */
  frames(result: LanguageModelV3GenerateResult, req: BridgeRequest): Frame[];
  /** The API's own error body for an HTTP status. */
  error(status: number, message: string, field?: string): unknown;
}

/** A request the bridge will not serve, with the field that is wrong (the protocol's 400). */
export class BridgeInputError extends Error {
  override readonly name = 'BridgeInputError';
  constructor(
    message: string,
    readonly field?: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** `messages[2].content[0].type` from a zod issue path. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

/** Parses with a schema; the first problem becomes a 400 naming its field. */
export function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue ? fieldPath(issue.path) : '';
  const message = issue?.message ?? 'invalid request';
  throw new BridgeInputError(field ? `${field}: ${message}` : message, field || undefined);
}

export function functionTool(
  name: string,
  description: string | undefined,
  schema: unknown,
  strict?: boolean,
): LanguageModelV3FunctionTool {
  const inputSchema = (
    schema && typeof schema === 'object' ? schema : { type: 'object', properties: {} }
  ) as LanguageModelV3FunctionTool['inputSchema'];
  return {
    type: 'function',
    name,
    ...(description !== undefined ? { description } : {}),
    inputSchema,
    ...(strict !== undefined && strict !== null ? { strict } : {}),
  };
}

export type ToolChoice = LanguageModelV3ToolChoice;

/** Content parts of a result, by kind, in order. */
export function partsOf(result: LanguageModelV3GenerateResult) {
  const reasoning: Array<{ text: string; meta: Record<string, Record<string, unknown>> | undefined }> = [];
  const calls: Array<{ id: string; name: string; input: string }> = [];
  let text = '';
  for (const p of result.content) {
    if (p.type === 'text') text += p.text;
    else if (p.type === 'reasoning') reasoning.push({ text: p.text, meta: p.providerMetadata as never });
    else if (p.type === 'tool-call' && !p.providerExecuted) calls.push({ id: p.toolCallId, name: p.toolName, input: p.input || '{}' });
  }
  return { text, reasoning, calls };
}

export function usageNumbers(result: LanguageModelV3GenerateResult) {
  const u = result.usage;
  const input = u.inputTokens.total ?? 0;
  const output = u.outputTokens.total ?? 0;
  return {
    input,
    output,
    reasoning: u.outputTokens.reasoning ?? 0,
    cacheRead: u.inputTokens.cacheRead ?? 0,
    cacheWrite: u.inputTokens.cacheWrite ?? 0,
  };
}

let counter = 0;
/** Ids for answers: unique within the process, cheap, and never secret. */
export function nextId(prefix: string): string {
  counter = (counter + 1) % 0x7fffffff;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}`;
}

/** Effort from a thinking budget, for logs and the backing model's reasoning options. */
export function effortFromBudget(budget: number): 'low' | 'medium' | 'high' {
  return budget <= 2048 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

/** Parses tool-call arguments text as an object for APIs that carry objects (Anthropic, Gemini). */
export function argsObject(input: string): Record<string, unknown> {
  try {
    const v = JSON.parse(input) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Parses one nested value; a problem names its field under `prefix` (e.g. `input[3]`). */
export function parseAt<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const rest = issue ? fieldPath(issue.path) : '';
  const field = rest === '' ? prefix : rest.startsWith('[') ? `${prefix}${rest}` : `${prefix}.${rest}`;
  throw new BridgeInputError(`${field}: ${issue?.message ?? 'invalid value'}`, field);
}

/**
 * Adds a tool result to the prompt the OpenAI way (each result its own message): consecutive results
 * join one `tool` message, as the AI SDK's prompt shape has them.
 */
export function appendToolResult(prompt: LanguageModelV3Prompt, toolCallId: string, toolName: string, value: string): void {
  const part = { type: 'tool-result' as const, toolCallId, toolName, output: { type: 'text' as const, value } };
  const last = prompt[prompt.length - 1];
  if (last?.role === 'tool') last.content.push(part);
  else prompt.push({ role: 'tool', content: [part] });
}
