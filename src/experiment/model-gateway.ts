import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
} from '@ai-sdk/provider';
import { getEventListeners } from 'node:events';
import { wrapLanguageModel } from 'ai';
import { isRetryable, type RetryPolicy, retryAfterMs } from '../agent/index.js';
import { canonicalJson, sha256Hex } from '../core/index.js';
import type { CallUsage } from '../store/index.js';
import { callCost, type Price } from './prices.js';
import type { Limiter } from './rate-limiter.js';

/** What every rollout of one model shares: its rate limiter, price, timeout and (opt-in) response cache. */
export interface Endpoint {
  spec: string;
  /** Scripted reference agents run in-process: no limiter, timeout or cache. */
  scripted: boolean;
  limiter: Limiter;
  price: Price | null;
  /** Per-attempt request timeout; a timed-out attempt is retried like a 5xx. */
  timeoutMs: number;
  retry: RetryPolicy;
  cache: ResponseCache | null;
}

export interface ResponseCache {
  get(key: string): string | undefined;
  put(key: string, model: string, response: string): void;
}

/**
 * Per-rollout accounting of model calls: attempts, tokens, cost, cache hits, and whether the rollout
 * is waiting to retry. The transcript's model_call events stay as they were; this is stored beside them.
 */
export class CallMeter {
  readonly calls: CallUsage[] = [];
  private failures = 0;
  private lastError: string | null = null;
  retrying = false;

  constructor(private readonly onChange: () => void = () => {}) {}

  /** Failed attempts of the call in progress. */
  get failedAttempts(): number {
    return this.failures;
  }

  attemptFailed(error: unknown, willRetry: boolean): void {
    this.failures++;
    this.lastError = describe(error);
    if (this.retrying !== willRetry) {
      this.retrying = willRetry;
      this.onChange();
    }
  }

  succeeded(usage: Omit<CallUsage, 'ord' | 'attempts' | 'ok' | 'error'>): void {
    this.calls.push({ ...usage, ord: this.calls.length, attempts: this.failures + 1, ok: true, error: null });
    this.failures = 0;
    this.lastError = null;
    if (this.retrying) this.retrying = false;
    this.onChange();
  }

  /** Closes the books: a call that failed after its last try is recorded with its attempts and cause. */
  finish(): CallUsage[] {
    if (this.failures > 0) {
      this.calls.push({
        ord: this.calls.length,
        attempts: this.failures,
        ok: false,
        cached: false,
        inputTokens: null,
        outputTokens: null,
        reasoningTokens: null,
        costUsd: null,
        error: this.lastError,
      });
      this.failures = 0;
    }
    this.retrying = false;
    return this.calls;
  }
}

/** The model a rollout talks to: the endpoint's model behind the gateway middleware. */
export function gatewayModel(model: LanguageModelV3, endpoint: Endpoint, meter: CallMeter, epoch: number): LanguageModelV3 {
  return wrapLanguageModel({ model, middleware: gatewayMiddleware(endpoint, meter, epoch) });
}

/**
 * One attempt of one model call: cache lookup, rate limit, timeout, the request, accounting. Errors
 * are rethrown unchanged for the agent loop's `withRetries` (the one retry owner); the gateway only
 * records them and, on a 429 with Retry-After, pauses the endpoint for every rollout.
 */
export function gatewayMiddleware(endpoint: Endpoint, meter: CallMeter, epoch: number): LanguageModelV3Middleware {
  const deadlines = new AttemptDeadlines(endpoint.timeoutMs);
  return {
    specificationVersion: 'v3',
    wrapGenerate: async ({ params, model }) => {
      const key = endpoint.cache && !endpoint.scripted ? cacheKey(model, params, epoch) : null;
      if (key && endpoint.cache) {
        const hit = endpoint.cache.get(key);
        if (hit !== undefined) {
          const result = fromCache(hit);
          meter.succeeded({ ...usageOf(result), cached: true, costUsd: 0 });
          return result;
        }
      }
      let result: LanguageModelV3GenerateResult;
      try {
        if (endpoint.scripted) {
          result = await model.doGenerate(params);
        } else {
          const limiter = endpoint.limiter;
          // Sizing the request means serialising the whole conversation: only a TPM limit needs it.
          const ticket = limiter.limited
            ? await limiter.acquire(limiter.countsTokens ? estimateTokens(params) : 0, params.abortSignal)
            : null;
          const deadline = deadlines.start(params.abortSignal);
          try {
            result = await model.doGenerate({ ...params, abortSignal: deadline.signal });
          } finally {
            deadline.clear();
          }
          ticket?.settle((result.usage.inputTokens.total ?? 0) + (result.usage.outputTokens.total ?? 0));
        }
      } catch (error) {
        const userAbort = params.abortSignal?.aborted === true;
        const wait = retryAfterMs(error);
        if (wait !== null && !userAbort) endpoint.limiter.pauseFor(wait);
        const attempt = meter.failedAttempts + 1;
        meter.attemptFailed(error, !userAbort && isRetryable(error) && attempt < endpoint.retry.maxAttempts);
        throw error;
      }
      const usage = usageOf(result);
      meter.succeeded({ ...usage, cached: false, costUsd: callCost(endpoint.price, usage.inputTokens, usage.outputTokens) });
      if (key && endpoint.cache) endpoint.cache.put(key, endpoint.spec, toCache(result));
      return result;
    },
  };
}

