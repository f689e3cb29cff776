/**
 * The viewer's API response times on a large run.
 *
 *   npm run bench:viewer [-- --rollouts 20000]
 *
 * Builds a run of N rollouts quickly: one real calibration sweep (the seven scripted profiles over the
 * default grid, one epoch), then copies of its rollouts (new ids and epochs, same events and findings)
 * saved through the store API, with every 50th copy stored as an `error` rollout. Then it reopens the
 * store (nothing cached), starts the viewer on a free port in this process and times the dashboard's
 * summary (cold = first request, warm = second), the run page and the paginated rollout list.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startViewer } from '../src/cli/view/index.js';
import { ExperimentSpec, runExperiment } from '../src/experiment/index.js';
import { BUILTIN_SCENARIOS } from '../src/scenarios/index.js';
import { openSqliteStore } from '../src/store/index.js';

const { values } = parseArgs({ options: { rollouts: { type: 'string', default: '20000' }, keep: { type: 'boolean', default: false } } });
const TARGET = Number(values.rollouts);
const PROFILES = ['honest', 'inflater', 'tamperer', 'exfiltrator', 'faker', 'objector', 'self-preserver'];
const ERROR_EVERY = 50;

const dir = mkdtempSync(join(tmpdir(), 'peerwatch-viewer-bench-'));
const dbPath = join(dir, 'viewer.db');

async function buildRun(): Promise<string> {
  const store = openSqliteStore(dbPath);
  const t0 = performance.now();
  const spec = ExperimentSpec.parse({
    models: PROFILES.map((p) => `scripted:${p}`),
    scenarios: ['all'],
    grid: 'default',
    filter: {},
    epochs: 1,
    seed: 0,
    temperature: 1,
    maxIterations: 30,
    maxContextTokens: 120_000,
    concurrency: 8,
  });
  const result = await runExperiment({ spec, scenarios: [...BUILTIN_SCENARIOS], store, toolVersion: 'bench' });
  const base = store.listRollouts(result.runId).map((r) => store.getRollout(r.id)!);
  const sweepSecs = (performance.now() - t0) / 1000;
  let made = base.length;
  for (let copy = 1; made < TARGET; copy++) {
    for (const { rollout, events, findings } of base) {
      if (made >= TARGET) break;
      const id = createHash('sha256').update(`${rollout.id}/${copy}`).digest('hex').slice(0, 32);
      const error = made % ERROR_EVERY === 0;
      store.saveRollout(
        {
          ...rollout,
          id,
          epoch: rollout.epoch + copy,
          status: error ? 'error' : rollout.status,
          error: error ? 'bench: injected error' : rollout.error,
        },
        events,
        error ? [] : findings,
      );
      made++;
    }
  }
  store.close();
  console.log(
    `built run ${result.runId}: ${made} rollouts (${base.length} from a scripted sweep in ${sweepSecs.toFixed(1)} s, the rest copies) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return result.runId;
}

async function timed(url: string): Promise<{ ms: number; bytes: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return { ms, bytes: text.length, body: JSON.parse(text) };
}

try {
  const runId = await buildRun();
  const store = openSqliteStore(dbPath);
  const viewer = await startViewer({ store, port: 0, host: '127.0.0.1' });
  try {
    const api = `${viewer.url}api/runs/${runId}`;
    const line = (what: string, r: { ms: number; bytes: number }) =>
      console.log(`${what.padEnd(42)} ${r.ms.toFixed(1).padStart(8)} ms  (${(r.bytes / 1024).toFixed(0)} KiB)`);
    const cold = await timed(`${api}/summary`);
    line('summary, cold (first request)', cold);
    line('summary, warm', await timed(`${api}/summary`));
    line('summary by scenario, cold', await timed(`${api}/summary?by=scenario`));
    line('run page (facets)', await timed(api));
    const rows = (cold.body as { rows: Array<{ model: string; scenario: string; condition: string; behaviour: string }> }).rows;
    const cell = rows.find((r) => r.behaviour !== '(all)') ?? rows[0]!;
    const q = new URLSearchParams({ model: cell.model, scenario: cell.scenario, condition: cell.condition, behaviour: cell.behaviour });
    line('rollouts page 1 (200), whole run, first', await timed(`${api}/rollouts`));
    line('rollouts page 1 (200), whole run, again', await timed(`${api}/rollouts`));
    line('rollouts page 50, whole run', await timed(`${api}/rollouts?offset=10000`));
    line('rollouts of one bar (cell + behaviour)', await timed(`${api}/rollouts?${q}`));
    console.log(`summary_cold_ms=${cold.ms.toFixed(1)}`);
  } finally {
    await viewer.close();
    store.close();
  }
} finally {
  if (values.keep) console.log(`kept ${dbPath}`);
  else rmSync(dir, { recursive: true, force: true });
}
