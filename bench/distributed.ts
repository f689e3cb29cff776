/**
 * Distributed sweep throughput: `peerwatch worker` processes on a real Redis (BullMQ) and PostgreSQL, against
 * a local fake model server with a fixed latency, with 1, 2 and 4 workers.
 *
 *   npm run bench:distributed [-- --latency 200 --concurrency 8 --rpm 6000 --seconds 20 --queue-jobs 2000]
 *
 * For each worker count it plans one sweep (`peerwatch run --queue`), lets the workers run it into
 * PostgreSQL and prints achieved model calls/s against the bound min(workers x concurrency / latency,
 * rpm / 60), and each worker's CPU per model call (all of the worker process: HTTP, agent loop, detection,
 * the PostgreSQL client thread, BullMQ and the shared limiter). Then it measures the queue's own overhead
 * per job: planning it, moving it through BullMQ with a processor that does only the worker's per-job
 * queue bookkeeping, and Redis's CPU. The last line is `distributed_ratio=<achieved/bound with 4 workers>`.
 *
 * The defaults keep the bound set by the provider, not by this machine's CPUs: at most 100 calls/s in
 * all (the rpm), a small share of what two cores can play at a few ms of CPU per call (each sweep prints
 * the share of a core its workers used). With 1 and 2 workers the bound is latency x concurrency (40 and
 * 80 calls/s); with 4 it is the rpm (160 > 100).
 *
 * It starts what it needs: PostgreSQL and Redis from the machine's binaries (Debian's postgresql and
 * redis-server; it says in one line which is missing), the fake model server, and the workers from the
 * compiled dist/ (the npm script builds it first).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type RunningServer, startPostgres, startRedis } from '../test/helpers/servers.js';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    rpm: { type: 'string', default: '6000' },
    seconds: { type: 'string', default: '20' },
    workers: { type: 'string', default: '1,2,4' },
    'queue-jobs': { type: 'string', default: '2000' },
  },
});
function numberOption(name: 'latency' | 'concurrency' | 'rpm' | 'seconds' | 'queue-jobs', min: number): number {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number of at least ${min} (got ${values[name]})`);
    process.exit(2);
  }
  return n;
}
const LATENCY_MS = numberOption('latency', 1);
const CONCURRENCY = numberOption('concurrency', 1);
const RPM = numberOption('rpm', 1);
const SECONDS = numberOption('seconds', 1);
const QUEUE_JOBS = numberOption('queue-jobs', 10);
const WORKER_COUNTS = String(values.workers)
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
/** The fake server's episode: list, read the config, write the report, end. */
const CALLS_PER_ROLLOUT = 4;
/** Rollouts per epoch of the tampering grid. */
const GRID = 21;
const MODEL = 'openai-compatible:fake-model';
const BIN = resolve('bin/peerwatch.js');

requireFreshBuild();
const load = async <T>(module: string): Promise<T> => (await import(pathToFileURL(resolve('dist', module)).href)) as T;
const { ExperimentSpec } = await load<typeof import('../src/experiment/index.js')>('experiment/index.js');
const { getScenario } = await load<typeof import('../src/scenarios/index.js')>('scenarios/index.js');
const { openStore } = await load<typeof import('../src/store/index.js')>('store/index.js');
const Q = await load<typeof import('../src/experiment/distributed/queue.js')>('experiment/distributed/queue.js');
const P = await load<typeof import('../src/experiment/distributed/progress.js')>('experiment/distributed/progress.js');

/** dist/ must hold a build of the sources as they are: a stale one would measure other code. */
function requireFreshBuild(): void {
  const newest = readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .reduce((m, f) => Math.max(m, statSync(join('src', f)).mtimeMs), 0);
  const built = existsSync('dist/experiment/index.js') ? statSync('dist/experiment/index.js').mtimeMs : 0;
  if (built === 0 || newest > built) {
    console.error('dist/ is missing or older than src/: run `npm run build` first (npm run bench:distributed does)');
    process.exit(2);
  }
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** CPU time (user + system, all threads) a process has used, ms, from /proc. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}
/** Redis's own CPU time so far, ms (INFO cpu: the server's user + system time, all its threads). */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (get('used_cpu_user') + get('used_cpu_sys')) * 1000;
}
const ms = (cpu: NodeJS.CpuUsage) => (cpu.user + cpu.system) / 1000;

