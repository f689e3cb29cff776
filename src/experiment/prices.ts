import { z } from 'zod';

/** USD per million tokens, for input (prompt) and output (completion, reasoning included) tokens. */
export const Price = z
  .object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
  })
  .strict();
export type Price = z.infer<typeof Price>;

/**
 * Published list prices (USD per 1M tokens, standard tier, checked 2025-06). Prices change: put the
 * ones you pay in `prices:` of peerwatch.config.yaml, which override these. A model absent from both
 * has an unknown cost, shown as unknown, never as 0. Keys are model specs without the provider, so
 * `openai:gpt-4o` and `openrouter:openai/gpt-4o` need their own entries only when they differ.
 */
export const BUILTIN_PRICES: Readonly<Record<string, Price>> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'claude-sonnet-4-0': { input: 3, output: 15 },
  'claude-opus-4-0': { input: 15, output: 75 },
  'claude-3-5-haiku-latest': { input: 0.8, output: 4 },
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
};

/**
 * The price of a model spec: an exact user entry for the spec, then for its model id, then the
 * built-in table by model id. Scripted reference agents are local code and cost nothing.
 */
export function priceFor(spec: string, userPrices: Readonly<Record<string, Price>> = {}): Price | null {
  const colon = spec.indexOf(':');
  const provider = colon < 0 ? '' : spec.slice(0, colon);
  const modelId = colon < 0 ? spec : spec.slice(colon + 1);
  if (provider === 'scripted') return { input: 0, output: 0 };
  return userPrices[spec] ?? userPrices[modelId] ?? BUILTIN_PRICES[modelId] ?? null;
}

/** Cost of one call in USD, or null when the price or a token count is unknown. */
export function callCost(price: Price | null, inputTokens: number | null, outputTokens: number | null): number | null {
  if (price === null || inputTokens === null || outputTokens === null) return null;
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}
