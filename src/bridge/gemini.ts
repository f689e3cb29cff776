import type { LanguageModelV3GenerateResult, LanguageModelV3Message, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { z } from 'zod';
import {
  argsObject,
  type BridgeRequest,
  BridgeInputError,
  effortFromBudget,
  functionTool,
  nextId,
  parseAt,
  parseWith,
  partsOf,
  type Protocol,
  type RequestedReasoning,
  type ToolChoice,
  usageNumbers,
} from './protocol.js';

// Gemini (POST /v1beta/models/<model>:generateContent and :streamGenerateContent).
const Part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).optional(), id: z.string().optional() })
    .optional(),
  functionResponse: z.looseObject({ name: z.string(), response: z.unknown().optional(), id: z.string().optional() }).optional(),
});
const Content = z.looseObject({ role: z.enum(['user', 'model', 'function']).optional(), parts: z.array(z.unknown()) });
const Declaration = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  parametersJsonSchema: z.record(z.string(), z.unknown()).optional(),
});
const Request = z.looseObject({
  contents: z.array(Content).min(1),
  systemInstruction: z.looseObject({ parts: z.array(z.looseObject({ text: z.string().optional() })) }).optional(),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(z.unknown()).optional() })).optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({
          mode: z.enum(['AUTO', 'ANY', 'NONE', 'VALIDATED', 'MODE_UNSPECIFIED']).optional(),
          allowedFunctionNames: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
  generationConfig: z
    .looseObject({
      temperature: z.number().optional(),
      topP: z.number().optional(),
      topK: z.number().optional(),
      maxOutputTokens: z.number().int().positive().optional(),
      stopSequences: z.array(z.string()).optional(),
      seed: z.number().int().optional(),
      thinkingConfig: z
        .looseObject({
          includeThoughts: z.boolean().optional(),
          thinkingBudget: z.number().int().optional(),
          thinkingLevel: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});

/** Gemini's OpenAPI-style schemas spell types in capitals (`OBJECT`); JSON Schema wants them lower-case. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'type' && typeof v === 'string') out[k] = v.toLowerCase();
    else if (k === 'properties' && v && typeof v === 'object')
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([name, s]) => [name, jsonSchema(s)]));
    else if (k === 'items' || k === 'anyOf' || k === 'oneOf' || k === 'allOf') out[k] = jsonSchema(v);
    else out[k] = v;
  }
  return out;
}

type AssistantContent = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'];
type ToolContent = Extract<LanguageModelV3Message, { role: 'tool' }>['content'];

export function parseGenerate(body: unknown, pathModel: string, stream: boolean): BridgeRequest {
  const req = parseWith(Request, body);
  const prompt: LanguageModelV3Prompt = [];
  const system = req.systemInstruction?.parts.map((p) => p.text ?? '').join('\n');
  if (system) prompt.push({ role: 'system', content: system });
  // Calls may come without ids (the API's own answers often have none): the bridge numbers them, and a
  // response without an id answers the oldest open call of its name.
  const open: Array<{ id: string; name: string }> = [];
  // A resumed Gemini CLI session (0.61) sends each saved response twice in one turn: a response that
  // repeats one already given in this turn (same id, same content) is the same answer, taken once.
  const given = new Map<string, string>();
  req.contents.forEach((c, i) => {
    const parts = c.parts.map((p, j) => parseAt(Part, p, `contents[${i}].parts[${j}]`));
    if (c.role === 'model') {
      const content: AssistantContent = [];
      parts.forEach((p, j) => {
        const signature = p.thoughtSignature ? { providerOptions: { google: { thoughtSignature: p.thoughtSignature } } } : {};
        if (p.functionCall) {
          const id = p.functionCall.id ?? `call_${i}_${j}`;
          open.push({ id, name: p.functionCall.name });
          content.push({
            type: 'tool-call',
            toolCallId: id,
            toolName: p.functionCall.name,
            input: p.functionCall.args ?? {},
            ...signature,
          });
        } else if (p.text !== undefined) content.push({ type: p.thought ? 'reasoning' : 'text', text: p.text, ...signature });
      });
      prompt.push({ role: 'assistant', content });
      return;
    }
    const results: ToolContent = [];
    let text = '';
    parts.forEach((p, j) => {
      if (p.functionResponse) {
        const fr = p.functionResponse;
        const k = open.findIndex((o) => (fr.id !== undefined ? o.id === fr.id : o.name === fr.name));
        const field = `contents[${i}].parts[${j}].functionResponse`;
        const key = `${i}\u0000${fr.id ?? ''}\u0000${fr.name}`;
        if (k < 0 && fr.id !== undefined && given.get(key) === JSON.stringify(fr.response ?? null)) return;
        if (k < 0)
          throw new BridgeInputError(
            `${field}: no earlier functionCall ${fr.id ? `has id '${fr.id}'` : `named '${fr.name}' is unanswered`}`,
            field,
          );
        const [call] = open.splice(k, 1) as [{ id: string; name: string }];
        if (fr.id !== undefined) given.set(key, JSON.stringify(fr.response ?? null));
        const value = responseText(fr.response);
        results.push({ type: 'tool-result', toolCallId: call.id, toolName: call.name, output: { type: 'text', value } });
      } else if (p.text !== undefined) text += p.text;
      else if (p.functionCall)
        throw new BridgeInputError(
          `contents[${i}].parts[${j}].functionCall: only a model turn may call functions`,
          `contents[${i}].parts[${j}].functionCall`,
        );
    });
    if (results.length > 0) prompt.push({ role: 'tool', content: results });
    if (text || results.length === 0) prompt.push({ role: 'user', content: [{ type: 'text', text }] });
  });
  const tools: ReturnType<typeof functionTool>[] = [];
  (req.tools ?? []).forEach((t, i) => {
    const extra = Object.keys(t).filter((k) => k !== 'functionDeclarations');
    if (extra.length > 0)
      throw new BridgeInputError(`tools[${i}].${extra[0]}: only functionDeclarations are supported`, `tools[${i}].${extra[0]}`);
    (t.functionDeclarations ?? []).forEach((raw, j) => {
      const d = parseAt(Declaration, raw, `tools[${i}].functionDeclarations[${j}]`);
      tools.push(functionTool(d.name, d.description, d.parametersJsonSchema ?? (d.parameters ? jsonSchema(d.parameters) : undefined)));
    });
  });
  const fc = req.toolConfig?.functionCallingConfig;
  let choice: ToolChoice | undefined;
  if (fc?.mode === 'NONE') choice = { type: 'none' };
  else if (fc?.mode === 'ANY' || fc?.mode === 'VALIDATED')
    choice =
      fc.allowedFunctionNames?.length === 1 ? { type: 'tool', toolName: fc.allowedFunctionNames[0] as string } : { type: 'required' };
  else if (fc?.mode === 'AUTO') choice = { type: 'auto' };
  const g = req.generationConfig ?? {};
  const t = g.thinkingConfig;
  let reasoning: RequestedReasoning | null = null;
  if (t) {
    reasoning = {
      ...(t.includeThoughts !== undefined ? { includeThoughts: t.includeThoughts } : {}),
      ...(t.thinkingBudget !== undefined ? { budgetTokens: t.thinkingBudget } : {}),
      ...(t.thinkingLevel
        ? { effort: t.thinkingLevel.toLowerCase() }
        : t.thinkingBudget !== undefined && t.thinkingBudget > 0
          ? { effort: effortFromBudget(t.thinkingBudget) }
          : {}),
    };
  }
  return {
    model: pathModel,
    stream,
    options: {
      prompt,
      ...(tools.length > 0 ? { tools } : {}),
      ...(choice ? { toolChoice: choice } : {}),
      ...(g.maxOutputTokens !== undefined ? { maxOutputTokens: g.maxOutputTokens } : {}),
      ...(g.temperature !== undefined ? { temperature: g.temperature } : {}),
      ...(g.topP !== undefined ? { topP: g.topP } : {}),
      ...(g.topK !== undefined ? { topK: g.topK } : {}),
      ...(g.stopSequences ? { stopSequences: g.stopSequences } : {}),
      ...(g.seed !== undefined ? { seed: g.seed } : {}),
    },
    reasoning,
    flags: {},
  };
}

/** A function response is an object; the tool's text is its `output` (or `content`/`result`), else the JSON. */
function responseText(response: unknown): string {
  if (typeof response === 'string') return response;
  if (response && typeof response === 'object') {
    const r = response as Record<string, unknown>;
    for (const key of ['output', 'content', 'result']) if (typeof r[key] === 'string') return r[key] as string;
    if (typeof r.error === 'string') return r.error;
  }
  return JSON.stringify(response ?? {});
}

function finishReason(result: LanguageModelV3GenerateResult): string {
  switch (result.finishReason.unified) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
      return 'SAFETY';
    case 'error':
    case 'other':
      return 'OTHER';
    default:
      return 'STOP';
  }
}

function parts(result: LanguageModelV3GenerateResult): Array<Record<string, unknown>> {
  const { text, reasoning, calls } = partsOf(result);
  const out: Array<Record<string, unknown>> = [];
  for (const r of reasoning) {
    const sig = (r.meta?.google as { thoughtSignature?: string } | undefined)?.thoughtSignature;
    out.push({ text: r.text, thought: true, ...(sig ? { thoughtSignature: sig } : {}) });
  }
  if (text) out.push({ text });
  for (const c of calls) out.push({ functionCall: { id: c.id, name: c.name, args: argsObject(c.input) } });
  return out;
}

function usage(result: LanguageModelV3GenerateResult) {
  const u = usageNumbers(result);
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: Math.max(0, u.output - u.reasoning),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
    ...(u.cacheRead > 0 ? { cachedContentTokenCount: u.cacheRead } : {}),
    totalTokenCount: u.input + u.output,
  };
}

const candidate = (p: Array<Record<string, unknown>>, finish?: string) => ({
  content: { role: 'model', parts: p },
  ...(finish ? { finishReason: finish } : {}),
  index: 0,
});

export const gemini: Protocol = {
  name: 'gemini',
  parse(body, route) {
    return parseGenerate(body, route.pathModel ?? '', route.pathStream === true);
  },
  answer(result, req) {
    return {
      candidates: [candidate(parts(result), finishReason(result))],
      usageMetadata: usage(result),
      modelVersion: req.model,
      responseId: nextId(''),
    };
  },
  frames(result, req) {
    // One chunk per part; the last carries the finish reason and usage, as the API's last chunk does.
    const all = parts(result);
    const responseId = nextId('');
    const chunks = all.length > 0 ? all.map((p) => [p]) : [[]];
    return chunks.map((p, i) => {
      const last = i === chunks.length - 1;
      return {
        data: {
          candidates: [candidate(p, last ? finishReason(result) : undefined)],
          ...(last ? { usageMetadata: usage(result) } : {}),
          modelVersion: req.model,
          responseId,
        },
      };
    });
  },
  error(status, message) {
    const s =
      status === 401
        ? 'UNAUTHENTICATED'
        : status === 404
          ? 'NOT_FOUND'
          : status === 429
            ? 'RESOURCE_EXHAUSTED'
            : status >= 500
              ? 'INTERNAL'
              : 'INVALID_ARGUMENT';
    return { error: { code: status, message, status: s } };
  },
};
