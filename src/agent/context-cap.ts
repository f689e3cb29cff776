/**
 * The context cap of every seat (turn.ts). The size of a conversation is the latest
 * call's input plus output tokens (what the next call will carry), or its characters / 4 when that is
 * more: reported usage is the endpoint's word, and a 10 MB answer reported as 1 token must still end it.
 */

/** Context size (tokens) that ends an episode with `token_cap` unless a run sets its own. */
export const DEFAULT_MAX_CONTEXT_TOKENS = 120_000;
/** Characters per token when the context is sized from text (a generous estimate for English and JSON). */
export const CHARS_PER_TOKEN = 4;

/** Whether a conversation of `chars` characters, whose latest call reported `reportedTokens`, reached `cap`. */
export function contextCapReached(reportedTokens: number, chars: number, cap: number): boolean {
  return Math.max(reportedTokens, Math.ceil(chars / CHARS_PER_TOKEN)) >= cap;
}
