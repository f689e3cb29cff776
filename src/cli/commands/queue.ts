import type { Command } from 'commander';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { EXIT, UserError } from '../../core/index.js';
import {
  agoText,
  cancelRun,
  emptyModelProgress,
  type ExperimentSpec,
  type ModelProgress,
  type Progress,
  planDistributedRun,
  planExperiment,
  queueProgress,
  type RolloutJob,
  type RunQueueProgress,
  recordTotal,
  redisConnection,
  redisNowMs,
  rolloutQueue,
  type SweepSettings,
  settingsFromConfig,
  startRolloutWorker,
  uncancel,
} from '../../experiment/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { openStore, type RunRecord, type Store } from '../../store/index.js';
import { DB_HELP, defaultDb, intOption } from '../options.js';
import { readRunConfig } from '../run-config.js';
import { resolveScenarios } from '../scenario-args.js';
import { createProgressReporter } from '../progress.js';
import { writeRunOutcome } from '../run-outcome.js';
import { TOOL_VERSION } from '../version.js';

/** `peerwatch run --queue`: plans the run as jobs, prints its id, and returns (or follows it with --wait). */
export async function runOnQueue(o: {
  queueUrl: string;
  store: Store;
  spec: ExperimentSpec;
  scenarios: readonly Scenario[];
  settings: SweepSettings;
  resumeRunId?: string;
  wait: boolean;
  quiet: boolean;
  json?: boolean | undefined;
  by?: 'condition' | 'scenario' | undefined;
  db: string;
}): Promise<number> {
  const redis = redisConnection(o.queueUrl);
  const queue = rolloutQueue(redis);
  try {
    if (o.resumeRunId) await uncancel(redis, o.resumeRunId);
    const planned = await planDistributedRun({
      spec: o.spec,
      scenarios: o.scenarios,
      store: o.store,
      queue,
      toolVersion: TOOL_VERSION,
      settings: o.settings,
      ...(o.resumeRunId ? { resumeRunId: o.resumeRunId } : {}),
    });
    await recordTotal(redis, planned.runId, planned.total);
    // Without --wait the run id is the result (for scripts); with it, the summary is, as after a local run.
    if (!o.wait) process.stdout.write(`${planned.runId}\n`);
    if (!o.quiet) {
      process.stderr.write(
        `run ${planned.runId} (${planned.kind}): ${planned.total} rollouts, ${planned.queued} queued, ${planned.stored} already stored; start workers with: peerwatch worker --queue ${o.queueUrl} --db <store>\n`,
      );
    }
    if (!o.wait) return 0;
    return await followRun({ ...o, redis, queue, runId: planned.runId, kind: planned.kind });
  } finally {
    await queue.close();
    await redis.quit().catch(() => {});
  }
}

const FOLLOW_EVERY_MS = 1000;

/**
 * `run --queue --wait`: the local run's progress (per model: done, running, failed, retrying, tokens,
 * cost) read from the store and the queue, until the workers finish the run; then the local run's summary.
 */
