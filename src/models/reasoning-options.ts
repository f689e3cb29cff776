import type { ResolvedModel } from './resolve.js';

export type ReasoningEffort = 'low' | 'medium' | 'high';

/** Anthropic's thinking budget per effort level (tokens). */
const ANTHROPIC_BUDGET: Record<ReasoningEffort, number> = { low: 2048, medium: 8192, high: 16384 };

/**
 * The `providerOptions` that make each provider return its reasoning (docs/reference/agent-loop.md) and pass a
 * reasoning-effort setting through where the provider has one; undefined when there is nothing to set.
 * OpenAI: Responses API reasoning summaries. Google: thought parts on thinking models. Anthropic:
 * thinking only when an effort is asked for (it needs a budget). OpenAI-compatible hosts return
 * `reasoning_content` on their own; the effort goes through `openaiCompatible.reasoningEffort`.
 */
export function reasoningProviderOptions(
  resolved: Pick<ResolvedModel, 'provider' | 'id'>,
  effort?: ReasoningEffort,
): Record<string, Record<string, unknown>> | undefined {
  const withEffort = <T extends object>(base: T, extra: object) => (effort === undefined ? base : { ...base, ...extra });
  switch (resolved.provider) {
    case 'scripted':
      return undefined;
    case 'openai':
      return { openai: withEffort({ reasoningSummary: 'auto' }, { reasoningEffort: effort }) };
    case 'anthropic':
      return effort === undefined ? undefined : { anthropic: { thinking: { type: 'enabled', budgetTokens: ANTHROPIC_BUDGET[effort] } } };
    case 'google': {
      const thinking = /gemini-(2\.5|[3-9])/i.test(resolved.id);
      if (!thinking && effort === undefined) return undefined;
      return { google: { thinkingConfig: withEffort(thinking ? { includeThoughts: true } : {}, { thinkingLevel: effort }) } };
    }
    default:
      return effort === undefined ? undefined : { openaiCompatible: { reasoningEffort: effort } };
  }
}
