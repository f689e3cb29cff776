import { randomUUID } from 'node:crypto';
import type { Scenario } from '../scenarios/index.js';
import type { RunRecord, Store } from '../store/index.js';
import { planRollouts } from './plan.js';
import { type Progress, resolveModels, runKind, runPlannedRollouts } from './run.js';
import { ExperimentSpec } from './spec.js';

export interface ExperimentOptions {
  spec: ExperimentSpec;
  scenarios: readonly Scenario[];
  store: Store;
  /** Continue this stored run instead of creating a new one. */
  resumeRunId?: string;
  toolVersion: string;
  env?: Record<string, string | undefined>;
  onStart?: (info: { runId: string; kind: RunRecord['kind']; rollouts: number }) => void;
  onProgress?: (p: Progress) => void;
  abortSignal?: AbortSignal;
}

export interface ExperimentResult {
  runId: string;
  kind: RunRecord['kind'];
  status: 'completed' | 'interrupted';
  progress: Progress;
}

/**
 * The library entry point: plan the grid, record the run, run every rollout, mark the run done.
 * Models are resolved (keys checked) before anything is stored.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<ExperimentResult> {
  const spec = ExperimentSpec.parse(opts.spec);
  const models = resolveModels(spec, opts.env);
  const plan = planRollouts(spec, opts.scenarios);
  const kind = runKind(models);
  const runId = opts.resumeRunId ?? randomUUID();
  if (!opts.resumeRunId) {
    opts.store.createRun({ id: runId, createdAt: new Date().toISOString(), kind, status: 'running', spec, toolVersion: opts.toolVersion, finishedAt: null });
  }
  opts.onStart?.({ runId, kind, rollouts: plan.length });
  const progress = await runPlannedRollouts(
    {
      store: opts.store,
      runId,
      spec,
      plan,
      toolVersion: opts.toolVersion,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    },
    models,
  );
  const status = opts.abortSignal?.aborted ? 'interrupted' : 'completed';
  opts.store.finishRun(runId, status, new Date().toISOString());
  return { runId, kind, status, progress };
}
