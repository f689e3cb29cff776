import type { LanguageModelV3GenerateResult, LanguageModelV3Message, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { z } from 'zod';
import { parseArgs } from './openai-chat.js';
import { openaiError } from './openai-chat.js';
import {
  appendToolResult,
  type BridgeRequest,
  BridgeInputError,
  type Frame,
  type ItemMemory,
  functionTool,
  nextId,
  parseAt,
  parseWith,
  partsOf,
  type Protocol,
  type ToolChoice,
  usageNumbers,
} from './protocol.js';

// OpenAI Responses (POST /v1/responses), stateless: the client sends the whole conversation in `input`
// (as Codex CLI does, with store=false); `previous_response_id` needs server state the bridge does not keep.
const ContentPart = z.looseObject({ type: z.enum(['input_text', 'output_text', 'text', 'summary_text']), text: z.string() });
const MessageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(ContentPart)]),
});
const FunctionCallItem = z.looseObject({ type: z.literal('function_call'), call_id: z.string(), name: z.string(), arguments: z.string() });
const FunctionOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string(),
  output: z.union([z.string(), z.array(ContentPart)]),
});
const ReasoningItem = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string().optional(),
  summary: z.array(z.looseObject({ type: z.literal('summary_text'), text: z.string() })).default([]),
  encrypted_content: z.string().nullish(),
});
const Tool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
const Request = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.looseObject({ type: z.string().optional() }))]),
  instructions: z.string().nullish(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function'), name: z.string() })]).optional(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  previous_response_id: z.null().optional(),
  parallel_tool_calls: z.boolean().nullish(),
});

const joinText = (c: string | Array<{ text: string }>) => (typeof c === 'string' ? c : c.map((p) => p.text).join(''));
type AssistantContent = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'];

export function parseResponses(body: unknown, memory?: ItemMemory): BridgeRequest {
  const req = parseWith(Request, body);
  const prompt: LanguageModelV3Prompt = [];
  if (req.instructions) prompt.push({ role: 'system', content: req.instructions });
  const toolNames = new Map<string, string>();
  // Consecutive assistant-side items (reasoning, text, calls) form one assistant message.
  const assistant = (): AssistantContent => {
    const last = prompt[prompt.length - 1];
    if (last?.role === 'assistant') return last.content;
    const content: AssistantContent = [];
    prompt.push({ role: 'assistant', content });
    return content;
  };
  const items = typeof req.input === 'string' ? [{ type: 'message', role: 'user', content: req.input }] : req.input;
  items.forEach((given, i) => {
    const at = `input[${i}]`;
    let raw = given;
    if (raw.type === 'item_reference') {
      const id = (raw as { id?: unknown }).id;
      const found = typeof id === 'string' ? memory?.get(id) : undefined;
      if (!found)
        throw new BridgeInputError(
          `${at}.id: no item '${String(id)}' is known to this bridge (it keeps no conversations; send the items themselves)`,
          `${at}.id`,
        );
      raw = found as typeof raw;
    }
    switch (raw.type ?? 'message') {
      case 'message': {
        const m = parseAt(MessageItem, raw, at);
        const text = joinText(m.content);
        if (m.role === 'system' || m.role === 'developer') prompt.push({ role: 'system', content: text });
        else if (m.role === 'user') prompt.push({ role: 'user', content: [{ type: 'text', text }] });
        else if (text) assistant().push({ type: 'text', text });
        break;
      }
      case 'function_call': {
        const c = parseAt(FunctionCallItem, raw, at);
        toolNames.set(c.call_id, c.name);
        assistant().push({ type: 'tool-call', toolCallId: c.call_id, toolName: c.name, input: parseArgs(c.arguments) });
        break;
      }
      case 'function_call_output': {
        const o = parseAt(FunctionOutputItem, raw, at);
        const toolName = toolNames.get(o.call_id);
        if (toolName === undefined)
          throw new BridgeInputError(`${at}.call_id: no earlier function_call has call_id '${o.call_id}'`, `${at}.call_id`);
        appendToolResult(prompt, o.call_id, toolName, joinText(o.output));
        break;
      }
      case 'reasoning': {
        const r = parseAt(ReasoningItem, raw, at);
        const openai: Record<string, string> = {};
        if (r.id) openai.itemId = r.id;
        if (r.encrypted_content) openai.reasoningEncryptedContent = r.encrypted_content;
        assistant().push({
          type: 'reasoning',
          text: r.summary.map((s) => s.text).join('\n'),
          ...(Object.keys(openai).length > 0 ? { providerOptions: { openai } } : {}),
        });
        break;
      }
      default:
        throw new BridgeInputError(`${at}.type: unsupported input item type '${raw.type}'`, `${at}.type`);
    }
  });
  const tools = (req.tools ?? []).map((raw, i) => {
    const t = parseAt(Tool, raw, `tools[${i}]`);
    return functionTool(t.name, t.description ?? undefined, t.parameters, t.strict ?? undefined);
  });
  const choice: ToolChoice | undefined =
    req.tool_choice === undefined
      ? undefined
      : typeof req.tool_choice === 'string'
        ? { type: req.tool_choice }
        : { type: 'tool', toolName: req.tool_choice.name };
  const reasoning = req.reasoning
    ? {
        ...(req.reasoning.effort ? { effort: req.reasoning.effort } : {}),
        ...(req.reasoning.summary ? { summary: req.reasoning.summary } : {}),
      }
    : null;
  return {
    model: req.model,
    stream: req.stream === true,
    options: {
      prompt,
      ...(tools.length > 0 ? { tools } : {}),
      ...(choice ? { toolChoice: choice } : {}),
      ...(req.max_output_tokens != null ? { maxOutputTokens: req.max_output_tokens } : {}),
      ...(req.temperature != null ? { temperature: req.temperature } : {}),
      ...(req.top_p != null ? { topP: req.top_p } : {}),
    },
    reasoning: reasoning && Object.keys(reasoning).length > 0 ? reasoning : null,
    flags: { request: req },
    ...(memory ? { memory } : {}),
  };
}

