import { Hono } from 'hono';
import { z } from 'zod';
import { CANARY, UserError } from '../../core/index.js';
import {
  channelContrast,
  keyLabels,
  modelColours,
  modelPatterns,
  modelsOfRuns,
  isSocRun,
  runBrief,
  socFlagTotals,
  summariseSoc,
} from '../../report/index.js';
import type { RunQueueProgress } from '../../experiment/index.js';
import type { RunRecord, Store } from '../../store/index.js';
import { SUMMARY_SCHEMA } from '../summary-output.js';
import { shownValue } from '../transcript-view.js';
import { type CellValue, filterRollouts, type RolloutListItem, RunDataCache } from './data.js';

/** An API failure the client is told about: a status and a one-line message, as JSON. */
class ApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

// Ids are hex/uuid strings; anything else is refused before it reaches the store.
const IdParam = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'ids are letters, digits and dashes');
const Text = z.string().min(1).max(500);

const SummaryQuery = z.strictObject({ by: z.enum(['condition', 'scenario']).default('condition') });

export const MAX_PAGE = 1000;
const RolloutsQuery = z
  .strictObject({
    model: Text.optional(),
    scenario: Text.optional(),
    condition: Text.optional(),
    behaviour: Text.optional(),
    value: z.enum(['true', 'false', 'unscored', 'unread', 'error']).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(200),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine((q) => q.value === undefined || q.behaviour !== undefined, { message: 'value needs behaviour', path: ['value'] });

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? `${what} ${issue.path.map(String).join('.')}` : what;
  throw new ApiError(400, `${where}: ${issue.message}`);
}

/**
 * The viewer's read-only JSON API over a store. Every parameter is validated; unknown ids are 404,
 * bad or ambiguous ones 400, each with `{ "error": "..." }`.
 */
/**
 * Where queued runs stand (`peerwatch view --queue`): per run id, the queue's progress (queued, running,
 * retrying, failed, per worker), and Redis's clock for how long ago each worker was seen.
 */
export type QueueProgressSource = (runIds: string[]) => Promise<{ progress: Map<string, RunQueueProgress>; nowMs: number }>;

export function createApi(store: Store, opts: { queueProgress?: QueueProgressSource | undefined } = {}): Hono {
  const cache = new RunDataCache(store);
  const api = new Hono();

  const resolve = <T>(what: 'run' | 'rollout', raw: string, find: (id: string) => T | undefined): T => {
    const prefix = parse(IdParam, raw, `${what} id`);
    let id: string | undefined;
    try {
      id = what === 'run' ? store.resolveRunId(prefix) : store.resolveRolloutId(prefix);
    } catch (e) {
      // An ambiguous prefix is the caller's mistake.
      if (e instanceof UserError) throw new ApiError(400, e.message);
      throw e;
    }
    const found = id === undefined ? undefined : find(id);
    if (found === undefined) throw new ApiError(404, `no ${what} '${prefix}'`);
    return found;
  };
  // One colour (and, past the colour-blind-safe colours, a pattern) per model over the whole store, so
  // the dashboard and the compare view agree.
  const colours = () => modelColours(modelsOfRuns(store.listRuns()));
  const patterns = () => modelPatterns(modelsOfRuns(store.listRuns()));
  const runOf = (raw: string): RunRecord => resolve('run', raw, (id) => store.getRun(id));

  api.get('/runs', async (c) => {
    parse(z.strictObject({}), c.req.query(), 'query');
    const count = (id: string) => store.rolloutCount(id);
    const runs = store.listRuns();
    // `brief` reads any run kind's spec (a SOC run maps roles to models), so no run breaks the list.
    const listed = runs.map((r) => {
      const brief = runBrief(r);
      // A SOC run's own flags, summed over roles (its rows have no behaviours to summarise).
      const socFlags = isSocRun(brief) ? socFlagTotals(summariseSoc(cache.get(r).rows)) : undefined;
      return { ...r, rollouts: count(r.id), brief, ...(socFlags ? { socFlags } : {}) };
    });
    // Only runs still under way: a finished run's queue holds nothing more to show.
    const underWay = listed.filter((r) => r.status === 'running').map((r) => r.id);
    let queue: Awaited<ReturnType<QueueProgressSource>> | null = null;
    let queueError: string | undefined;
    try {
      queue = opts.queueProgress && underWay.length ? await opts.queueProgress(underWay) : null;
    } catch (e) {
      // Redis away: the store's runs still list; the page says why their progress is missing.
      queueError = e instanceof Error ? e.message : String(e);
    }
    return c.json({
      runs: listed.map((r) => {
        const progress = queue?.progress.get(r.id);
        return progress ? { ...r, progress } : r;
      }),
      ...(queue ? { queueNowMs: queue.nowMs } : {}),
      ...(queueError ? { queueError } : {}),
      colors: colours(),
      patterns: patterns(),
    });
  });

  api.get('/runs/:id', (c) => {
    parse(z.strictObject({}), c.req.query(), 'query');
    const run = runOf(c.req.param('id'));
    const brief = runBrief(run);
    // A SOC run's rollouts have no read gate or behaviours: the dashboard shows its own flags instead.
    const soc = isSocRun(brief) ? summariseSoc(cache.get(run).rows) : null;
    const facets = cache.facets(run);
    // Human labels for the raw keys (report/labels.ts): the viewer shows them, and filters and links by the keys.
    return c.json({
      run: { ...run, rollouts: cache.count(run), brief },
      facets,
      labels: keyLabels(facets),
      colors: colours(),
      patterns: patterns(),
      soc,
    });
  });

  api.get('/runs/:id/summary', (c) => {
    const { by } = parse(SummaryQuery, c.req.query(), 'query');
    const run = runOf(c.req.param('id'));
    // The same document as `peerwatch report --format json`.
    return c.json({
      schema: SUMMARY_SCHEMA,
      run_id: run.id,
      kind: run.kind,
      calibration: run.kind === 'calibration',
      grouped_by: by,
      rows: cache.summary(run, by),
    });
  });

  api.get('/runs/:id/channel-ab', (c) => {
    parse(z.strictObject({}), c.req.query(), 'query');
    const run = runOf(c.req.param('id'));
    // The same rows as `peerwatch report --channel-ab --format json` (empty when one arm is missing).
    return c.json({
      schema: 'peerwatch.channel-ab/v1',
      run_id: run.id,
      calibration: run.kind === 'calibration',
      rows: channelContrast(cache.get(run).rows),
    });
  });

  api.get('/runs/:id/rollouts', (c) => {
    const q = parse(RolloutsQuery, c.req.query(), 'query');
    const run = runOf(c.req.param('id'));
    // Counts per value (with a behaviour) let the client label its tabs without more requests.
    const cell = filterRollouts(cache.get(run).rows, { ...q, value: undefined });
    const counts = q.behaviour === undefined ? null : countValues(cell);
    const all = q.value === undefined ? cell : cell.filter((r) => r.value === q.value);
    return c.json({
      run_id: run.id,
      total: all.length,
      offset: q.offset,
      limit: q.limit,
      counts,
      rollouts: all.slice(q.offset, q.offset + q.limit),
    });
  });

  api.get('/rollouts/:id', (c) => {
    parse(z.strictObject({}), c.req.query(), 'query');
    const stored = resolve('rollout', c.req.param('id'), (id) => store.getRollout(id));
    // `shown` is the value as `peerwatch transcript` prints it: the study's own numbers and words as recorded.
    const findings = stored.findings.map((f) => ({ ...f, shown: shownValue(f) }));
    const interviews = store.interviewsOf(stored.rollout.id);
    return c.json({ canary: CANARY, ...stored, findings, interviews });
  });

  api.all('*', (c) => c.json({ error: `no API route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  api.onError((e, c) => {
    if (e instanceof ApiError) return c.json({ error: e.message }, e.status);
    if (e instanceof UserError) return c.json({ error: e.message }, 400);
    process.stderr.write(`peerwatch view: internal error: ${e.message}\n`);
    return c.json({ error: 'internal error (see the server log)' }, 500);
  });
  return api;
}

function countValues(items: RolloutListItem[]): Record<CellValue, number> {
  const counts: Record<CellValue, number> = { true: 0, false: 0, unscored: 0, unread: 0, error: 0 };
  for (const r of items) if (r.value !== null) counts[r.value]++;
  return counts;
}
