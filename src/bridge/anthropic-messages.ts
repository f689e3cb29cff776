import type { LanguageModelV3GenerateResult, LanguageModelV3Message, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { z } from 'zod';
import {
  argsObject,
  type BridgeRequest,
  BridgeInputError,
  effortFromBudget,
  type Frame,
  functionTool,
  nextId,
  parseAt,
  parseWith,
  partsOf,
  type Protocol,
  type ToolChoice,
  usageNumbers,
} from './protocol.js';

// Anthropic Messages (POST /v1/messages).
const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const Block = z.discriminatedUnion('type', [
  TextBlock,
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(TextBlock)]).optional(),
    is_error: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);
const Message = z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(z.unknown())]) });
const Tool = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  type: z.literal('custom').optional(),
});
const Request = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(Message),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() }).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  stop_sequences: z.array(z.string()).optional(),
  thinking: z
    .union([
      z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().positive() }),
      z.looseObject({ type: z.enum(['disabled', 'adaptive']) }),
    ])
    .optional(),
});

type AssistantContent = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'];

export function parseMessages(body: unknown): BridgeRequest {
  const req = parseWith(Request, body);
  const prompt: LanguageModelV3Prompt = [];
  if (req.system !== undefined) {
    const system = typeof req.system === 'string' ? req.system : req.system.map((b) => b.text).join('\n');
    if (system) prompt.push({ role: 'system', content: system });
  }
  const toolNames = new Map<string, string>();
  req.messages.forEach((m, i) => {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    const parsed = blocks.map((b, j) => parseAt(Block, b, `messages[${i}].content[${j}]`));
    if (m.role === 'assistant') {
      const content: AssistantContent = [];
      parsed.forEach((b, j) => {
        if (b.type === 'text') content.push({ type: 'text', text: b.text });
        else if (b.type === 'thinking')
          content.push({
            type: 'reasoning',
            text: b.thinking,
            ...(b.signature ? { providerOptions: { anthropic: { signature: b.signature } } } : {}),
          });
        else if (b.type === 'redacted_thinking')
          content.push({ type: 'reasoning', text: '', providerOptions: { anthropic: { redactedData: b.data } } });
        else if (b.type === 'tool_use') {
          toolNames.set(b.id, b.name);
          content.push({ type: 'tool-call', toolCallId: b.id, toolName: b.name, input: b.input });
        } else
          throw new BridgeInputError(
            `messages[${i}].content[${j}].type: '${b.type}' is not allowed in an assistant message`,
            `messages[${i}].content[${j}].type`,
          );
      });
      prompt.push({ role: 'assistant', content });
      return;
    }
    // A user turn: tool results become a tool message, then any text a user message.
    const results: Extract<LanguageModelV3Message, { role: 'tool' }>['content'] = [];
    let text = '';
    parsed.forEach((b, j) => {
      if (b.type === 'text') text += text ? `\n${b.text}` : b.text;
      else if (b.type === 'tool_result') {
        const toolName = toolNames.get(b.tool_use_id);
        const field = `messages[${i}].content[${j}].tool_use_id`;
        if (toolName === undefined) throw new BridgeInputError(`${field}: no earlier tool_use block has id '${b.tool_use_id}'`, field);
        const value = b.content === undefined ? '' : typeof b.content === 'string' ? b.content : b.content.map((c) => c.text).join('');
        results.push({
          type: 'tool-result',
          toolCallId: b.tool_use_id,
          toolName,
          output: { type: b.is_error ? 'error-text' : 'text', value },
        });
      } else
        throw new BridgeInputError(
          `messages[${i}].content[${j}].type: '${b.type}' is not allowed in a user message`,
          `messages[${i}].content[${j}].type`,
        );
    });
    if (results.length > 0) prompt.push({ role: 'tool', content: results });
    if (text || results.length === 0) prompt.push({ role: 'user', content: [{ type: 'text', text }] });
  });
  const tools = (req.tools ?? []).map((raw, i) => {
    const t = parseAt(Tool, raw, `tools[${i}]`);
    return functionTool(t.name, t.description, t.input_schema);
  });
  let choice: ToolChoice | undefined;
  const tc = req.tool_choice;
  if (tc) {
    if (tc.type === 'tool') {
      if (!tc.name) throw new BridgeInputError('tool_choice.name: Field required', 'tool_choice.name');
      choice = { type: 'tool', toolName: tc.name };
    } else choice = { type: tc.type === 'any' ? 'required' : tc.type };
  }
  const thinking = req.thinking?.type === 'enabled' ? (req.thinking as { budget_tokens: number }).budget_tokens : undefined;
  return {
    model: req.model,
    stream: req.stream === true,
    options: {
      prompt,
      maxOutputTokens: req.max_tokens,
      ...(tools.length > 0 ? { tools } : {}),
      ...(choice ? { toolChoice: choice } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.top_p !== undefined ? { topP: req.top_p } : {}),
      ...(req.top_k !== undefined ? { topK: req.top_k } : {}),
      ...(req.stop_sequences ? { stopSequences: req.stop_sequences } : {}),
    },
    reasoning: thinking !== undefined ? { budgetTokens: thinking, effort: effortFromBudget(thinking) } : null,
    flags: {},
  };
}

