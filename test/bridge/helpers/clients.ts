import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { Bridge } from '../../../src/bridge/index.js';

/** A tool as the harness declares it (name, description, JSON Schema of the arguments). */
export interface HarnessTool {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

export interface TurnCall {
  id: string;
  name: string;
  args: unknown;
}

export interface ClientTurn {
  text: string;
  reasoning: string[];
  calls: TurnCall[];
  inputTokens: number;
  outputTokens: number;
}

/**
 * One conversation held by an official client library, in its own API's format: the harness adds the
 * task, asks for a turn, runs the calls and hands back their outputs. Each driver keeps the history the
 * way that API's users do (the whole conversation resent every turn).
 */
export interface ClientDriver {
  turn(): Promise<ClientTurn>;
  results(results: Array<{ call: TurnCall; output: string }>): void;
  user(text: string): void;
}

export type DriverKind = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini';
export const DRIVER_KINDS: DriverKind[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini'];

const parseArgs = (s: string): unknown => {
  try {
    return JSON.parse(s || '{}') as unknown;
  } catch {
    return s;
  }
};

export function makeDriver(
  kind: DriverKind,
  bridge: Bridge,
  stream: boolean,
  system: string,
  task: string,
  tools: HarnessTool[],
): ClientDriver {
  switch (kind) {
    case 'openai-chat':
      return chatDriver(bridge, stream, system, task, tools);
    case 'openai-responses':
      return responsesDriver(bridge, stream, system, task, tools);
    case 'anthropic':
      return anthropicDriver(bridge, stream, system, task, tools);
    case 'gemini':
      return geminiDriver(bridge, stream, system, task, tools);
  }
}

function chatDriver(bridge: Bridge, stream: boolean, system: string, task: string, tools: HarnessTool[]): ClientDriver {
  const client = new OpenAI({ apiKey: bridge.token, baseURL: bridge.urls['openai-chat'], maxRetries: 0 });
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'developer', content: system },
    { role: 'user', content: task },
  ];
  const params = {
    model: 'bridged-model',
    tools: tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.schema } })),
  };
  return {
    async turn() {
      const completion = stream
        ? await client.chat.completions.stream({ ...params, messages, stream_options: { include_usage: true } }).finalChatCompletion()
        : await client.chat.completions.create({ ...params, messages });
      const message = completion.choices[0]!.message;
      messages.push({
        role: 'assistant',
        content: message.content,
        ...(message.tool_calls ? { tool_calls: message.tool_calls } : {}),
      } as never);
      const reasoning = (message as { reasoning_content?: string }).reasoning_content;
      return {
        text: message.content ?? '',
        reasoning: reasoning ? [reasoning] : [],
        calls: (message.tool_calls ?? []).map((c) => {
          if (c.type !== 'function') throw new Error('not a function call');
          return { id: c.id, name: c.function.name, args: parseArgs(c.function.arguments) };
        }),
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
    },
    results(results) {
      for (const r of results) messages.push({ role: 'tool', tool_call_id: r.call.id, content: r.output });
    },
    user(text) {
      messages.push({ role: 'user', content: text });
    },
  };
}

function responsesDriver(bridge: Bridge, stream: boolean, system: string, task: string, tools: HarnessTool[]): ClientDriver {
  const client = new OpenAI({ apiKey: bridge.token, baseURL: bridge.urls['openai-responses'], maxRetries: 0 });
  // As Codex CLI sends it: instructions, then the whole history as input items, nothing stored.
  const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: [{ type: 'input_text', text: task }] }];
  const params = {
    model: 'bridged-model',
    instructions: system,
    store: false,
    reasoning: { effort: 'medium' as const, summary: 'auto' as const },
    tools: tools.map((t) => ({ type: 'function' as const, name: t.name, description: t.description, parameters: t.schema, strict: false })),
  };
  return {
    async turn() {
      const response = stream
        ? await client.responses.stream({ ...params, input }).finalResponse()
        : await client.responses.create({ ...params, input });
      const calls: TurnCall[] = [];
      const reasoning: string[] = [];
      for (const item of response.output) {
        input.push(item as OpenAI.Responses.ResponseInputItem);
        if (item.type === 'function_call') calls.push({ id: item.call_id, name: item.name, args: parseArgs(item.arguments) });
        if (item.type === 'reasoning') reasoning.push(item.summary.map((s) => s.text).join('\n'));
      }
      return {
        text: response.output_text,
        reasoning,
        calls,
        inputTokens: response.usage?.input_tokens ?? 0,
        outputTokens: response.usage?.output_tokens ?? 0,
      };
    },
    results(results) {
      for (const r of results) input.push({ type: 'function_call_output', call_id: r.call.id, output: r.output });
    },
    user(text) {
      input.push({ role: 'user', content: [{ type: 'input_text', text }] });
    },
  };
}

