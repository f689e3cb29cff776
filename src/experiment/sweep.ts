import PQueue from 'p-queue';
import type { ResolvedModel } from '../models/index.js';
import { type CallUsage, DuplicateRolloutError } from '../store/index.js';
import { CallMeter, type Endpoint, rolloutModels } from './model-gateway.js';
import type { PlannedRollout } from './plan.js';
import { emptyModelProgress, type ModelProgress, type Progress, snapshot } from './progress.js';
import { executeRollout, type RunOptions } from './run.js';

export interface SweepOptions extends RunOptions {
  /** Per-model endpoints (rate limiter, price, cache); a model without one runs unwrapped. */
  endpoints?: Map<string, Endpoint>;
  /** Rollouts in flight per model (default: spec.concurrency). */
  concurrencyOf?: (model: string) => number;
}

/**
 * Runs the planned rollouts: one queue per model (its own concurrency; models run side by side),
 * fed lazily so memory does not grow with the plan, each rollout detected and stored with its per-call
 * usage, all or nothing, as soon as it ends. Rollouts already stored for the run are
 * skipped (resume). A rollout that fails is stored with status `error` and its cause; an interrupted
 * one (abort) is not stored at all, so it restarts cleanly next time.
 *
 * Saves share commits, made every {@link COMMIT_WINDOW_MS} or every MAX_BATCH rollouts (see
 * Store.batchCommits): a kill loses at most that much finished work, which a resume redoes; an orderly end
 * commits everything.
 */
export async function runPlannedRollouts(opts: SweepOptions, models: Map<string, ResolvedModel>): Promise<Progress> {
  const { store, plan } = opts;
  const now = opts.now ?? (() => new Date());
  const already = store.rolloutIds(opts.runId);
  const progress: Progress = {
    total: plan.length,
    done: 0,
    errors: 0,
    running: 0,
    skipped: 0,
    retrying: 0,
    storedElsewhere: 0,
    perModel: {},
  };
  const byModel = new Map<string, PlannedRollout[]>();
  const mp = (model: string): ModelProgress => {
    let m = progress.perModel[model];
    if (!m) {
      m = emptyModelProgress();
      progress.perModel[model] = m;
    }
    return m;
  };
  for (const p of plan) {
    const m = mp(p.model);
    m.total++;
    // Produced by an earlier run of this database (same identity): share it instead of running it twice.
    const shared = !already.has(p.id) && store.hasRollout(p.id);
    if (shared) {
      store.linkRollout(opts.runId, p.id);
      progress.storedElsewhere++;
    }
    if (already.has(p.id) || shared) {
      progress.skipped++;
      m.skipped++;
      m.done++;
      continue;
    }
    const list = byModel.get(p.model) ?? [];
    list.push(p);
    byModel.set(p.model, list);
  }
  progress.done = progress.skipped;
  if (progress.skipped > 0) loadEarlierTotals(opts, progress, mp);
  const emit = () => opts.onProgress?.(snapshot(progress));
  emit();

  const runOne = async (p: PlannedRollout) => {
    if (opts.abortSignal?.aborted) return;
    const m = mp(p.model);
    progress.running++;
    m.running++;
    emit();
    let retrying = false;
    const meter = new CallMeter(() => {
      if (meter.retrying === retrying) return;
      retrying = meter.retrying;
      const d = retrying ? 1 : -1;
      progress.retrying += d;
      m.retrying += d;
      emit();
    });
    const via = rolloutModels(opts.endpoints, models, meter, p.epoch);
    try {
      const { record, events, findings, interview } = opts.execute
        ? await opts.execute(p, { runId: opts.runId, now, ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}) })
        : { ...(await executeRollout(p, opts, models, now, via)), interview: undefined };
      const calls = meter.finish();
      if (retrying) {
        progress.retrying--;
        m.retrying--;
        retrying = false;
      }
      if (opts.abortSignal?.aborted) return;
      try {
        store.saveRolloutWithUsage(record, events, findings, calls);
      } catch (e) {
        // Stored first by another process on this run (then it is done, exactly once) or by another run.
        if (!(e instanceof DuplicateRolloutError)) throw e;
        if (!store.rolloutIds(opts.runId).has(record.id)) {
          store.linkRollout(opts.runId, record.id);
          progress.storedElsewhere++;
        }
        progress.skipped++;
        m.skipped++;
        progress.done++;
        m.done++;
        return;
      }
      if (interview) store.saveInterview(record.id, interview, record.finishedAt);
      progress.done++;
      m.done++;
      if (record.status === 'error') {
        progress.errors++;
        m.errors++;
      }
      addCalls(m, calls);
    } finally {
      progress.running--;
      m.running--;
      emit();
    }
  };

  store.batchCommits(COMMIT_WINDOW_MS);
  try {
    await runQueues(byModel, runOne, opts);
  } catch (e) {
    try {
      store.batchCommits(0);
    } catch {
      // The sweep's own failure is the one to report; what did not commit is redone on resume.
    }
    throw e;
  }
  // Commits what is pending (a failed commit throws here) before the run can be marked finished.
  store.batchCommits(0);
  return snapshot(progress);
}

/** How long a finished rollout may wait for its commit. */
export const COMMIT_WINDOW_MS = 200;

/** One queue per model, each at its own concurrency, fed lazily from the plan. */
async function runQueues(
  byModel: Map<string, PlannedRollout[]>,
  runOne: (p: PlannedRollout) => Promise<void>,
  opts: SweepOptions,
): Promise<void> {
  await Promise.all(
    [...byModel.entries()].map(async ([model, items]) => {
      const concurrency = opts.concurrencyOf?.(model) ?? opts.spec.concurrency;
      const queue = new PQueue({ concurrency });
      let failure: unknown = null;
      for (const p of items) {
        if (opts.abortSignal?.aborted || failure !== null) break;
        // Keep only a few rollouts queued beyond those running: the plan is consumed as it goes.
        await queue.onSizeLessThan(concurrency);
        queue
          .add(() => runOne(p))
          .catch((e: unknown) => {
            failure ??= e;
          });
      }
      await queue.onIdle();
      if (failure !== null) throw failure;
    }),
  );
}

function addCalls(m: ModelProgress, calls: readonly CallUsage[]): void {
  for (const c of calls) {
    m.attempts += c.attempts;
    if (!c.ok) continue;
    m.calls++;
    if (c.cached) m.cachedCalls++;
    m.inputTokens += c.inputTokens ?? 0;
    m.outputTokens += c.outputTokens ?? 0;
    if (c.costUsd === null) m.unpricedCalls++;
    else m.costUsd += c.costUsd;
  }
}

/** On resume: errors, tokens and cost of the rollouts stored earlier, so totals cover the whole run. */
function loadEarlierTotals(opts: SweepOptions, progress: Progress, mp: (model: string) => ModelProgress): void {
  for (const r of opts.store.listRollouts(opts.runId)) {
    if (r.status !== 'error') continue;
    progress.errors++;
    mp(r.model).errors++;
  }
  for (const u of opts.store.usageByModel(opts.runId)) {
    const m = mp(u.model);
    m.calls += u.calls;
    m.attempts += u.attempts;
    m.cachedCalls += u.cachedCalls;
    m.inputTokens += u.inputTokens;
    m.outputTokens += u.outputTokens;
    m.costUsd += u.costUsd;
    m.unpricedCalls += u.unpricedCalls;
  }
}