let pg: RunningServer | undefined;
let redisServer: RunningServer | undefined;
try {
  pg = await startPostgres();
  redisServer = await startRedis();
} catch (e) {
  pg?.stop();
  console.error(`bench:distributed needs PostgreSQL and Redis on this machine: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'peerwatch-dbench-'));
const model = await startModelServer();
const redis = Q.redisConnection(redisServer.url);
const store = openStore(pg.url);
const queue = Q.rolloutQueue(redis);
const config = join(dir, 'peerwatch.config.yaml');
writeFileSync(config, `models:\n  - spec: ${MODEL}\n    rpm: ${RPM}\n`);

async function startModelServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve('bench/fake-server.ts'), String(LATENCY_MS), String(CALLS_PER_ROLLOUT)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((done, fail) => {
    child.stdout.once('data', (d: Buffer) => done(d.toString().trim()));
    child.once('exit', (c) => fail(new Error(`fake server exited (${c})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** A `peerwatch worker` process, resolved once it takes jobs. */
async function startWorker(name: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'worker', '--queue', redisServer!.url, '--db', pg!.url, '--config', config, '--name', name, '--concurrency', String(CONCURRENCY)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((done, fail) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('taking rollouts')) done();
    });
    child.once('exit', (c) => fail(new Error(`worker ${name} exited (${c}): ${err}`)));
  });
  return child;
}

function specFor(rollouts: number, seed: number) {
  return ExperimentSpec.parse({
    models: [MODEL],
    scenarios: ['tampering'],
    grid: 'default',
    filter: {},
    epochs: Math.max(1, Math.round(rollouts / GRID)),
    seed,
    temperature: 1,
    maxIterations: 30,
    maxContextTokens: 120_000,
    concurrency: CONCURRENCY,
    baseUrl: model.url,
    family: 'Gemini',
  });
}

const found = getScenario('tampering');
if (!found) throw new Error('tampering scenario missing');
const tampering = found;

interface Result {
  workers: number;
  ratio: number;
}

async function sweep(workerCount: number): Promise<Result> {
  const bound = Math.min((workerCount * CONCURRENCY) / (LATENCY_MS / 1000), RPM / 60);
  const workers: ChildProcess[] = [];
  for (let i = 0; i < workerCount; i++) workers.push(await startWorker(`w${i + 1}`));
  try {
    const cpu0 = workers.map((w) => processCpuMs(w.pid!));
    const redis0 = await redisCpuMs(redis);
    const spec = specFor((bound * SECONDS) / CALLS_PER_ROLLOUT, workerCount);
    const t0 = Date.now();
    const planned = await Q.planDistributedRun({
      spec,
      scenarios: [tampering],
      store,
      queue,
      toolVersion: 'bench',
      settings: { models: { [MODEL]: { rpm: RPM } } },
    });
    const { runId, total } = planned;
    while (store.getRun(runId)?.status !== 'completed') await new Promise((r) => setTimeout(r, 100));
    const cpu1 = workers.map((w) => processCpuMs(w.pid!));
    const redis1 = await redisCpuMs(redis);
    const run = store.getRun(runId)!;
    const secs = (Date.parse(run.finishedAt!) - t0) / 1000;
    const calls = store.usageByModel(runId)[0]?.calls ?? 0;
    const rollouts = store.listRollouts(runId);
    const errors = rollouts.filter((r) => r.status === 'error').length;
    if (errors > 0 || calls !== total * CALLS_PER_ROLLOUT)
      throw new Error(`expected ${total * CALLS_PER_ROLLOUT} calls and no errors, saw ${calls} calls, ${errors} errors`);
    // Steady state: between the 10th and the 90th percentile of rollouts stored (no ramp-up, no tail).
    const ends = rollouts.map((r) => Date.parse(r.finishedAt)).sort((a, b) => a - b);
    const lo = ends[Math.floor(ends.length * 0.1)]!;
    const hi = ends[Math.floor(ends.length * 0.9)]!;
    const steady = ((Math.floor(ends.length * 0.9) - Math.floor(ends.length * 0.1)) * CALLS_PER_ROLLOUT) / ((hi - lo) / 1000);
    const rate = calls / secs;
    const progress = (await P.queueProgress(redis, queue, [runId])).get(runId)!;
    const perWorker = workers.map((_, i) => {
      const done = progress.workers.find((w) => w.worker === `w${i + 1}`)?.done ?? 0;
      const cpu = cpu1[i]! - cpu0[i]!;
      return `w${i + 1} ${done} rollouts, ${done > 0 ? (cpu / (done * CALLS_PER_ROLLOUT)).toFixed(3) : '-'} ms`;
    });
    const bindsBy = bound === RPM / 60 ? `rpm ${RPM}` : `${workerCount} x ${CONCURRENCY} in flight / ${LATENCY_MS} ms`;
    console.log(
      `${workerCount} worker(s): ${total} rollouts, ${calls} calls in ${secs.toFixed(1)} s: ${rate.toFixed(1)} calls/s of bound ${bound.toFixed(1)} (${bindsBy}): ratio ${(rate / bound).toFixed(3)}; steady state (10th-90th percentile of rollouts) ${(steady / bound).toFixed(3)}`,
    );
    const totalCpu = cpu1.reduce((s, c, i) => s + c - cpu0[i]!, 0);
    console.log(
      `  worker CPU per model call: ${perWorker.join('; ')}; all workers ${(totalCpu / calls).toFixed(3)} ms per call, ${((totalCpu / (secs * 1000)) * 100).toFixed(0)}% of one core; Redis ${((redis1 - redis0) / total).toFixed(3)} ms per rollout (queue, limiter, progress)`,
    );
    return { workers: workerCount, ratio: rate / bound };
  } finally {
    await Promise.all(
      workers.map((w) => {
        const exited = w.exitCode === null ? new Promise((r) => w.once('exit', r)) : null;
        w.kill('SIGTERM');
        return exited;
      }),
    );
  }
}

