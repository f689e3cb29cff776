/** A model's share of a sweep: rollouts by state, and tokens and cost so far (stored earlier + this process). */
export interface ModelProgress {
  total: number;
  done: number;
  errors: number;
  running: number;
  /** Rollouts whose last model call failed and that wait for another try. */
  retrying: number;
  skipped: number;
  calls: number;
  attempts: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** USD over priced calls. */
  costUsd: number;
  /** Calls of a model with no known price: when > 0 the cost is unknown (never shown as 0). */
  unpricedCalls: number;
}

export interface Progress {
  total: number;
  done: number;
  errors: number;
  running: number;
  /** Rollouts already stored by an earlier attempt of this run and skipped now. */
  skipped: number;
  retrying: number;
  /**
   * Rollouts another run in the same store already produced (ids are content ids: model, scenario,
   * version, condition, epoch, seed): linked to this run and counted in its results, not run again.
   */
  storedElsewhere: number;
  perModel: Record<string, ModelProgress>;
}

export function emptyModelProgress(): ModelProgress {
  return {
    total: 0,
    done: 0,
    errors: 0,
    running: 0,
    retrying: 0,
    skipped: 0,
    calls: 0,
    attempts: 0,
    cachedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
  };
}

/** Totals over models (the top-level counters are kept in step by the sweep). */
export function snapshot(p: Progress): Progress {
  const perModel: Record<string, ModelProgress> = {};
  for (const [k, v] of Object.entries(p.perModel)) perModel[k] = { ...v };
  return { ...p, perModel };
}
