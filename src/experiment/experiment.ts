import { randomUUID } from 'node:crypto';
import { adoptTraits, type Scenario } from '../scenarios/index.js';
import type { RunRecord, Store } from '../store/index.js';
import type { JudgeStep } from './judge-seam.js';
import { limitConfigurations } from './limit.js';
import { type PlannedRollout, planRollouts } from './plan.js';
import type { Progress } from './progress.js';
import { type RolloutExecutor, runKind } from './run.js';
import { buildEndpoints, concurrencyOf, resolveModelsWith, retryPolicy, type SweepSettings } from './settings.js';
import { ExperimentSpec } from './spec.js';
import { runPlannedRollouts } from './sweep.js';

export interface ExperimentOptions {
  spec: ExperimentSpec;
  scenarios: readonly Scenario[];
  store: Store;
  /** Continue this stored run instead of creating a new one. */
  resumeRunId?: string;
  toolVersion: string;
  env?: Record<string, string | undefined>;
  /** Per-model endpoints, limits, prices, retries, cache (config file). */
  settings?: SweepSettings;
  /** The optional LLM-judge step (see judge-seam.ts). */
  judge?: JudgeStep;
  onStart?: (info: { runId: string; kind: RunRecord['kind']; rollouts: number; resumed: boolean }) => void;
  onProgress?: (p: Progress) => void;
  /** Each warning a provider returns (an ignored seed, an unsupported setting), with its model. */
  onWarning?: (model: string, warning: string) => void;
  abortSignal?: AbortSignal;
  /**
   * Harness mode: plays each rollout instead of peerwatch's agent loop. Models are then not resolved
   * here (the executor owns what it needs) and the run is a measurement of the agent.
   */
  execute?: RolloutExecutor;
}

export interface ExperimentResult {
  runId: string;
  kind: RunRecord['kind'];
  status: 'completed' | 'interrupted';
  progress: Progress;
}

/** The grid a spec describes, after `limit`: what a run would execute (and what --dry-run shows). */
export function planExperiment(spec: ExperimentSpec, scenarios: readonly Scenario[]): PlannedRollout[] {
  return limitConfigurations(planRollouts(spec, scenarios), spec.limit);
}

/** The run's id: the resumed one, or a new run recorded as `running` (a local sweep and a queued one alike). */
export function openRun(
  store: Store,
  o: { spec: ExperimentSpec; kind: RunRecord['kind']; toolVersion: string; resumeRunId?: string | undefined },
): string {
  if (o.resumeRunId) return o.resumeRunId;
  const id = randomUUID();
  store.createRun({
    id,
    createdAt: new Date().toISOString(),
    kind: o.kind,
    status: 'running',
    spec: o.spec,
    toolVersion: o.toolVersion,
    finishedAt: null,
  });
  return id;
}

/**
 * The library entry point: plan the grid, record the run, run every rollout, mark the run done.
 * Models are resolved (keys checked) before anything is stored.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<ExperimentResult> {
  const spec = ExperimentSpec.parse(opts.spec);
  const models = opts.execute ? new Map() : resolveModelsWith(spec, opts.settings, opts.env);
  const plan = planExperiment(spec, opts.scenarios);
  // An unregistered scenario's traits (which flag measures which behaviour) apply to its rollouts.
  for (const s of opts.scenarios) adoptTraits(s);
  const kind = opts.execute ? 'measurement' : runKind(models);
  const runId = openRun(opts.store, { spec, kind, toolVersion: opts.toolVersion, resumeRunId: opts.resumeRunId });
  opts.onStart?.({ runId, kind, rollouts: plan.length, resumed: Boolean(opts.resumeRunId) });
  const progress = await runPlannedRollouts(
    {
      store: opts.store,
      runId,
      spec,
      plan,
      toolVersion: opts.toolVersion,
      retry: retryPolicy(opts.settings),
      endpoints: buildEndpoints(models, opts.settings, opts.store),
      concurrencyOf: (model) => concurrencyOf(model, spec, opts.settings),
      ...(opts.judge ? { judge: opts.judge } : {}),
      ...(opts.execute ? { execute: opts.execute } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
      ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    },
    models,
  );
  const status = opts.abortSignal?.aborted ? 'interrupted' : 'completed';
  opts.store.finishRun(runId, status, new Date().toISOString());
  return { runId, kind, status, progress };
}
