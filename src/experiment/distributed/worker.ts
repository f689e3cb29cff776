import { hostname } from 'node:os';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { UserError } from '../../core/index.js';
import type { ResolvedModel } from '../../models/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { DuplicateRolloutError, type Store, StoreUnavailableError } from '../../store/index.js';
import { planExperiment } from '../experiment.js';
import { CallMeter, type Endpoint, rolloutModels } from '../model-gateway.js';
import type { PlannedRollout } from '../plan.js';
import { executeRollout, type RunOptions } from '../run.js';
import { buildEndpoints, resolveModelsWith, retryPolicy, type SweepSettings } from '../settings.js';
import { ExperimentSpec } from '../spec.js';
import { SharedRateLimiter } from './limiter.js';
import { BEAT_MS, countProgress, type WorkerState, writeBeat } from './progress.js';
import { isCancelled, QUEUE_NAME, type RolloutJob, redisConnection } from './queue.js';

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
  /** How long a worker keeps retrying a store that cannot be reached before it puts the job back (ms). */
  storeWaitMs?: number;
}

export interface RolloutWorker {
  name: string;
  /** Takes no new job, lets the rollouts in flight finish and be stored, then disconnects. */
  close: () => Promise<void>;
  /** Stops the rollouts in flight at their next turn and puts their jobs back on the queue, unstored. */
  abort: () => void;
}

/** A job put back on the queue without spending one of its attempts (BullMQ's DelayedError). */
class Released extends Error {}

