import type { Command } from 'commander';
import { UserError } from '../../core/index.js';
import {
  cancelRun,
  type ExperimentSpec,
  planDistributedRun,
  queueProgress,
  redisConnection,
  rolloutQueue,
  type SweepSettings,
  settingsFromConfig,
  startRolloutWorker,
  uncancel,
} from '../../experiment/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { openStore, type Store } from '../../store/index.js';
import { DB_HELP, defaultDb, intOption } from '../options.js';
import { readRunConfig } from '../run-config.js';
import { resolveScenarios } from '../scenario-args.js';
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
    process.stdout.write(`${planned.runId}\n`);
    if (!o.quiet) {
      process.stderr.write(
        `run ${planned.runId} (${planned.kind}): ${planned.total} rollouts, ${planned.queued} queued, ${planned.stored} already stored; start workers with: peerwatch worker --queue ${o.queueUrl} --db <store>\n`,
      );
    }
    if (!o.wait) return 0;
    for (;;) {
      const run = o.store.getRun(planned.runId);
      const stored = o.store.rolloutCount(planned.runId);
      if (!o.quiet) process.stderr.write(`  ${stored}/${planned.total} stored\n`);
      if (run?.status !== 'running') {
        process.stderr.write(
          `run ${planned.runId} ${run?.status ?? 'gone'}: ${stored}/${planned.total} rollouts; see: peerwatch report ${planned.runId.slice(0, 8)} --db ${o.db}\n`,
        );
        return run?.status === 'completed' ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await queue.close();
    await redis.quit().catch(() => {});
  }
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
      const worker = await startRolloutWorker({
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
      process.stderr.write(`worker ${worker.name}: taking rollouts from ${flags.queue} (concurrency ${flags.concurrency})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write(`worker ${worker.name}: stopping after the rollouts in flight\n`);
          resolve();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await worker.close();
      store.close();
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

/** Per-worker progress lines for `peerwatch runs --queue`. */
export async function queueProgressLines(queueUrl: string, runIds: string[]): Promise<Map<string, string>> {
  const redis = redisConnection(queueUrl);
  const queue = rolloutQueue(redis);
  try {
    const out = new Map<string, string>();
    for (const id of runIds) {
      const p = await queueProgress(redis, queue, id);
      if (p.queued === 0 && p.workers.length === 0) continue;
      const workers = p.workers.map((w) => `${w.worker}: ${w.running} running, ${w.done} done, ${w.failed} failed`).join('; ');
      out.set(id, `queued ${p.queued}${workers ? `; ${workers}` : ''}`);
    }
    return out;
  } finally {
    await queue.close();
    await redis.quit().catch(() => {});
  }
}
