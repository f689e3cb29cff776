import type { LanguageModelV3GenerateResult, LanguageModelV3Message, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { z } from 'zod';
import {
  appendToolResult,
  type BridgeRequest,
  BridgeInputError,
  type Frame,
  functionTool,
  nextId,
  parseWith,
  partsOf,
  type Protocol,
  type ToolChoice,
  usageNumbers,
} from './protocol.js';

// OpenAI Chat Completions (POST /v1/chat/completions). Fields the bridge does not use are let through.
const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const Content = z.union([z.string(), z.array(TextPart)]).nullish();
const ToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});
const Message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: Content }),
  z.looseObject({ role: z.literal('developer'), content: Content }),
  z.looseObject({ role: z.literal('user'), content: Content }),
  z.looseObject({
    role: z.literal('assistant'),
    content: Content,
    tool_calls: z.array(ToolCall).nullish(),
    reasoning_content: z.string().nullish(),
    reasoning: z.string().nullish(),
  }),
  z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: Content }),
]);
const Tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
const Request = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  tools: z.array(Tool).optional(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  reasoning_effort: z.string().nullish(),
  n: z.literal(1).nullish(),
});

const text = (c: z.infer<typeof Content>) => (c == null ? '' : typeof c === 'string' ? c : c.map((p) => p.text).join(''));

function toolChoice(c: z.infer<typeof Request>['tool_choice']): ToolChoice | undefined {
  if (c === undefined) return undefined;
  if (typeof c === 'string') return { type: c };
  return { type: 'tool', toolName: c.function.name };
}

export function parseChat(body: unknown): BridgeRequest {
  const req = parseWith(Request, body);
  const prompt: LanguageModelV3Prompt = [];
  const toolNames = new Map<string, string>();
  req.messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        prompt.push({ role: 'system', content: text(m.content) });
        break;
      case 'user':
        prompt.push({ role: 'user', content: [{ type: 'text', text: text(m.content) }] });
        break;
      case 'assistant': {
        const content: Extract<LanguageModelV3Message, { role: 'assistant' }>['content'] = [];
        const reasoning = m.reasoning_content ?? m.reasoning;
        if (reasoning) content.push({ type: 'reasoning', text: reasoning });
        const t = text(m.content);
        if (t) content.push({ type: 'text', text: t });
        for (const call of m.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.function.name, input: parseArgs(call.function.arguments) });
        }
        prompt.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const toolName = toolNames.get(m.tool_call_id);
        if (toolName === undefined)
          throw new BridgeInputError(
            `messages[${i}].tool_call_id: no earlier assistant tool call has id '${m.tool_call_id}'`,
            `messages[${i}].tool_call_id`,
          );
        appendToolResult(prompt, m.tool_call_id, toolName, text(m.content));
        break;
      }
    }
  });
  const choice = toolChoice(req.tool_choice);
  const maxOutputTokens = req.max_completion_tokens ?? req.max_tokens;
  const stop = req.stop == null ? undefined : typeof req.stop === 'string' ? [req.stop] : req.stop;
  return {
    model: req.model,
    stream: req.stream === true,
    options: {
      prompt,
      ...(req.tools
        ? {
            tools: req.tools.map((t) =>
              functionTool(t.function.name, t.function.description, t.function.parameters, t.function.strict ?? undefined),
            ),
          }
        : {}),
      ...(choice ? { toolChoice: choice } : {}),
      ...(maxOutputTokens != null ? { maxOutputTokens } : {}),
      ...(req.temperature != null ? { temperature: req.temperature } : {}),
      ...(req.top_p != null ? { topP: req.top_p } : {}),
      ...(req.seed != null ? { seed: req.seed } : {}),
      ...(stop ? { stopSequences: stop } : {}),
      ...(req.presence_penalty != null ? { presencePenalty: req.presence_penalty } : {}),
      ...(req.frequency_penalty != null ? { frequencyPenalty: req.frequency_penalty } : {}),
    },
    reasoning: req.reasoning_effort ? { effort: req.reasoning_effort } : null,
    flags: { includeUsage: req.stream_options?.include_usage === true },
  };
}

/** Arguments as the provider prompt carries them: parsed JSON, or the raw text when it is not JSON. */
export function parseArgs(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function finishReason(result: LanguageModelV3GenerateResult): string {
  switch (result.finishReason.unified) {
    case 'tool-calls':
      return 'tool_calls';
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    default:
      return partsOf(result).calls.length > 0 ? 'tool_calls' : 'stop';
  }
}

function usage(result: LanguageModelV3GenerateResult) {
  const u = usageNumbers(result);
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead },
    completion_tokens_details: { reasoning_tokens: u.reasoning },
  };
}

export const openaiChat: Protocol = {
  name: 'openai-chat',
  parse: (body) => parseChat(body),
  answer(result, req) {
    const { text, reasoning, calls } = partsOf(result);
    const reasoningText = reasoning.map((r) => r.text).join('');
    return {
      id: nextId('chatcmpl-'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: req.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text === '' && calls.length > 0 ? null : text,
            refusal: null,
            ...(reasoningText ? { reasoning_content: reasoningText } : {}),
            ...(calls.length > 0
              ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.input } })) }
              : {}),
          },
          logprobs: null,
          finish_reason: finishReason(result),
        },
      ],
      usage: usage(result),
    };
  },
  frames(result, req) {
    const { text, reasoning, calls } = partsOf(result);
    const id = nextId('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: unknown, finish: string | null = null): Frame => ({
      data: {
        id,
        object: 'chat.completion.chunk',
        created,
        model: req.model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      },
    });
    const out: Frame[] = [chunk({ role: 'assistant', content: '', refusal: null })];
    for (const r of reasoning) if (r.text) out.push(chunk({ reasoning_content: r.text }));
    if (text) out.push(chunk({ content: text }));
    calls.forEach((c, index) => {
      out.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
      out.push(chunk({ tool_calls: [{ index, function: { arguments: c.input } }] }));
    });
    out.push(chunk({}, finishReason(result)));
    if (req.flags.includeUsage)
      out.push({ data: { id, object: 'chat.completion.chunk', created, model: req.model, choices: [], usage: usage(result) } });
    out.push({ data: '[DONE]' });
    return out;
  },
  error: (status, message, field) => openaiError(status, message, field),
};

/** OpenAI's error body, shared by Chat Completions and Responses. */
export function openaiError(status: number, message: string, field?: string) {
  const type =
    status === 401
      ? 'invalid_request_error'
      : status === 429
        ? 'rate_limit_exceeded'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  const code = status === 401 ? 'invalid_api_key' : status === 404 ? 'not_found' : status === 413 ? 'request_too_large' : null;
  return { error: { message, type, param: field ?? null, code } };
}
