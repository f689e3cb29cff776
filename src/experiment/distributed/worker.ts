import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { UserError } from '../../core/index.js';
import type { ResolvedModel } from '../../models/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { DuplicateRolloutError, type Store } from '../../store/index.js';
import { planExperiment } from '../experiment.js';
import { CallMeter, type Endpoint, rolloutModels } from '../model-gateway.js';
import type { PlannedRollout } from '../plan.js';
import { executeRollout, type RunOptions } from '../run.js';
import { buildEndpoints, resolveModelsWith, retryPolicy, type SweepSettings } from '../settings.js';
import { ExperimentSpec } from '../spec.js';
import { SharedRateLimiter } from './limiter.js';
import { countProgress, isCancelled, QUEUE_NAME, type RolloutJob, redisConnection } from './queue.js';

export interface RolloutWorkerOptions {
  queueUrl: string;
  /** The shared store (PostgreSQL): every result goes there; workers keep nothing else. */
  store: Store;
  resolveScenarios: (ids: string[]) => Promise<Scenario[]>;
  toolVersion: string;
  /** Rollouts this worker runs at once. */
  concurrency: number;
  /** Per-model limits, prices, keys (the worker's own config file). RPM and TPM are shared by all workers. */
  settings?: SweepSettings;
  env?: Record<string, string | undefined>;
  name?: string;
  /** How long a job's lock lives without renewal: a killed worker's job is taken again after about this long. */
  lockMs?: number;
  /** The RPM and TPM window (60 s; shorter only in tests and benches that scale time down). */
  rpmWindowMs?: number;
  onEvent?: (line: string) => void;
}

interface RunContext {
  spec: ExperimentSpec;
  models: Map<string, ResolvedModel>;
  plan: Map<string, PlannedRollout>;
  endpoints: Map<string, Endpoint>;
}

/**
 * A worker: takes rollout jobs, runs each like the local sweep does (same agent loop, detectors,
 * gateway accounting) and stores it in one transaction before the job counts as done, so a killed
 * worker leaves either a stored rollout or a job BullMQ hands to another worker once its lock lapses.
 * A rollout some worker already stored is linked, never run or stored twice.
 */
export async function startRolloutWorker(opts: RolloutWorkerOptions): Promise<{ name: string; close: () => Promise<void> }> {
  const name = opts.name ?? `${hostname()}-${process.pid}`;
  const connection = redisConnection(opts.queueUrl, { forWorker: true });
  const limiterRedis = redisConnection(opts.queueUrl);
  const contexts = new Map<string, Promise<RunContext>>();
  const { store } = opts;

  const contextOf = (runId: string): Promise<RunContext> => {
    let ctx = contexts.get(runId);
    if (!ctx) {
      ctx = loadContext(runId);
      contexts.set(runId, ctx);
      ctx.catch(() => contexts.delete(runId));
    }
    return ctx;
  };

  const loadContext = async (runId: string): Promise<RunContext> => {
    const run = store.getRun(runId);
    if (!run) throw new UnrecoverableError(`run ${runId} is not in ${store.path}: is this worker on the planner's store?`);
    const parsed = ExperimentSpec.safeParse(run.spec);
    if (!parsed.success) throw new UnrecoverableError(`run ${runId} has no spec this peerwatch can run`);
    const spec = parsed.data;
    const models = resolveModelsWith(spec, opts.settings, opts.env);
    const scenarios = await opts.resolveScenarios(spec.scenarios);
    const plan = new Map(planExperiment(spec, scenarios).map((p) => [p.id, p]));
    const endpoints = buildEndpoints(models, opts.settings, store);
    for (const [id, e] of endpoints) {
      const own = opts.settings?.models?.[id];
      if (!e.scripted && (own?.rpm || own?.tpm))
        e.limiter = new SharedRateLimiter(limiterRedis, id, { rpm: own.rpm, tpm: own.tpm }, opts.rpmWindowMs);
    }
    return { spec, models, plan, endpoints };
  };

  const processJob = async (data: RolloutJob): Promise<'stored' | 'linked' | 'cancelled'> => {
    if (await isCancelled(limiterRedis, data.runId)) return 'cancelled';
    const ctx = await contextOf(data.runId);
    const p = ctx.plan.get(data.rolloutId);
    if (!p) throw new UnrecoverableError(`rollout ${data.rolloutId} is not in run ${data.runId}'s plan`);
    if (store.hasRollout(p.id)) {
      store.linkRollout(data.runId, p.id);
      return 'linked';
    }
    await countProgress(limiterRedis, data.runId, name, 'running', 1);
    try {
      const meter = new CallMeter();
      const via = rolloutModels(ctx.endpoints, ctx.models, meter, p.epoch);
      const runOpts: RunOptions = {
        store,
        runId: data.runId,
        spec: ctx.spec,
        plan: [p],
        toolVersion: opts.toolVersion,
        retry: retryPolicy(opts.settings),
        ...(opts.env ? { env: opts.env } : {}),
      };
      const { record, events, findings } = await executeRollout(p, runOpts, ctx.models, () => new Date(), via);
      try {
        store.saveRolloutWithUsage(record, events, findings, meter.finish());
      } catch (e) {
        if (!(e instanceof DuplicateRolloutError)) throw e;
        store.linkRollout(data.runId, p.id);
        return 'linked';
      }
      return 'stored';
    } finally {
      await countProgress(limiterRedis, data.runId, name, 'running', -1);
    }
  };

  const worker = new Worker<RolloutJob>(
    QUEUE_NAME,
    async (job) => {
      const outcome = await processJob(job.data);
      if (outcome !== 'cancelled') {
        await countProgress(limiterRedis, job.data.runId, name, 'done', 1);
        // The worker that stores the last rollout closes the run.
        if (store.rolloutCount(job.data.runId) >= job.data.total && store.getRun(job.data.runId)?.status === 'running') {
          store.finishRun(job.data.runId, 'completed', new Date().toISOString());
          opts.onEvent?.(`run ${job.data.runId} completed`);
        }
      }
      return outcome;
    },
    {
      connection,
      concurrency: opts.concurrency,
      name,
      lockDuration: opts.lockMs ?? 30_000,
      stalledInterval: Math.max(1000, Math.floor((opts.lockMs ?? 30_000) / 2)),
      // A job whose worker died is taken again, however often that happens; its own failures retry JOB_ATTEMPTS times.
      maxStalledCount: 1000,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    void countProgress(limiterRedis, job.data.runId, name, 'failed', 1).catch(() => {});
    opts.onEvent?.(`job ${job.id} failed (attempt ${job.attemptsMade}): ${err.message}`);
  });
  worker.on('error', (err) => opts.onEvent?.(`queue error: ${err.message}`));
  await worker.waitUntilReady().catch((e: unknown) => {
    throw new UserError(`--queue ${opts.queueUrl}: cannot reach Redis (${e instanceof Error ? e.message : String(e)})`);
  });
  return {
    name,
    close: async () => {
      // Finishes the jobs in flight (each ends stored or not at all), takes no new ones.
      await worker.close();
      await Promise.allSettled([connection.quit(), limiterRedis.quit()]);
    },
  };
}
