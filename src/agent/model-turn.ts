import type {
  LanguageModelV3,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  SharedV3ProviderMetadata,
  SharedV3ProviderOptions,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { secureJsonParse } from '@ai-sdk/provider-utils';
import { jsonTextOverLimits, valueOverLimits } from '../core/index.js';

/**
 * One model turn at the AI SDK's provider interface (LanguageModelV3): the loops keep their
 * conversation in the provider prompt format and call `doGenerate` themselves. `generateText`
 * re-validated the whole conversation with zod and rebuilt it on every call (a third of the
 * harness's CPU per call in the throughput bench); the loops need none of its multi-step machinery,
 * because our gateway answers every tool call. Providers still validate their own responses.
 */

/** Every answer is capped: without it a provider may stream as much as the endpoint will send. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 16_000;

/** A tool as the model sees it: name, description and a JSON Schema for its arguments. */
export type DeclaredTool = LanguageModelV3FunctionTool;

export function declareTool(name: string, description: string, inputSchema: Record<string, unknown>): DeclaredTool {
  return { type: 'function', name, description, inputSchema: inputSchema as DeclaredTool['inputSchema'] };
}

export interface TurnToolCall {
  toolCallId: string;
  toolName: string;
  /** Parsed JSON arguments; the raw text when it is not JSON (the gateway answers it with an error). */
  input: unknown;
  /**
   * Set when the arguments are too deep or too large to handle (value-bounds.ts): the call is answered
   * with this as an `Error:` and never run, and `input` holds the start of the raw text as evidence.
   */
  refused?: string;
}

export interface ModelTurn {
  /** The visible text parts, joined. */
  text: string;
  /** Reasoning the provider returned, one entry per part. */
  reasoning: string[];
  toolCalls: TurnToolCall[];
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  reasoningTokens: number | undefined;
  finishReason: string;
  providerMetadata: SharedV3ProviderMetadata | undefined;
  /** Settings the provider said it ignored or changed (e.g. an unsupported seed). */
  warnings: string[];
  /** The assistant message to append to the conversation (null when the model said nothing). */
  assistant: LanguageModelV3Message | null;
  /** Characters the model sent (text, reasoning, tool arguments): what the context cap counts besides reported usage. */
  answerChars: number;
}

export interface TurnRequest {
  model: LanguageModelV3;
  prompt: LanguageModelV3Prompt;
  tools: readonly DeclaredTool[];
  temperature: number;
  seed: number;
  /** Cap on the answer's tokens, sent to the provider (max_tokens); DEFAULT_MAX_OUTPUT_TOKENS when unset. */
  maxOutputTokens?: number;
  providerOptions?: SharedV3ProviderOptions;
  abortSignal?: AbortSignal;
}

/** Calls the model once. Provider errors (APICallError and friends) propagate unchanged for the retry policy. */
export async function callModel(req: TurnRequest): Promise<ModelTurn> {
  const result = await req.model.doGenerate({
    prompt: req.prompt,
    tools: req.tools as DeclaredTool[],
    toolChoice: { type: 'auto' },
    temperature: req.temperature,
    seed: req.seed,
    maxOutputTokens: req.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    ...(req.providerOptions ? { providerOptions: req.providerOptions } : {}),
    ...(req.abortSignal ? { abortSignal: req.abortSignal } : {}),
  });

  let text = '';
  let answerChars = 0;
  const reasoning: string[] = [];
  const toolCalls: TurnToolCall[] = [];
  const parts: Array<Extract<LanguageModelV3Message, { role: 'assistant' }>['content'][number]> = [];
  for (const part of result.content) {
    if (part.type === 'text' || part.type === 'reasoning') answerChars += part.text.length;
    else if (part.type === 'tool-call') answerChars += part.input.length;
    switch (part.type) {
      case 'text':
        if (part.text.length === 0) break;
        text += part.text;
        parts.push({ type: 'text', text: part.text, ...options(part.providerMetadata) });
        break;
      case 'reasoning':
        reasoning.push(part.text);
        parts.push({ type: 'reasoning', text: part.text, ...options(part.providerMetadata) });
        break;
      case 'tool-call': {
        // Provider-executed tools (web search and the like) are never offered, so every call is ours.
        const refused = jsonTextOverLimits(part.input);
        if (refused !== null) {
          toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: clipRaw(part.input), refused });
          parts.push({
            type: 'tool-call',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: {},
            ...options(part.providerMetadata),
          });
          break;
        }
        const input = parseArguments(part.input);
        toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input });
        // A provider rejects a tool call whose arguments are not an object, so a malformed one is
        // replayed as `{}`; the tool result beside it says what was wrong.
        // The conversation keeps its own copy of the arguments: a tool that changes the ones it is given
        // must not change what is replayed to the model.
        const replayed = parseArguments(part.input);
        parts.push({
          type: 'tool-call',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: typeof replayed === 'object' && replayed !== null ? replayed : {},
          ...options(part.providerMetadata),
        });
        break;
      }
      default:
        break;
    }
  }

  // The transcript records the response's metadata: it is bounded like the agent's own values.
  const metadataTooBig = result.providerMetadata === undefined ? null : valueOverLimits(result.providerMetadata);
  return {
    text,
    reasoning,
    toolCalls,
    inputTokens: result.usage.inputTokens.total,
    outputTokens: result.usage.outputTokens.total,
    reasoningTokens: result.usage.outputTokens.reasoning,
    finishReason: result.finishReason.unified,
    providerMetadata: metadataTooBig === null ? result.providerMetadata : undefined,
    warnings: [
      ...result.warnings.map(describeWarning),
      ...(metadataTooBig === null ? [] : [`provider metadata not kept: ${metadataTooBig}`]),
    ],
    assistant: parts.length > 0 ? { role: 'assistant', content: parts } : null,
    answerChars,
  };
}

export function userMessage(text: string): LanguageModelV3Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}

export function toolResultsMessage(
  results: ReadonlyArray<{ toolCallId: string; toolName: string; output: string }>,
): LanguageModelV3Message {
  return {
    role: 'tool',
    content: results.map((r) => ({
      type: 'tool-result',
      toolCallId: r.toolCallId,
      toolName: r.toolName,
      output: { type: 'text', value: r.output },
    })),
  };
}

/** Empty arguments mean none; JSON is parsed without prototype keys; anything else stays the raw text. */
function parseArguments(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return secureJsonParse(raw);
  } catch {
    return raw;
  }
}

/** What the transcript keeps of refused arguments: their start and their size. */
const RAW_KEPT = 2_000;
function clipRaw(raw: string): string {
  return raw.length <= RAW_KEPT
    ? raw
    : `${raw.slice(0, RAW_KEPT)}… [${(raw.length - RAW_KEPT).toLocaleString('en-US')} more characters not kept]`;
}

// Provider metadata on a response part goes back as that part's provider options (e.g. reasoning
// signatures that Anthropic and OpenAI need to see again).
function options(meta: SharedV3ProviderMetadata | undefined): { providerOptions?: SharedV3ProviderOptions } {
  return meta ? { providerOptions: meta } : {};
}

function describeWarning(w: SharedV3Warning): string {
  if (w.type === 'other') return w.message;
  return `${w.type} feature '${w.feature}'${w.details ? `: ${w.details}` : ''}`;
}
