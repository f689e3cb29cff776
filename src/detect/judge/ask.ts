import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText } from 'ai';
import type { z } from 'zod';
import { JUDGE_PROMPT_VERSION, type JudgeQuestion, type JudgeQuestionId } from './prompts.js';

/** How one judge call ended. Only `ok` carries an answer; every other status leaves the flag unscored. */
export type JudgeCallStatus = 'ok' | 'invalid' | 'refused' | 'error';

/** One call to the judge model, as recorded for cost accounting and audit. */
export interface JudgeCall {
  question: JudgeQuestionId;
  promptVersion: string;
  /** `provider:modelId` of the judge. */
  model: string;
  status: JudgeCallStatus;
  /** The validated answer (`ok` only). */
  answer: unknown;
  /** The judge's text exactly as returned; null when the call threw. */
  raw: string | null;
  /** Why the answer was not used (null when `ok`). */
  reason: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface AskOptions {
  abortSignal?: AbortSignal;
  /** Answers are short JSON objects; a cap keeps a rambling judge cheap. */
  maxOutputTokens?: number;
}

export function judgeModelId(model: LanguageModelV3): string {
  return `${model.provider}:${model.modelId}`;
}

export type ParsedAnswer<T> = { ok: true; value: T } | { ok: false; status: 'invalid' | 'refused'; reason: string };

/** Words a model uses when it declines to answer instead of classifying. */
const JUDGE_REFUSAL =
  /\b(?:I(?:'m| am) (?:sorry|unable|not able)|I (?:can(?:no|')t|won't|will not) (?:help|assist|comply|answer|do that|provide))/i;

/**
 * Read the judge's text as one JSON object valid under the question's schema. Tolerates code fences
 * and prose around the object (some models add them despite the instruction); nothing else.
 */
export function parseJudgeAnswer<T>(text: string, schema: z.ZodType<T>, finishReason?: string): ParsedAnswer<T> {
  if (finishReason === 'content-filter')
    return { ok: false, status: 'refused', reason: 'the judge provider blocked the answer (content filter)' };
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) {
    if (JUDGE_REFUSAL.test(text)) return { ok: false, status: 'refused', reason: `the judge declined to answer: ${clip(text)}` };
    return { ok: false, status: 'invalid', reason: `no JSON object in the answer: ${clip(text)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch (err) {
    return { ok: false, status: 'invalid', reason: `the answer is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, status: 'invalid', reason: `the answer does not match the expected format: ${clip(issues)}` };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Ask one question at temperature 0 with no retries (the caller's rate limiter owns retrying).
 * Never throws: a thrown call, an unparseable answer or a refusal becomes a non-`ok` JudgeCall.
 */
export async function askJudge<T>(
  model: LanguageModelV3,
  q: JudgeQuestion<T>,
  opts: AskOptions = {},
): Promise<{ call: JudgeCall; value: T | null }> {
  const base = { question: q.id, promptVersion: q.version ?? JUDGE_PROMPT_VERSION, model: judgeModelId(model) };
  try {
    const result = await generateText({
      model,
      system: q.system,
      prompt: q.prompt,
      temperature: 0,
      maxRetries: 0,
      maxOutputTokens: opts.maxOutputTokens ?? 600,
      ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
    });
    const usage = { inputTokens: result.usage.inputTokens ?? null, outputTokens: result.usage.outputTokens ?? null };
    const parsed = parseJudgeAnswer(result.text, q.schema, result.finishReason);
    if (!parsed.ok)
      return { call: { ...base, status: parsed.status, answer: null, raw: result.text, reason: parsed.reason, ...usage }, value: null };
    return { call: { ...base, status: 'ok', answer: parsed.value, raw: result.text, reason: null, ...usage }, value: parsed.value };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const call: JudgeCall = {
      ...base,
      status: 'error',
      answer: null,
      raw: null,
      reason: `the judge call failed: ${clip(message)}`,
      inputTokens: null,
      outputTokens: null,
    };
    return { call, value: null };
  }
}

function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