/** How long a job the store could not take waits before a worker tries it again. */
const RELEASE_DELAY_MS = 5000;

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
export async function startRolloutWorker(opts: RolloutWorkerOptions): Promise<RolloutWorker> {
  const name = opts.name ?? `${hostname()}-${process.pid}`;
  const connection = redisConnection(opts.queueUrl, { forWorker: true });
  const limiterRedis = redisConnection(opts.queueUrl);
  // Its commands fail on their own while Redis is away (and the worker's 'error' says so once); the
  // client's error events carry nothing more.
  limiterRedis.on('error', () => {});
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

  const abort = new AbortController();
  let state: WorkerState = 'running';
  const beat = () =>
    writeBeat(limiterRedis, { name, host: hostname(), pid: process.pid, concurrency: opts.concurrency, state }).catch(() => {});
  const storeWaitMs = opts.storeWaitMs ?? 60_000;

  /**
   * A store call, tried again while the store cannot be reached (PostgreSQL restarting, the network):
   * each call is one transaction, so a failed try wrote nothing. Past storeWaitMs, or on a hard stop,
   * the job goes back to the queue.
   */
  const withStore = async <T>(what: string, fn: () => T): Promise<T> => {
    const deadline = Date.now() + storeWaitMs;
    let wait = 250;
    let told = false;
    for (;;) {
      try {
        const value = fn();
        if (told) opts.onEvent?.(`store reachable again (${what})`);
        return value;
      } catch (e) {
        if (!(e instanceof StoreUnavailableError)) throw e;
        if (abort.signal.aborted || Date.now() + wait > deadline) throw new Released(e.message);
        if (!told) opts.onEvent?.(`store unreachable (${what}), trying again: ${e.message}`);
        told = true;
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 5000);
      }
    }
  };

  const processJob = async (data: RolloutJob): Promise<'stored' | 'linked' | 'cancelled'> => {
    if (await isCancelled(limiterRedis, data.runId)) return 'cancelled';
    const ctx = await contextOf(data.runId);
    const p = ctx.plan.get(data.rolloutId);
    if (!p) throw new UnrecoverableError(`rollout ${data.rolloutId} is not in run ${data.runId}'s plan`);
    if (await withStore('look-up', () => store.hasRollout(p.id))) {
      await withStore('link', () => store.linkRollout(data.runId, p.id));
      return 'linked';
    }
    const meter = new CallMeter();
    const via = rolloutModels(ctx.endpoints, ctx.models, meter, p.epoch);
    const runOpts: RunOptions = {
      store,
      runId: data.runId,
      spec: ctx.spec,
      plan: [p],
      toolVersion: opts.toolVersion,
      retry: retryPolicy(opts.settings),
      abortSignal: abort.signal,
      ...(opts.env ? { env: opts.env } : {}),
    };
    const { record, events, findings } = await executeRollout(p, runOpts, ctx.models, () => new Date(), via);
    // Stopped mid-rollout: what it did so far is not a rollout; the job goes back whole.
    if (abort.signal.aborted) throw new Released('the worker was stopped');
    const calls = meter.finish();
    try {
      // The rollout, its events, findings and calls in one transaction: all stored, or none.
      await withStore('save', () => store.saveRolloutWithUsage(record, events, findings, calls));
    } catch (e) {
      if (!(e instanceof DuplicateRolloutError)) throw e;
      await withStore('link', () => store.linkRollout(data.runId, p.id));
      return 'linked';
    }
    return 'stored';
  };

  const worker = new Worker<RolloutJob>(
    QUEUE_NAME,
    async (job: Job<RolloutJob>, token?: string) => {
      let outcome: Awaited<ReturnType<typeof processJob>>;
      try {
        outcome = await processJob(job.data);
        if (outcome === 'cancelled') opts.onEvent?.(`job ${job.id} skipped: run ${job.data.runId} was cancelled`);
        else {
          await countProgress(limiterRedis, job.data.runId, name, 'done');
          // The worker that stores the last rollout closes the run.
          await withStore('run status', () => {
            if (store.rolloutCount(job.data.runId) >= job.data.total && store.getRun(job.data.runId)?.status === 'running') {
              store.finishRun(job.data.runId, 'completed', new Date().toISOString());
              opts.onEvent?.(`run ${job.data.runId} completed`);
            }
          });
        }
      } catch (e) {
        if (!(e instanceof Released)) throw e;
        // Back on the queue without spending an attempt: nothing of it was stored.
        await job.moveToDelayed(Date.now() + (abort.signal.aborted ? 0 : RELEASE_DELAY_MS), token);
        opts.onEvent?.(`job ${job.id} put back on the queue: ${e.message}`);
        throw new DelayedError();
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
      // Started below, after the first heartbeat: a job taken before it showed this worker as `unknown`.
      autorun: false,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    void countProgress(limiterRedis, job.data.runId, name, 'failed');
    opts.onEvent?.(`job ${job.id} failed (attempt ${job.attemptsMade}): ${err.message}`);
  });
  // Redis away: BullMQ reconnects by itself; say so once, not on every try.
  let queueDown = false;
  worker.on('error', (err) => {
    if (queueDown) return;
    queueDown = true;
    opts.onEvent?.(`queue error (reconnecting): ${err.message}`);
  });
  connection.on('ready', () => {
    if (!queueDown) return;
    queueDown = false;
    opts.onEvent?.('queue reachable again');
  });
  await worker.waitUntilReady().catch((e: unknown) => {
    throw new UserError(`--queue ${opts.queueUrl}: cannot reach Redis (${e instanceof Error ? e.message : String(e)})`);
  });
  await beat();
  const beating = setInterval(() => void beat(), BEAT_MS);
  beating.unref();
  worker.run().catch((e: unknown) => opts.onEvent?.(`worker stopped: ${e instanceof Error ? e.message : String(e)}`));
  return {
    name,
    close: async () => {
      state = 'stopping';
      await beat();
      // Finishes the jobs in flight (each ends stored, or released unstored after abort()), takes no new ones.
      await worker.close();
      clearInterval(beating);
      state = 'stopped';
      await beat();
      await Promise.allSettled([connection.quit(), limiterRedis.quit()]);
    },
    abort: () => abort.abort(),
  };
}