function stopReason(result: LanguageModelV3GenerateResult, hasCalls: boolean): string {
  if (result.finishReason.unified === 'length') return 'max_tokens';
  if (hasCalls || result.finishReason.unified === 'tool-calls') return 'tool_use';
  if (result.finishReason.raw === 'stop_sequence') return 'stop_sequence';
  return 'end_turn';
}

function blocks(result: LanguageModelV3GenerateResult): Array<Record<string, unknown>> {
  const { text, reasoning, calls } = partsOf(result);
  const out: Array<Record<string, unknown>> = [];
  for (const r of reasoning) {
    const meta = r.meta?.anthropic as { signature?: string; redactedData?: string } | undefined;
    if (meta?.redactedData) out.push({ type: 'redacted_thinking', data: meta.redactedData });
    else out.push({ type: 'thinking', thinking: r.text, signature: meta?.signature ?? '' });
  }
  if (text) out.push({ type: 'text', text });
  for (const c of calls) out.push({ type: 'tool_use', id: c.id, name: c.name, input: argsObject(c.input) });
  return out;
}

function usage(result: LanguageModelV3GenerateResult) {
  const u = usageNumbers(result);
  return {
    input_tokens: Math.max(0, u.input - u.cacheRead - u.cacheWrite),
    output_tokens: u.output,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
  };
}

export const anthropicMessages: Protocol = {
  name: 'anthropic',
  parse: (body) => parseMessages(body),
  answer(result, req) {
    const content = blocks(result);
    return {
      id: nextId('msg_'),
      type: 'message',
      role: 'assistant',
      model: req.model,
      content,
      stop_reason: stopReason(
        result,
        content.some((b) => b.type === 'tool_use'),
      ),
      stop_sequence: null,
      usage: usage(result),
    };
  },
  frames(result, req) {
    const content = blocks(result);
    const u = usage(result);
    const out: Frame[] = [];
    const emit = (type: string, fields: Record<string, unknown>) => out.push({ event: type, data: { type, ...fields } });
    emit('message_start', {
      message: {
        id: nextId('msg_'),
        type: 'message',
        role: 'assistant',
        model: req.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...u, output_tokens: 1 },
      },
    });
    content.forEach((b, index) => {
      if (b.type === 'thinking') {
        emit('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        emit('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: b.thinking } });
        if (b.signature) emit('content_block_delta', { index, delta: { type: 'signature_delta', signature: b.signature } });
      } else if (b.type === 'redacted_thinking') {
        emit('content_block_start', { index, content_block: b });
      } else if (b.type === 'text') {
        emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
        emit('content_block_delta', { index, delta: { type: 'text_delta', text: b.text } });
      } else {
        emit('content_block_start', { index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
        emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } });
      }
      emit('content_block_stop', { index });
    });
    emit('message_delta', {
      delta: {
        stop_reason: stopReason(
          result,
          content.some((b) => b.type === 'tool_use'),
        ),
        stop_sequence: null,
      },
      usage: { output_tokens: u.output_tokens },
    });
    emit('message_stop', {});
    return out;
  },
  error(status, message) {
    const type =
      status === 401
        ? 'authentication_error'
        : status === 404
          ? 'not_found_error'
          : status === 413
            ? 'request_too_large'
            : status === 429
              ? 'rate_limit_error'
              : status >= 500
                ? 'api_error'
                : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  },
};