async function followRun(o: {
  store: Store;
  redis: Redis;
  queue: Queue<RolloutJob>;
  runId: string;
  kind: RunRecord['kind'];
  spec: ExperimentSpec;
  scenarios: readonly Scenario[];
  queueUrl: string;
  quiet: boolean;
  json?: boolean | undefined;
  by?: 'condition' | 'scenario' | undefined;
  db: string;
}): Promise<number> {
  const modelOf = new Map(planExperiment(o.spec, o.scenarios).map((p) => [p.id, p.model]));
  const reporter = createProgressReporter(process.stderr, o.quiet);
  let first: Progress | null = null;
  for (;;) {
    // The status first: a run seen completed has every rollout in the counts read after it.
    const run = o.store.getRun(o.runId);
    const q = (await queueProgress(o.redis, o.queue, [o.runId])).get(o.runId);
    const p = runProgress(o.store, o.runId, modelOf, q, first);
    first ??= p;
    reporter.update(p);
    if (run?.status === 'completed') {
      reporter.stop();
      return writeRunOutcome({ store: o.store, run: { id: o.runId, kind: o.kind }, flags: o, first, last: p });
    }
    const resume = `peerwatch run --resume ${o.runId} --queue ${o.queueUrl} --db ${o.db}`;
    if (run?.status !== 'running') {
      reporter.stop();
      process.stderr.write(
        `run ${o.runId} ${run?.status === 'interrupted' ? 'was cancelled' : `is ${run?.status ?? 'gone'}`}: ${p.done}/${p.total} rollouts stored (kept); continue it with: ${resume}\n`,
      );
      return 130;
    }
    // Every job ended but some ran out of attempts: the run cannot finish by itself.
    if (q && q.queued + q.retrying + q.running === 0 && q.failed > 0 && p.done < p.total) {
      reporter.stop();
      process.stderr.write(
        `run ${o.runId}: ${q.failed} rollout job(s) failed on every attempt (the workers' logs say why); ${p.done}/${p.total} stored. Try them again with: ${resume}\n`,
      );
      return EXIT.rolloutErrors;
    }
    await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
  }
}

/** A distributed run's progress in the local sweep's terms, from the store (done, errors, usage) and the queue. */
function runProgress(
  store: Store,
  runId: string,
  modelOf: Map<string, string>,
  q: RunQueueProgress | undefined,
  first: Progress | null,
): Progress {
  const perModel: Record<string, ModelProgress> = {};
  const of = (model: string) => (perModel[model] ??= emptyModelProgress());
  for (const model of modelOf.values()) of(model).total++;
  for (const g of store.runCounts(runId).groups) {
    of(g.model).done += g.rollouts;
    of(g.model).errors += g.errors;
  }
  for (const u of store.usageByModel(runId)) {
    Object.assign(of(u.model), {
      calls: u.calls,
      attempts: u.attempts,
      cachedCalls: u.cachedCalls,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      costUsd: u.costUsd,
      unpricedCalls: u.unpricedCalls,
    });
  }
  for (const id of q?.rolloutsRunning ?? []) of(modelOf.get(id) ?? 'unknown').running++;
  for (const id of q?.rolloutsRetrying ?? []) of(modelOf.get(id) ?? 'unknown').retrying++;
  // Stored before this invocation followed the run: not this invocation's pace.
  for (const [model, m] of Object.entries(perModel)) m.skipped = first?.perModel[model]?.done ?? m.done;
  const sum = (f: (m: ModelProgress) => number) => Object.values(perModel).reduce((n, m) => n + f(m), 0);
  return {
    total: sum((m) => m.total),
    done: sum((m) => m.done),
    errors: sum((m) => m.errors),
    running: sum((m) => m.running),
    skipped: sum((m) => m.skipped),
    retrying: sum((m) => m.retrying),
    storedElsewhere: 0,
    perModel,
  };
}