/**
 * The signal for each attempt of one rollout: aborted by the caller's signal or, after `ms`, with a
 * TimeoutError (retried like a 5xx). A rollout's attempts share one controller until one of them is
 * aborted, and each has its own timer, cleared when it ends. Making a controller per attempt was most
 * of the deadline's cost (in a micro-benchmark, about 6 µs per attempt against 1.6 with a shared one);
 * AbortSignal.timeout plus AbortSignal.any cost several times more again and keep their timers and
 * weak references alive after the attempt. Attempts that overlap (the loops make none, but a model
 * may) each get a controller of their own.
 */
export class AttemptDeadlines {
  private controller: AbortController | null = null;
  private busy = false;

  constructor(private readonly ms: number) {}

  start(outer: AbortSignal | undefined): { signal: AbortSignal; clear: () => void } {
    const shared = !this.busy;
    const controller = shared ? this.sharedController() : new AbortController();
    if (outer?.aborted) {
      controller.abort(outer.reason);
      return { signal: controller.signal, clear: () => {} };
    }
    if (shared) this.busy = true;
    const onOuterAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new DOMException(`the model did not answer within ${this.ms} ms`, 'TimeoutError')),
      this.ms,
    );
    let cleared = false;
    return {
      signal: controller.signal,
      clear: () => {
        if (cleared) return;
        cleared = true;
        clearTimeout(timer);
        if (shared) this.busy = false;
        outer?.removeEventListener('abort', onOuterAbort);
      },
    };
  }

  /**
   * The rollout's controller, or a new one when it was aborted or still has a listener from an earlier
   * attempt (a fetch that never removed its own), so listeners never pile up on it.
   */
  private sharedController(): AbortController {
    const c = this.controller;
    if (c !== null && !c.signal.aborted && getEventListeners(c.signal, 'abort').length === 0) return c;
    this.controller = new AbortController();
    return this.controller;
  }
}

function usageOf(r: LanguageModelV3GenerateResult) {
  return {
    inputTokens: r.usage.inputTokens.total ?? null,
    outputTokens: r.usage.outputTokens.total ?? null,
    reasoningTokens: r.usage.outputTokens.reasoning ?? null,
  };
}

/** Rough size of a request for TPM accounting before the server says (about 4 characters a token). */
function estimateTokens(params: LanguageModelV3CallOptions): number {
  return Math.ceil(JSON.stringify(params.prompt).length / 4) + (params.maxOutputTokens ?? 1000);
}

/**
 * The exact request: provider, model id, the full prompt, tools, every setting (temperature, seed,
 * provider options...) and the epoch, so two epochs never share an answer. Transport details
 * (abort signal, headers) are left out.
 */
export function cacheKey(model: LanguageModelV3, params: LanguageModelV3CallOptions, epoch: number): string {
  const { abortSignal: _signal, headers: _headers, ...request } = params;
  const plain = JSON.parse(JSON.stringify(request)) as unknown;
  return sha256Hex(canonicalJson({ v: 1, provider: model.provider, modelId: model.modelId, epoch, request: plain }));
}

/** What the loop reads back: content, finish reason, usage, provider metadata, response id/model/time. */
function toCache(r: LanguageModelV3GenerateResult): string {
  return JSON.stringify({
    content: r.content,
    finishReason: r.finishReason,
    usage: r.usage,
    providerMetadata: r.providerMetadata,
    warnings: r.warnings,
    response: r.response ? { id: r.response.id, modelId: r.response.modelId, timestamp: r.response.timestamp?.toISOString() } : undefined,
  });
}

function fromCache(raw: string): LanguageModelV3GenerateResult {
  const v = JSON.parse(raw) as LanguageModelV3GenerateResult & { response?: { timestamp?: string } };
  const response = v.response
    ? { ...v.response, ...(v.response.timestamp ? { timestamp: new Date(v.response.timestamp) } : { timestamp: undefined }) }
    : undefined;
  return { ...v, ...(response ? { response: response as LanguageModelV3GenerateResult['response'] } : {}) };
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const status = (e as { statusCode?: number }).statusCode;
    return `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}`.slice(0, 500);
  }
  return String(e).slice(0, 500);
}

/**
 * Every model one rollout calls (its own, and a team scenario's or live peer's), each through its endpoint
 * and metered as this rollout's calls; `undefined` for a model without an endpoint (called as resolved).
 */
export function rolloutModels(
  endpoints: ReadonlyMap<string, Endpoint> | undefined,
  models: ReadonlyMap<string, { model: LanguageModelV3 }>,
  meter: CallMeter,
  epoch: number,
): (modelId: string) => LanguageModelV3 | undefined {
  return (id) => {
    const endpoint = endpoints?.get(id);
    const model = models.get(id);
    return endpoint && model ? gatewayModel(model.model, endpoint, meter, epoch) : undefined;
  };
}