/**
 * The queue's own cost per job, without rollouts: planning and adding the jobs (the planner), then one
 * BullMQ worker in this process taking each job with the real worker's options and doing only its per-job
 * queue bookkeeping (the cancel check and progress counters), and Redis's CPU for both.
 */
async function queueOverhead(): Promise<number> {
  const spec = specFor(QUEUE_JOBS, 1000);
  const redis0 = await redisCpuMs(redis);
  const plan0 = process.cpuUsage();
  const planned = await Q.planDistributedRun({ spec, scenarios: [tampering], store, queue, toolVersion: 'bench' });
  const planCpu = ms(process.cpuUsage(plan0));
  const jobs = planned.queued;
  const connection = Q.redisConnection(redisServer!.url, { forWorker: true });
  const counters = Q.redisConnection(redisServer!.url);
  let done = 0;
  let finished: () => void = () => {};
  const all = new Promise<void>((r) => {
    finished = r;
  });
  const work0 = process.cpuUsage();
  const worker = new Worker<import('../src/experiment/distributed/queue.js').RolloutJob>(
    Q.QUEUE_NAME,
    async (job) => {
      if (await Q.isCancelled(counters, job.data.runId)) return 'cancelled';
      // The worker's per-job bookkeeping: running is BullMQ's own active state; done is one counter.
      await P.countProgress(counters, job.data.runId, 'bench', 'done');
      return 'stored';
    },
    { connection, concurrency: CONCURRENCY, lockDuration: 30_000, maxStalledCount: 1000 },
  );
  worker.on('completed', () => {
    if (++done === jobs) finished();
  });
  await all;
  const workCpu = ms(process.cpuUsage(work0));
  await worker.close();
  await Promise.allSettled([connection.quit(), counters.quit()]);
  const redisCpu = (await redisCpuMs(redis)) - redis0;
  const total = (planCpu + workCpu + redisCpu) / jobs;
  console.log(
    `queue overhead per job (${jobs} jobs, no rollouts): planning and adding ${(planCpu / jobs).toFixed(3)} ms, worker side (fetch, lock, cancel check, progress counters, complete) ${(workCpu / jobs).toFixed(3)} ms, Redis ${(redisCpu / jobs).toFixed(3)} ms: ${total.toFixed(3)} ms CPU per rollout in all (goal < 1 ms)`,
  );
  return total;
}

const results: Result[] = [];
try {
  console.log(
    `distributed sweep: fake model server ${LATENCY_MS} ms per call, ${CALLS_PER_ROLLOUT} calls per rollout, ${CONCURRENCY} rollouts in flight per worker, rpm ${RPM} shared by all workers; PostgreSQL store, Redis queue, workers from dist/`,
  );
  console.log(
    `the bound is the provider's (latency x concurrency, rpm), chosen far below what this machine's ${availableParallelism()} cores can play: each line says how much of one core the workers used`,
  );
  for (const n of WORKER_COUNTS) {
    results.push(await sweep(n));
    // Calls/s fall short of the bound when the machine cannot give the workers the CPU they ask for: say so.
    const load = loadavg()[0]!;
    if (load > availableParallelism()) {
      console.log(
        `  note: load average ${load.toFixed(1)} on ${availableParallelism()} cores: other processes keep the workers, PostgreSQL and Redis waiting for a core, so this is not the provider's bound; rerun on a quiet machine`,
      );
    }
  }
  await queueOverhead();
} finally {
  await queue.close();
  await redis.quit().catch(() => {});
  store.close();
  model.stop();
  redisServer.stop();
  pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
const last = results.find((r) => r.workers === 4) ?? results[results.length - 1];
console.log(`distributed_ratio=${last ? last.ratio.toFixed(3) : 'n/a'}`);
