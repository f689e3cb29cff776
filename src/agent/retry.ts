import { APICallError } from 'ai';

export interface RetryPolicy {
  /** Total tries including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** Milliseconds the server asked us to wait, from `retry-after-ms` or `retry-after` (seconds or a date). */
export function retryAfterMs(error: unknown): number | null {
  if (!APICallError.isInstance(error)) return null;
  const h = error.responseHeaders ?? {};
  const msRaw = h['retry-after-ms'];
  if (msRaw?.trim()) {
    const ms = Number(msRaw);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  const raw = h['retry-after'];
  if (!raw?.trim()) return null;
  const secs = Number(raw);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export function isRetryable(error: unknown): boolean {
  if (APICallError.isInstance(error)) return error.isRetryable;
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError';
}

/**
 * The single retry layer for model calls (SDK retries are off): exponential backoff with full
 * jitter, honouring Retry-After, bounded attempts. Non-retryable errors are thrown at once.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void,
): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(), attempts: attempt };
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.min(policy.maxDelayMs, retryAfterMs(error) ?? Math.random() * backoff);
      onRetry?.(attempt, error, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
