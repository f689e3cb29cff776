/**
 * Sweep throughput against a local OpenAI-compatible server with a fixed latency and rate limit.
 *
 *   npm run bench:throughput [-- --rollouts 2000 --latency 200 --jitter 0 --concurrency 64 --rpm 15000 --calls 4 --long 12 --rss 2000,20000]
 *
 * Prints achieved rollouts/s and model calls/s as a ratio of the theoretical maximum
 * min(concurrency / latency, rpm / 60) calls/s, the harness's own CPU time per model call (the server
 * runs in another process), and the peak RSS of scripted sweeps of two sizes (memory must stay flat:
 * rollouts are streamed to the store, not held). The last line is `throughput_ratio=<achieved/max>`.
 *
 * `--jitter J` adds a random 0 to J ms to each request's latency (the maximum then uses the mean
 * latency). With one fixed latency, answers to requests that started together arrive together and
 * the harness handles them in one wake-up; spread latencies, as real endpoints have, wake it once per
 * answer, which costs CPU on a small machine.
 *
 * CPU per call is printed over the whole sweep and in steady state, after the first quarter of the
 * rollouts: the warm-up pays once per process for JIT compilation and connection set-up, which a
 * multi-day sweep spreads over millions of calls.
 *
 * It measures the compiled harness in dist/, the code the `peerwatch` command runs (the npm script
 * builds it first); `--code src` measures the TypeScript sources through tsx instead, whose transform
 * adds a little work of its own (a `__name` call for every function it creates).
 *
 * CPU per call depends on the episode length, because a rollout also costs a fixed amount (building
 * the scenario and world, detection, the store). A second sweep of `--long` calls per rollout (half
 * as many rollouts; 0 skips it) separates the two: fixed CPU per rollout and marginal CPU per call.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rollouts: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '200' },
    jitter: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '64' },
    rpm: { type: 'string', default: '15000' },
    calls: { type: 'string', default: '4' },
    long: { type: 'string', default: '12' },
    rss: { type: 'string', default: '2000,20000' },
    code: { type: 'string', default: 'dist' },
  },
});
if (values.code !== 'dist' && values.code !== 'src') {
  console.error(`--code must be dist or src (got ${values.code})`);
  process.exit(2);
}
const CODE = values.code;
if (CODE === 'dist') requireFreshBuild();
// Types from the sources either way; the code from where --code says.
const load = async <T>(module: string): Promise<T> => (await import(pathToFileURL(resolve(CODE, module, 'index.js')).href)) as T;
const { ExperimentSpec, runExperiment } = await load<typeof import('../src/experiment/index.js')>('experiment');
const { getScenario } = await load<typeof import('../src/scenarios/index.js')>('scenarios');
const { openSqliteStore } = await load<typeof import('../src/store/index.js')>('store');

/** dist/ must hold a build of the sources as they are: a stale one would measure other code. */
function requireFreshBuild(): void {
  const newest = (dir: string, ext: string) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith(ext))
      .reduce((m, f) => Math.max(m, statSync(join(dir, f)).mtimeMs), 0);
  const built = existsSync('dist/experiment/index.js') ? statSync('dist/experiment/index.js').mtimeMs : 0;
  if (built === 0 || newest('src', '.ts') > built) {
    console.error('dist/ is missing or older than src/: run `npm run build` first (npm run bench:throughput does), or pass --code src');
    process.exit(2);
  }
}
/** A numeric option, refused with a one-line message unless it is a number of at least `min`. */
function numberOption(name: 'rollouts' | 'latency' | 'jitter' | 'concurrency' | 'rpm' | 'calls' | 'long', min: number): number {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number of at least ${min} (got ${values[name]})`);
    process.exit(2);
  }
  return n;
}
const ROLLOUTS = numberOption('rollouts', 1);
const LATENCY_MS = numberOption('latency', 0);
const JITTER_MS = numberOption('jitter', 0);
const CONCURRENCY = numberOption('concurrency', 1);
const RPM = numberOption('rpm', 1);
const CALLS_PER_ROLLOUT = numberOption('calls', 3);
const LONG_CALLS = numberOption('long', 0);
const CONFIGS = 20;
/** The first quarter of a sweep is its warm-up for the steady-state CPU figure. */
const WARMUP_SHARE = 0.25;

async function startServer(callsPerRollout: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve('bench/fake-server.ts'), String(LATENCY_MS), String(callsPerRollout), String(JITTER_MS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((done, fail) => {
    child.stdout.once('data', (d: Buffer) => done(d.toString().trim()));
    child.once('exit', (c) => fail(new Error(`fake server exited (${c})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

interface Sweep {
  ratio: number;
  /** Harness CPU per rollout and per call, ms. */
  cpuPerRollout: number;
  cpuPerCall: number;
  /** The same after the warm-up rollouts (JIT compilation, first connections, caches filling). */
  steadyPerCall: number;
}

/** CPU time (user + system, all threads) and completed calls when the warm-up rollouts are done. */
interface Mark {
  cpu: NodeJS.CpuUsage;
  calls: number;
}

async function throughput(callsPerRollout: number, rolloutCount: number, print: boolean): Promise<Sweep> {
  const server = await startServer(callsPerRollout);
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-bench-'));
  const store = openSqliteStore(join(dir, 'bench.db'));
  const scenario = getScenario('tampering');
  if (!scenario) throw new Error('tampering scenario missing');
  const model = 'openai-compatible:fake-model';
  const spec = ExperimentSpec.parse({
    models: [model],
    scenarios: ['tampering'],
    grid: 'default',
    filter: {},
    epochs: Math.ceil(rolloutCount / CONFIGS),
    limit: CONFIGS,
    seed: 0,
    temperature: 1,
    maxIterations: 30,
    maxContextTokens: 120_000,
    concurrency: CONCURRENCY,
    baseUrl: server.url,
    family: 'Gemini',
  });
  const warmup = Math.round(rolloutCount * WARMUP_SHARE);
  let warm: Mark | null = null;
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await runExperiment({
      spec,
      scenarios: [scenario],
      store,
      toolVersion: 'bench',
      settings: { models: { [model]: { rpm: RPM } }, retry: { maxAttempts: 1 } },
      onProgress: (p) => {
        // Calls of finished rollouts; those still in flight add CPU but no calls, so this errs high.
        if (warm === null && p.done >= warmup) warm = { cpu: process.cpuUsage(cpu0), calls: p.perModel[model]?.calls ?? 0 };
      },
    });
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const usage = store.usageByModel(result.runId)[0];
    const calls = usage?.calls ?? 0;
    const rollouts = result.progress.done;
    if (result.progress.errors > 0) throw new Error(`${result.progress.errors} rollouts ended in error`);
    if (calls !== rollouts * callsPerRollout) throw new Error(`expected ${rollouts * callsPerRollout} calls, saw ${calls}`);
    const maxCalls = Math.min(CONCURRENCY / ((LATENCY_MS + JITTER_MS / 2) / 1000), RPM / 60);
    const maxRollouts = maxCalls / callsPerRollout;
    const callsPerSec = calls / secs;
    const rolloutsPerSec = rollouts / secs;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const cpuMsPerCall = cpuMs / calls;
    const mark = warm as Mark | null;
    if (mark === null) throw new Error('the warm-up never finished');
    const steadyPerCall = (cpuMs - (mark.cpu.user + mark.cpu.system) / 1000) / (calls - mark.calls);
    if (print) {
      console.log(
        `sweep: ${rollouts} rollouts, ${calls} model calls in ${secs.toFixed(1)} s (latency ${LATENCY_MS} ms${JITTER_MS > 0 ? ` + 0-${JITTER_MS} ms` : ''}, concurrency ${CONCURRENCY}, ${RPM} rpm; harness code: ${CODE === 'dist' ? 'compiled dist/, as `peerwatch` runs it' : 'src/ through tsx'})`,
      );
      console.log(
        `rollouts/s: ${rolloutsPerSec.toFixed(2)} of max ${maxRollouts.toFixed(2)} (ratio ${(rolloutsPerSec / maxRollouts).toFixed(3)})`,
      );
      console.log(`model calls/s: ${callsPerSec.toFixed(1)} of max ${maxCalls.toFixed(1)} (ratio ${(callsPerSec / maxCalls).toFixed(3)})`);
      console.log(
        `harness CPU per model call: ${cpuMsPerCall.toFixed(3)} ms at ${callsPerRollout} calls per rollout (user ${(cpu.user / 1000 / calls).toFixed(3)}, system ${(cpu.system / 1000 / calls).toFixed(3)}; all of it: HTTP, provider, world, loop, detection, storage)`,
      );
      console.log(
        `harness CPU per model call in steady state: ${steadyPerCall.toFixed(3)} ms (after the first ${warmup} rollouts, which include JIT compilation and connection set-up)`,
      );
    } else {
      console.log(
        `sweep at ${callsPerRollout} calls per rollout: ${rollouts} rollouts, ${calls} calls, ratio ${(callsPerSec / maxCalls).toFixed(3)}, CPU ${cpuMsPerCall.toFixed(3)} ms per call (${steadyPerCall.toFixed(3)} in steady state)`,
      );
    }
    return { ratio: callsPerSec / maxCalls, cpuPerRollout: cpuMs / rollouts, cpuPerCall: cpuMsPerCall, steadyPerCall };
  } finally {
    store.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Peak RSS of a scripted sweep of `n` rollouts, in a fresh process, and the heap still in use after
 * a full GC at its end: what the sweep holds, as opposed to garbage V8 had not yet collected.
 */
function peakRss(n: number): { mb: number; retainedMb: number; secs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-rss-'));
  const code = `
    import { ExperimentSpec, runExperiment } from './${CODE}/experiment/index.js';
    import { getScenario } from './${CODE}/scenarios/index.js';
    import { openSqliteStore } from './${CODE}/store/index.js';
    const store = openSqliteStore(${JSON.stringify(join(dir, 'rss.db'))});
    const spec = ExperimentSpec.parse({ models: ['scripted:honest'], scenarios: ['tampering'], grid: 'default', filter: {},
      epochs: ${Math.ceil(n / CONFIGS)}, limit: ${CONFIGS}, seed: 0, temperature: 1, maxIterations: 30, maxContextTokens: 120000, concurrency: 8 });
    const r = await runExperiment({ spec, scenarios: [getScenario('tampering')], store, toolVersion: 'bench' });
    store.close();
    globalThis.gc();
    process.stdout.write(JSON.stringify({ done: r.progress.done, maxRssKb: process.resourceUsage().maxRSS, retained: process.memoryUsage().heapUsed }));
  `;
  const t0 = performance.now();
  const out = spawnSync(
    process.execPath,
    ['--expose-gc', ...(CODE === 'src' ? ['--import', 'tsx'] : []), '--input-type=module', '-e', code],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  rmSync(dir, { recursive: true, force: true });
  if (out.status !== 0) throw new Error(`rss run failed: ${out.stderr}`);
  const r = JSON.parse(out.stdout) as { done: number; maxRssKb: number; retained: number };
  return { mb: r.maxRssKb / 1024, retainedMb: r.retained / 2 ** 20, secs: (performance.now() - t0) / 1000 };
}

const main = await throughput(CALLS_PER_ROLLOUT, ROLLOUTS, true);
if (LONG_CALLS > CALLS_PER_ROLLOUT) {
  const long = await throughput(LONG_CALLS, Math.max(CONFIGS, Math.round(ROLLOUTS / 2)), false);
  // CPU per rollout = fixed + calls x marginal, from the two episode lengths.
  const marginal = (long.cpuPerRollout - main.cpuPerRollout) / (LONG_CALLS - CALLS_PER_ROLLOUT);
  const fixed = main.cpuPerRollout - CALLS_PER_ROLLOUT * marginal;
  console.log(`harness CPU split: ${fixed.toFixed(2)} ms fixed per rollout + ${marginal.toFixed(3)} ms per model call`);
}
const sizes = String(values.rss)
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const rss = sizes.map((n) => ({ n, ...peakRss(n) }));
for (const r of rss)
  console.log(
    `peak RSS, ${r.n} scripted rollouts: ${r.mb.toFixed(0)} MB; heap held after a full GC: ${r.retainedMb.toFixed(0)} MB (${r.secs.toFixed(0)} s)`,
  );
const first = rss[0];
const last = rss[rss.length - 1];
if (first && last && rss.length >= 2) {
  console.log(
    `${last.n} vs ${first.n} rollouts: peak RSS x${(last.mb / first.mb).toFixed(2)}, heap held x${(last.retainedMb / first.retainedMb).toFixed(2)} (flat = about 1; peak RSS also holds garbage V8 lets grow on longer runs)`,
  );
}
console.log(`throughput_ratio=${main.ratio.toFixed(3)}`);