function anthropicDriver(bridge: Bridge, stream: boolean, system: string, task: string, tools: HarnessTool[]): ClientDriver {
  const client = new Anthropic({ apiKey: bridge.token, baseURL: bridge.urls.anthropic, maxRetries: 0 });
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: task }];
  const params = {
    model: 'bridged-model',
    max_tokens: 4096,
    system,
    thinking: { type: 'enabled' as const, budget_tokens: 2048 },
    tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema as Anthropic.Tool.InputSchema })),
  };
  return {
    async turn() {
      const message = stream
        ? await client.messages.stream({ ...params, messages }).finalMessage()
        : await client.messages.create({ ...params, messages });
      messages.push({ role: 'assistant', content: message.content });
      let text = '';
      const reasoning: string[] = [];
      const calls: TurnCall[] = [];
      for (const b of message.content) {
        if (b.type === 'text') text += b.text;
        else if (b.type === 'thinking') reasoning.push(b.thinking);
        else if (b.type === 'tool_use') calls.push({ id: b.id, name: b.name, args: b.input });
      }
      return { text, reasoning, calls, inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens };
    },
    results(results) {
      messages.push({
        role: 'user',
        content: results.map((r) => ({ type: 'tool_result' as const, tool_use_id: r.call.id, content: r.output })),
      });
    },
    user(text) {
      messages.push({ role: 'user', content: text });
    },
  };
}

function geminiDriver(bridge: Bridge, stream: boolean, system: string, task: string, tools: HarnessTool[]): ClientDriver {
  const ai = new GoogleGenAI({ apiKey: bridge.token, httpOptions: { baseUrl: bridge.urls.gemini } });
  const contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> = [{ role: 'user', parts: [{ text: task }] }];
  const config = {
    systemInstruction: system,
    thinkingConfig: { includeThoughts: true },
    tools: [{ functionDeclarations: tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.schema })) }],
  };
  return {
    async turn() {
      const parts: Array<Record<string, unknown>> = [];
      let inputTokens = 0;
      let outputTokens = 0;
      const take = (r: {
        candidates?: Array<{ content?: { parts?: unknown[] } }>;
        usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number };
      }) => {
        for (const p of r.candidates?.[0]?.content?.parts ?? []) parts.push(p as Record<string, unknown>);
        if (r.usageMetadata) {
          inputTokens = r.usageMetadata.promptTokenCount ?? 0;
          outputTokens = (r.usageMetadata.candidatesTokenCount ?? 0) + (r.usageMetadata.thoughtsTokenCount ?? 0);
        }
      };
      if (stream)
        for await (const chunk of await ai.models.generateContentStream({ model: 'bridged-model', contents, config })) take(chunk);
      else take(await ai.models.generateContent({ model: 'bridged-model', contents, config }));
      contents.push({ role: 'model', parts });
      let text = '';
      const reasoning: string[] = [];
      const calls: TurnCall[] = [];
      for (const p of parts) {
        const fc = p.functionCall as { id?: string; name: string; args?: unknown } | undefined;
        if (fc) calls.push({ id: fc.id ?? '', name: fc.name, args: fc.args ?? {} });
        else if (typeof p.text === 'string') (p.thought ? reasoning : { push: (t: string) => (text += t) }).push(p.text);
      }
      return { text, reasoning, calls, inputTokens, outputTokens };
    },
    results(results) {
      contents.push({
        role: 'user',
        parts: results.map((r) => ({
          functionResponse: { ...(r.call.id ? { id: r.call.id } : {}), name: r.call.name, response: { output: r.output } },
        })),
      });
    },
    user(text) {
      contents.push({ role: 'user', parts: [{ text }] });
    },
  };
}