export function registerQueueCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'Run rollouts from a queue (peerwatch run --queue) into the shared store, until stopped (SIGTERM/SIGINT finish the rollouts in flight).',
    )
    .requiredOption('--queue <url>', 'the Redis that holds the queue, redis://host:port')
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--concurrency <n>', 'rollouts this worker runs at once', intOption(1, 1000), 8)
    .option('--config <file>', 'peerwatch.config.yaml/.ts: models, keys, limits (RPM and TPM are shared by all workers), prices')
    .option('--name <name>', 'this worker in `peerwatch runs` (default: host-pid)')
    .option('--lock-ms <ms>', "a killed worker's job is taken again after this long", intOption(1000, 600_000), 30_000)
    .action(async (flags: { queue: string; db: string; concurrency: number; config?: string; name?: string; lockMs: number }) => {
      const loaded = await readRunConfig(flags.config, process.cwd());
      const settings = settingsFromConfig(loaded?.config, false);
      const store = openStore(flags.db);
      // The first SIGTERM/SIGINT lets the rollouts in flight finish and be stored; a second stops them
      // and puts their jobs back on the queue unstored. Either way nothing is half-written, and the exit is 0.
      // The handlers are in place before the worker takes its first job, so no signal finds it without them.
      let signals = 0;
      let worker: Awaited<ReturnType<typeof startRolloutWorker>> | null = null;
      let stopRequested: () => void = () => {};
      const stopped = new Promise<void>((resolve) => {
        stopRequested = resolve;
      });
      const stop = () => {
        signals++;
        const name = worker?.name ?? 'worker';
        if (signals === 1) {
          process.stderr.write(
            `worker ${name}: stopping after the rollouts in flight (signal again to put them back on the queue instead)\n`,
          );
          stopRequested();
        } else if (signals === 2) {
          process.stderr.write(`worker ${name}: stopping the rollouts in flight; their jobs go back on the queue\n`);
          worker?.abort();
        }
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      worker = await startRolloutWorker({
        queueUrl: flags.queue,
        store,
        resolveScenarios,
        toolVersion: TOOL_VERSION,
        concurrency: flags.concurrency,
        settings,
        lockMs: flags.lockMs,
        ...(flags.name ? { name: flags.name } : {}),
        ...(process.env.PEERWATCH_RPM_WINDOW_MS ? { rpmWindowMs: Number(process.env.PEERWATCH_RPM_WINDOW_MS) } : {}),
        onEvent: (line) => process.stderr.write(`${line}\n`),
      }).catch((e: unknown) => {
        store.close();
        throw e;
      });
      if (signals >= 2) worker.abort();
      process.stderr.write(`worker ${worker.name}: taking rollouts from ${flags.queue} (concurrency ${flags.concurrency})\n`);
      await stopped;
      await worker.close();
      store.close();
      process.stderr.write(`worker ${worker.name}: stopped\n`);
    });

  program
    .command('cancel')
    .description('Cancel a queued run: its waiting jobs are removed, workers skip the rest; stored rollouts stay.')
    .argument('<run>', 'run id or unique prefix')
    .requiredOption('--queue <url>', 'the Redis that holds the queue')
    .option('--db <path>', DB_HELP, defaultDb())
    .action(async (runArg: string, flags: { queue: string; db: string }) => {
      const store = openStore(flags.db);
      const redis = redisConnection(flags.queue);
      const queue = rolloutQueue(redis);
      try {
        const id = store.resolveRunId(runArg);
        if (!id) throw new UserError(`no run '${runArg}' in ${flags.db}`);
        const removed = await cancelRun(redis, queue, store, id);
        process.stdout.write(`run ${id} cancelled: ${removed} queued job(s) removed, ${store.rolloutCount(id)} stored rollout(s) kept\n`);
      } finally {
        await queue.close();
        await redis.quit().catch(() => {});
        store.close();
      }
    });
}

/** Per-run progress from the queue for `peerwatch runs --queue`, with Redis's clock for "seen … ago". */
export async function readQueueProgress(
  queueUrl: string,
  runIds: string[],
): Promise<{ progress: Map<string, RunQueueProgress>; nowMs: number }> {
  const redis = redisConnection(queueUrl);
  const queue = rolloutQueue(redis);
  try {
    const progress = await queueProgress(redis, queue, runIds);
    return { progress, nowMs: await redisNowMs(redis) };
  } catch (e) {
    throw new UserError(`--queue ${queueUrl}: cannot read the queue (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    await queue.close();
    await redis.quit().catch(() => {});
  }
}

/** The lines under a run in `peerwatch runs --queue`: the run's jobs, then one line per worker. */
export function progressLines(p: RunQueueProgress, stored: number, nowMs: number): string[] {
  const head = `progress: ${stored}/${p.total ?? '?'} done, ${p.queued} queued, ${p.running} running, ${p.retrying} retrying, ${p.failed} failed`;
  const workers = p.workers.map((w) => {
    const who = w.host ? `${w.worker} (${w.host})` : w.worker;
    return `worker ${who}: ${w.running} running, ${w.done} done, ${w.failed} failed attempt(s); ${w.state}, ${agoText(w.lastSeen, nowMs)}`;
  });
  return [head, ...workers];
}
