import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { UserError } from '../../core/index.js';
import type { Scenario } from '../../scenarios/index.js';
import type { RunRecord, Store } from '../../store/index.js';
import { openRun, planExperiment } from '../experiment.js';
import { runKind } from '../run.js';
import { resolveModelsWith, type SweepSettings } from '../settings.js';
import { ExperimentSpec } from '../spec.js';

/**
 * A sweep as BullMQ jobs: one job per planned rollout, its id the run id and the rollout's content id,
 * so planning the same run again adds nothing and a resumed run only re-adds what is missing. The store
 * (PostgreSQL, shared) holds every result; Redis holds only the queue, the shared rate limits, the
 * workers' heartbeats and progress counters (progress.ts).
 */
export const QUEUE_NAME = 'peerwatch-rollouts';

export interface RolloutJob {
  runId: string;
  rolloutId: string;
  /** Rollouts the run plans in all: the worker that stores the last one marks the run completed. */
  total: number;
}

/** Retries of a job whose worker failed to store its result (the store or Redis away), with backoff. */
export const JOB_ATTEMPTS = 5;

export function redisConnection(url: string, opts: { forWorker?: boolean } = {}): Redis {
  if (!/^rediss?:\/\//.test(url)) throw new UserError(`--queue ${url}: expected a redis:// URL`);
  // BullMQ's workers block on Redis, so they must retry forever rather than fail a command after N tries.
  return new Redis(url, { maxRetriesPerRequest: opts.forWorker ? null : 3, lazyConnect: false });
}

export function rolloutQueue(connection: Redis): Queue<RolloutJob> {
  return new Queue<RolloutJob>(QUEUE_NAME, { connection });
}

export function jobId(runId: string, rolloutId: string): string {
  return `${runId}.${rolloutId}`;
}

/**
 * Records the run in the store and adds one job per rollout not yet stored for it. Models are resolved
 * here as in a local run (the run's kind says whether it is a calibration); the workers resolve them
 * again with their own keys and config.
 */
export async function planDistributedRun(opts: {
  spec: ExperimentSpec;
  scenarios: readonly Scenario[];
  store: Store;
  queue: Queue<RolloutJob>;
  toolVersion: string;
  resumeRunId?: string;
  settings?: SweepSettings;
  env?: Record<string, string | undefined>;
}): Promise<{ runId: string; kind: RunRecord['kind']; total: number; queued: number; stored: number }> {
  const spec = ExperimentSpec.parse(opts.spec);
  const models = resolveModelsWith(spec, opts.settings, opts.env);
  const plan = planExperiment(spec, opts.scenarios);
  const kind = runKind(models);
  const runId = openRun(opts.store, { spec, kind, toolVersion: opts.toolVersion, resumeRunId: opts.resumeRunId });
  if (opts.resumeRunId) {
    // A job whose attempts were spent keeps its id in BullMQ's failed set, where adding it again is a
    // no-op: a resumed run takes those out first, so they are queued again below.
    const failed = await opts.queue.getRanges(['failed'], 0, -1);
    for (const id of new Set(failed)) if (id.startsWith(`${runId}.`)) await opts.queue.remove(id);
  }
  const already = opts.store.rolloutIds(runId);
  const todo = plan.filter((p) => !already.has(p.id));
  const total = plan.length;
  for (let i = 0; i < todo.length; i += 1000) {
    await opts.queue.addBulk(
      todo.slice(i, i + 1000).map((p) => ({
        name: 'rollout',
        data: { runId, rolloutId: p.id, total },
        opts: {
          jobId: jobId(runId, p.id),
          attempts: JOB_ATTEMPTS,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  }
  if (todo.length === 0) opts.store.finishRun(runId, 'completed', new Date().toISOString());
  return { runId, kind, total, queued: todo.length, stored: already.size };
}

const cancelKey = (runId: string) => `peerwatch:cancelled:${runId}`;

export async function isCancelled(redis: Redis, runId: string): Promise<boolean> {
  return (await redis.exists(cancelKey(runId))) === 1;
}

/**
 * Cancels a run: workers skip its remaining jobs (and stop taking new ones), waiting jobs are removed,
 * the run is marked interrupted. Stored rollouts stay; `run --resume` plans the rest again.
 */
export async function cancelRun(redis: Redis, queue: Queue<RolloutJob>, store: Store, runId: string): Promise<number> {
  await redis.set(cancelKey(runId), '1', 'EX', 7 * 24 * 3600);
  let removed = 0;
  // Ids only (a job id starts with its run id): a queue of 20,000 jobs is not read job by job.
  const ids = await queue.getRanges(['waiting', 'prioritized', 'delayed'], 0, -1);
  for (const id of new Set(ids)) {
    if (!id.startsWith(`${runId}.`)) continue;
    // A job a worker took meanwhile is locked and stays; the worker skips it (the cancel mark is set).
    if ((await queue.remove(id)) === 1) removed++;
  }
  const run = store.getRun(runId);
  if (run?.status === 'running') store.finishRun(runId, 'interrupted', new Date().toISOString());
  return removed;
}

/** Clears a cancel mark (a resumed run is planned again). */
export async function uncancel(redis: Redis, runId: string): Promise<void> {
  await redis.del(cancelKey(runId));
}