interface Built {
  response: Record<string, unknown>;
  items: Array<Record<string, unknown>>;
}

/** The response object and its output items; `status` completed, or incomplete when the output was cut. */
function build(result: LanguageModelV3GenerateResult, req: BridgeRequest): Built {
  const { text, reasoning, calls } = partsOf(result);
  const items: Array<Record<string, unknown>> = [];
  for (const r of reasoning) {
    const meta = r.meta?.openai as { itemId?: string; reasoningEncryptedContent?: string } | undefined;
    items.push({
      id: meta?.itemId ?? nextId('rs_'),
      type: 'reasoning',
      summary: r.text ? [{ type: 'summary_text', text: r.text }] : [],
      ...(meta?.reasoningEncryptedContent ? { encrypted_content: meta.reasoningEncryptedContent } : {}),
    });
  }
  if (text) {
    items.push({
      id: nextId('msg_'),
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
    });
  }
  for (const c of calls)
    items.push({ id: nextId('fc_'), type: 'function_call', status: 'completed', call_id: c.id, name: c.name, arguments: c.input });
  const u = usageNumbers(result);
  const r = req.flags.request as z.infer<typeof Request>;
  const incomplete = result.finishReason.unified === 'length';
  const response = {
    id: nextId('resp_'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: incomplete ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    model: req.model,
    output: items,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? null },
    store: false,
    temperature: r.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: r.tool_choice ?? 'auto',
    tools: r.tools ?? [],
    top_p: r.top_p ?? 1,
    truncation: 'disabled',
    usage: {
      input_tokens: u.input,
      input_tokens_details: { cached_tokens: u.cacheRead },
      output_tokens: u.output,
      output_tokens_details: { reasoning_tokens: u.reasoning },
      total_tokens: u.input + u.output,
    },
    metadata: {},
  };
  return { response, items };
}

export const openaiResponses: Protocol = {
  name: 'openai-responses',
  parse: (body, route) => parseResponses(body, route.items),
  answer(result, req) {
    const { response, items } = build(result, req);
    for (const item of items) req.memory?.remember(item);
    return response;
  },
  frames(result, req) {
    const { response, items } = build(result, req);
    for (const item of items) req.memory?.remember(item);
    let seq = 0;
    const out: Frame[] = [];
    const emit = (type: string, fields: Record<string, unknown>) =>
      out.push({ event: type, data: { type, sequence_number: seq++, ...fields } });
    const pending = { ...response, status: 'in_progress', output: [], usage: null, incomplete_details: null };
    emit('response.created', { response: pending });
    emit('response.in_progress', { response: pending });
    items.forEach((item, output_index) => {
      const item_id = item.id;
      if (item.type === 'message') {
        const part = (item.content as Array<{ text: string }>)[0] as { text: string };
        emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
        emit('response.content_part.added', {
          item_id,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
        });
        emit('response.output_text.delta', { item_id, output_index, content_index: 0, delta: part.text, logprobs: [] });
        emit('response.output_text.done', { item_id, output_index, content_index: 0, text: part.text, logprobs: [] });
        emit('response.content_part.done', { item_id, output_index, content_index: 0, part });
      } else if (item.type === 'reasoning') {
        emit('response.output_item.added', { output_index, item: { ...item, summary: [] } });
        (item.summary as Array<{ text: string }>).forEach((s, summary_index) => {
          emit('response.reasoning_summary_part.added', { item_id, output_index, summary_index, part: { type: 'summary_text', text: '' } });
          emit('response.reasoning_summary_text.delta', { item_id, output_index, summary_index, delta: s.text });
          emit('response.reasoning_summary_text.done', { item_id, output_index, summary_index, text: s.text });
          emit('response.reasoning_summary_part.done', {
            item_id,
            output_index,
            summary_index,
            part: { type: 'summary_text', text: s.text },
          });
        });
      } else {
        emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
        emit('response.function_call_arguments.delta', { item_id, output_index, delta: item.arguments });
        emit('response.function_call_arguments.done', { item_id, output_index, arguments: item.arguments });
      }
      emit('response.output_item.done', { output_index, item });
    });
    emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
    return out;
  },
  error: (status, message, field) => openaiError(status, message, field),
};
