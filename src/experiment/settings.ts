import { DEFAULT_RETRY, type RetryPolicy } from '../agent/index.js';
import { UserError } from '../core/index.js';
import { type ResolvedModel, resolveModel } from '../models/index.js';
import type { Store } from '../store/index.js';
import type { ModelEntry, PeerwatchConfig } from './config.js';
import type { Endpoint, ResponseCache } from './model-gateway.js';
import { type Price, priceFor } from './prices.js';
import { RateLimiter } from './rate-limiter.js';
import type { ExperimentSpec } from './spec.js';

/** How a sweep drives its models; everything here changes speed and cost, never results. */
export interface SweepSettings {
  /** Per-model settings by spec (from the config file). */
  models?: Readonly<Record<string, Omit<ModelEntry, 'spec'>>>;
  prices?: Readonly<Record<string, Price>>;
  retry?: Partial<RetryPolicy>;
  /** One attempt's time limit (default 10 minutes: long reasoning calls are legitimate). */
  timeoutMs?: number;
  /** Response cache in the store (opt-in; scripted models bypass it). */
  cache?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 600_000;

/** Settings from a config file. */
export function settingsFromConfig(config: PeerwatchConfig | undefined, cache: boolean): SweepSettings {
  const models: Record<string, Omit<ModelEntry, 'spec'>> = {};
  for (const { spec, ...rest } of config?.models ?? []) models[spec] = rest;
  const { timeoutMs, ...retry } = config?.retry ?? {};
  return {
    models,
    ...(config?.prices ? { prices: config.prices } : {}),
    retry: Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined)) as Partial<RetryPolicy>,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    cache,
  };
}

export function retryPolicy(settings: SweepSettings | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY, ...settings?.retry };
}

/**
 * Resolves every model once, up front (a missing key fails before anything runs), with its own
 * base URL, key variable and family from the settings, else the run-wide flags.
 */
export function resolveModelsWith(
  spec: ExperimentSpec,
  settings: SweepSettings | undefined,
  env?: Record<string, string | undefined>,
): Map<string, ResolvedModel> {
  const models = new Map<string, ResolvedModel>();
  // The peer model (team scenarios) is resolved with the others: its key is checked before anything runs.
  const ids = spec.peerModel && !spec.models.includes(spec.peerModel) ? [...spec.models, spec.peerModel] : spec.models;
  for (const id of ids) {
    const own = settings?.models?.[id];
    const baseUrl = own?.baseUrl ?? spec.baseUrl;
    const apiKeyEnv = own?.apiKeyEnv ?? spec.apiKeyEnv;
    const family = spec.family ?? own?.family;
    const resolved = resolveModel(id, {
      ...(baseUrl ? { baseUrl } : {}),
      ...(apiKeyEnv ? { apiKeyEnv } : {}),
      ...(env ? { env } : {}),
      ...(family ? { family } : {}),
    });
    if (!resolved.family) {
      throw new UserError(
        `cannot tell the model family of '${id}' (Self is '<family> Agent 1'): pass --family, or set family: in the config file`,
      );
    }
    models.set(id, resolved);
  }
  return models;
}

/** One shared endpoint (limiter, price, cache) per model. */
export function buildEndpoints(
  models: Map<string, ResolvedModel>,
  settings: SweepSettings | undefined,
  store: Store,
): Map<string, Endpoint> {
  const retry = retryPolicy(settings);
  const cache: ResponseCache | null = settings?.cache ? { get: (k) => store.cacheGet(k), put: (k, m, r) => store.cachePut(k, m, r) } : null;
  const out = new Map<string, Endpoint>();
  for (const [id, m] of models) {
    const own = settings?.models?.[id];
    out.set(id, {
      spec: id,
      scripted: m.kind === 'scripted',
      limiter: new RateLimiter({ rpm: own?.rpm, tpm: own?.tpm }),
      price: own?.price ?? priceFor(id, settings?.prices),
      timeoutMs: settings?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retry,
      cache: m.kind === 'scripted' ? null : cache,
    });
  }
  return out;
}

/** Rollouts in flight per model: the model's own setting, else the run-wide --concurrency. */
export function concurrencyOf(model: string, spec: ExperimentSpec, settings: SweepSettings | undefined): number {
  return settings?.models?.[model]?.concurrency ?? spec.concurrency;
}
