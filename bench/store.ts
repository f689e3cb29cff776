/**
 * What a saved rollout costs the store as the store grows (a study holds hundreds of thousands).
 *
 *   npm run bench:store [-- --rollouts 60000 --block 10000]
 *
 * One scripted rollout of the tampering scenario gives real events, findings and per-call usage; the
 * bench then saves that many copies under fresh ids, as a sweep does (commits shared, 200 ms or 16
 * saves), and prints, for each block of saves, the CPU and wall time per save and the size on disk.
 * A save whose cost grows with the store would make a long sweep slower by the day.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256Hex } from '../src/core/index.js';
import { ExperimentSpec, runExperiment } from '../src/experiment/index.js';
import { getScenario } from '../src/scenarios/index.js';
import { openSqliteStore } from '../src/store/index.js';

const { values } = parseArgs({ options: { rollouts: { type: 'string', default: '60000' }, block: { type: 'string', default: '10000' } } });
const TOTAL = Number(values.rollouts);
const BLOCK = Number(values.block);
if (!Number.isInteger(TOTAL) || !Number.isInteger(BLOCK) || TOTAL < 1 || BLOCK < 1) {
  console.error('--rollouts and --block must be positive integers');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'peerwatch-bench-store-'));
try {
  const scenario = getScenario('tampering');
  if (!scenario) throw new Error('tampering scenario missing');
  const source = openSqliteStore(join(dir, 'source.db'));
  const spec = ExperimentSpec.parse({
    models: ['scripted:honest'],
    scenarios: ['tampering'],
    grid: 'default',
    filter: {},
    epochs: 1,
    limit: 1,
    seed: 0,
    temperature: 1,
    maxIterations: 30,
    maxContextTokens: 120_000,
    concurrency: 1,
  });
  const { runId } = await runExperiment({ spec, scenarios: [scenario], store: source, toolVersion: 'bench' });
  const [sample] = source.listRollouts(runId);
  const stored = sample && source.getRollout(sample.id);
  if (!sample || !stored) throw new Error('the sample rollout was not stored');
  const calls = source.callUsage(sample.id);
  source.close();
  console.log(
    `sample: one scripted tampering rollout, ${stored.events.length} events, ${stored.findings.length} findings, ${calls.length} model calls`,
  );

  const path = join(dir, 'bench.db');
  const store = openSqliteStore(path);
  store.createRun({
    id: 'bench-run',
    createdAt: new Date().toISOString(),
    kind: 'measurement',
    status: 'running',
    spec: {},
    toolVersion: 'bench',
    finishedAt: null,
  });
  store.batchCommits(200);
  const size = () => [path, `${path}-wal`].reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (let i = 0; i < TOTAL; i++) {
    // Ids are digests, as real ones are: they arrive in no order.
    const id = sha256Hex(`bench-${i}`).slice(0, 20);
    store.saveRolloutWithUsage({ ...sample, id, runId: 'bench-run', epoch: i }, stored.events, stored.findings, calls);
    if ((i + 1) % BLOCK === 0 || i + 1 === TOTAL) {
      const n = (i % BLOCK) + 1;
      const cpu = process.cpuUsage(cpu0);
      const wall = performance.now() - t0;
      console.log(
        `saves ${String(i + 1 - n + 1).padStart(7)}-${String(i + 1).padEnd(7)} CPU ${(((cpu.user + cpu.system) / n) | 0).toString().padStart(4)} µs per save (system ${((cpu.system / n) | 0).toString().padStart(3)}), wall ${(((wall * 1000) / n) | 0).toString().padStart(4)} µs, store ${(size() / 1e6).toFixed(0)} MB`,
      );
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    }
  }
  store.close();
  console.log(`store after close: ${(size() / 1e6).toFixed(0)} MB for ${TOTAL} rollouts`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
