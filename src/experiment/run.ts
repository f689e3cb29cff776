import pLimit from 'p-limit';
import { runAgentLoop } from '../agent/index.js';
import { canonicalJson, type Event, type Finding, sha256Hex, UserError } from '../core/index.js';
import { behavioursOf, detect } from '../detect/index.js';
import { type ResolvedModel, resolveModel } from '../models/index.js';
import type { RolloutRecord, RunRecord, Store } from '../store/index.js';
import type { PlannedRollout } from './plan.js';
import type { ExperimentSpec } from './spec.js';

export interface Progress {
  total: number;
  done: number;
  errors: number;
  running: number;
  /** Rollouts already stored by an earlier attempt of this run and skipped now. */
  skipped: number;
}

export interface RunOptions {
  store: Store;
  runId: string;
  spec: ExperimentSpec;
  plan: PlannedRollout[];
  toolVersion: string;
  onProgress?: (p: Progress) => void;
  /** Clock for record timestamps only (never affects transcripts). */
  now?: () => Date;
  env?: Record<string, string | undefined>;
  abortSignal?: AbortSignal;
}

/** Resolves every model once, up front, so a missing key fails before any rollout runs. */
export function resolveModels(spec: ExperimentSpec, env?: Record<string, string | undefined>): Map<string, ResolvedModel> {
  const models = new Map<string, ResolvedModel>();
  for (const id of spec.models) {
    const resolved = resolveModel(id, {
      ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
      ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}),
      ...(env ? { env } : {}),
      ...(spec.family ? { family: spec.family } : {}),
    });
    if (!(spec.family ?? resolved.family)) {
      throw new UserError(`cannot tell the model family of '${id}' (Self is '<family> Agent 1'): pass --family, e.g. --family Llama`);
    }
    models.set(id, resolved);
  }
  return models;
}

export function runKind(models: Map<string, ResolvedModel>): RunRecord['kind'] {
  return [...models.values()].every((m) => m.kind === 'scripted') ? 'calibration' : 'measurement';
}

/**
 * Runs the planned rollouts with bounded concurrency, detecting and storing each as it finishes.
 * Rollouts already in the store for this run are skipped (resume). A rollout that fails is stored
 * with status `error` and its cause; it is never dropped and never counted as "behaviour absent".
 */
export async function runPlannedRollouts(opts: RunOptions, models: Map<string, ResolvedModel>): Promise<Progress> {
  const { store, spec, plan } = opts;
  const now = opts.now ?? (() => new Date());
  const already = store.rolloutIds(opts.runId);
  const todo = plan.filter((p) => !already.has(p.id));
  const progress: Progress = { total: plan.length, done: plan.length - todo.length, errors: 0, running: 0, skipped: plan.length - todo.length };
  opts.onProgress?.({ ...progress });
  const limit = pLimit(spec.concurrency);

  await Promise.all(
    todo.map((p) =>
      limit(async () => {
        if (opts.abortSignal?.aborted) return;
        progress.running++;
        opts.onProgress?.({ ...progress });
        const { record, events, findings } = await executeRollout(p, opts, models, now);
        if (opts.abortSignal?.aborted) return;
        store.saveRollout(record, events, findings);
        progress.running--;
        progress.done++;
        if (record.status === 'error') progress.errors++;
        opts.onProgress?.({ ...progress });
      }),
    ),
  );
  return progress;
}

/**
 * One rollout, start to finish. Whatever goes wrong (model unreachable, a bug in a scenario) ends as
 * a stored `error` rollout with its cause, so nothing is silently dropped and the sweep goes on.
 */
async function executeRollout(
  p: PlannedRollout,
  opts: RunOptions,
  models: Map<string, ResolvedModel>,
  now: () => Date,
): Promise<{ record: RolloutRecord; events: Event[]; findings: Finding[] }> {
  const { spec } = opts;
  const startedAt = now().toISOString();
  const base = {
    id: p.id,
    runId: opts.runId,
    model: p.model,
    scenario: p.scenario.id,
    scenarioVersion: p.scenario.version,
    condition: p.condition,
    conditionKey: p.conditionKey,
    epoch: p.epoch,
    seed: p.seed,
  };
  try {
    const model = models.get(p.model);
    if (!model) throw new Error(`model ${p.model} was not resolved`);
    const family = spec.family ?? model.family ?? 'Unknown';
    const instance = p.scenario.build(p.condition, { family, seed: p.seed });
    const result = await runAgentLoop({
      model: model.model,
      task: { systemPrompt: instance.systemPrompt, userPrompt: instance.userPrompt, tools: instance.tools, world: instance.world },
      seed: p.seed,
      temperature: spec.temperature,
      limits: { maxIterations: spec.maxIterations, maxContextTokens: spec.maxContextTokens },
      ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
    });
    let findings: Finding[] = [];
    if (result.error === null) {
      findings = detect({
        scenarioId: instance.scenarioId,
        flags: instance.flags,
        condition: p.condition,
        groundTruth: instance.groundTruth,
        events: result.events,
        initialWorld: result.initialWorld,
        finalWorld: result.finalWorld,
      });
      findings = findings.concat(behaviourFindings(instance.scenarioId, findings));
    }
    const record: RolloutRecord = {
      ...base,
      status: result.error === null ? 'completed' : 'error',
      endReason: result.endReason,
      error: result.error,
      temperature: model.kind === 'scripted' ? null : spec.temperature,
      turns: result.turns,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      startedAt,
      finishedAt: now().toISOString(),
      transcriptDigest: sha256Hex(canonicalJson(result.events)),
    };
    return { record, events: result.events, findings };
  } catch (e) {
    const message = `internal error: ${e instanceof Error ? e.message : String(e)}`.slice(0, 2000);
    const record: RolloutRecord = {
      ...base,
      status: 'error',
      endReason: 'error',
      error: message,
      temperature: null,
      turns: 0,
      inputTokens: null,
      outputTokens: null,
      startedAt,
      finishedAt: now().toISOString(),
      transcriptDigest: sha256Hex(canonicalJson([])),
    };
    return { record, events: [], findings: [] };
  }
}

/** Each behaviour's per-rollout value, stored as a finding `behaviour.<name>` so reports need no detector code. */
function behaviourFindings(scenarioId: string, findings: Finding[]): Finding[] {
  const values = behavioursOf(scenarioId, findings);
  return Object.entries(values).map(([behaviour, value]) => ({
    flag: `behaviour.${behaviour}`,
    value: value as Finding['value'],
    evidence: `derived from this rollout's flags by the ${scenarioId} behaviour mapping`,
    events: [],
  }));
}
