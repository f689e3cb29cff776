/**
 * One model call of a rollout as the sweep saw it: how many HTTP attempts it took, whether the
 * response came from the cache, its tokens and its cost. `ok: false` is the final call that failed
 * after its bounded tries (the rollout then has status `error`).
 */
export interface CallUsage {
  /** 0-based position among the rollout's calls. */
  ord: number;
  attempts: number;
  ok: boolean;
  cached: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  /** USD; null when the model has no known price (never 0 for "unknown"); 0 for cached calls. */
  costUsd: number | null;
  error: string | null;
}

/** Usage of a run summed per model. Cost is `costUsd` plus an unknown part when `unpricedCalls > 0`. */
export interface ModelUsage {
  model: string;
  rollouts: number;
  calls: number;
  attempts: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over priced calls only. */
  costUsd: number;
  /** Successful, uncached calls whose model had no price: the run's true cost is unknown when > 0. */
  unpricedCalls: number;
}
