import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { UserError } from '../../core/index.js';
import type { Scenario } from '../../scenarios/index.js';
import type { RunRecord, Store } from '../../store/index.js';
import { planExperiment } from '../experiment.js';
import { runKind } from '../run.js';
import { resolveModelsWith, type SweepSettings } from '../settings.js';
import { ExperimentSpec } from '../spec.js';

/**
 * A sweep as BullMQ jobs: one job per planned rollout, its id the run id and the rollout's content id,
 * so planning the same run again adds nothing and a resumed run only re-adds what is missing. The store
 * (PostgreSQL, shared) holds every result; Redis holds only the queue, the shared rate limits and
 * per-worker progress counters.
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
  const runId = opts.resumeRunId ?? randomUUID();
  if (!opts.resumeRunId) {
    opts.store.createRun({
      id: runId,
      createdAt: new Date().toISOString(),
      kind,
      status: 'running',
      spec,
      toolVersion: opts.toolVersion,
      finishedAt: null,
    });
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

const progressKey = (runId: string) => `peerwatch:progress:${runId}`;
const cancelKey = (runId: string) => `peerwatch:cancelled:${runId}`;

/** Counters a worker keeps per run: `<worker>:running|done|failed`. */
export async function countProgress(redis: Redis, runId: string, worker: string, field: 'running' | 'done' | 'failed', by: number) {
  await redis.hincrby(progressKey(runId), `${worker}:${field}`, by);
}

export interface WorkerProgress {
  worker: string;
  running: number;
  done: number;
  failed: number;
}

export interface RunQueueProgress {
  /** Jobs waiting (or delayed for a retry) in the queue. */
  queued: number;
  workers: WorkerProgress[];
}

export async function queueProgress(redis: Redis, queue: Queue<RolloutJob>, runId: string): Promise<RunQueueProgress> {
  const raw = await redis.hgetall(progressKey(runId));
  const byWorker = new Map<string, WorkerProgress>();
  for (const [k, v] of Object.entries(raw)) {
    const cut = k.lastIndexOf(':');
    const worker = k.slice(0, cut);
    const field = k.slice(cut + 1) as 'running' | 'done' | 'failed';
    const w = byWorker.get(worker) ?? { worker, running: 0, done: 0, failed: 0 };
    w[field] = Number(v);
    byWorker.set(worker, w);
  }
  let queued = 0;
  // Job ids start with the run id: count this run's waiting and delayed jobs.
  for (const state of ['waiting', 'delayed', 'prioritized'] as const) {
    const jobs = await queue.getJobs([state]);
    queued += jobs.filter((j) => j.data?.runId === runId).length;
  }
  return { queued, workers: [...byWorker.values()].sort((a, b) => a.worker.localeCompare(b.worker)) };
}

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
  for (const state of ['waiting', 'delayed', 'prioritized'] as const) {
    for (const job of await queue.getJobs([state])) {
      if (job.data?.runId !== runId) continue;
      await job.remove().catch(() => {});
      removed++;
    }
  }
  const run = store.getRun(runId);
  if (run?.status === 'running') store.finishRun(runId, 'interrupted', new Date().toISOString());
  return removed;
}

/** Clears a cancel mark (a resumed run is planned again). */
export async function uncancel(redis: Redis, runId: string): Promise<void> {
  await redis.del(cancelKey(runId));
}
