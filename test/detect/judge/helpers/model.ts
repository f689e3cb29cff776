/** A scripted judge: plays canned replies in order and records every prompt it was sent. */
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';

export type Reply = { json: unknown } | { text: string; finishReason?: 'stop' | 'content-filter' | 'length' } | { throws: string };

export const json = (value: unknown): Reply => ({ json: value });
export const text = (t: string): Reply => ({ text: t });
export const throws = (message: string): Reply => ({ throws: message });
/** A provider-side refusal: a filtered reply with no content. */
export const filtered = (): Reply => ({ text: '', finishReason: 'content-filter' });

export interface ScriptedJudge extends MockLanguageModelV3 {
  /** Every call's options, in order (prompt text via promptOf). */
  readonly prompts: LanguageModelV3CallOptions[];
}

export function scriptedJudge(replies: Reply[], modelId = 'judge-mini'): ScriptedJudge {
  let i = 0;
  const prompts: LanguageModelV3CallOptions[] = [];
  const model = new MockLanguageModelV3({
    provider: 'test',
    modelId,
    doGenerate: async (options): Promise<LanguageModelV3GenerateResult> => {
      prompts.push(options);
      const r = replies[i++];
      if (!r) throw new Error(`scripted judge: no reply left for call ${i}`);
      if ('throws' in r) throw new Error(r.throws);
      const t = 'json' in r ? JSON.stringify(r.json) : r.text;
      return {
        content: t ? [{ type: 'text', text: t }] : [],
        finishReason: { unified: 'finishReason' in r && r.finishReason ? r.finishReason : 'stop', raw: undefined },
        usage: {
          inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 12, text: 12, reasoning: 0 },
        },
        warnings: [],
      };
    },
  });
  return Object.assign(model, { prompts }) as ScriptedJudge;
}

/** The user prompt text of one recorded call. */
export function promptOf(options: LanguageModelV3CallOptions): string {
  return options.prompt
    .filter((m) => m.role === 'user')
    .flatMap((m) => m.content)
    .map((p) => (p.type === 'text' ? p.text : ''))
    .join('\n');
}

export function systemOf(options: LanguageModelV3CallOptions): string {
  return options.prompt.map((m) => (m.role === 'system' ? m.content : '')).join('');
}
