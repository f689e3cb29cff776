import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RolloutJob } from './queue.js';

/**
 * Where a distributed run stands, each figure read from the component that owns it:
 * - queued, running and failed jobs: BullMQ's own job state (a job id is `<run id>.<rollout id>`), so a
 *   killed worker's job counts as running until BullMQ takes it back when its lock lapses;
 * - done: the store (the caller adds it: a rollout is done once it is stored or linked);
 * - per worker: which worker holds each active job (BullMQ's `processedBy`), rollouts it finished and
 *   attempts that failed on it (counters in Redis, advisory: a worker killed between the store's commit
 *   and the counter leaves its rollout uncounted there, never the run's total), and its heartbeat.
 */

/** Workers' heartbeats: name -> JSON `WorkerBeat`. Entries older than BEAT_FORGET_MS are dropped on read. */
const WORKERS_KEY = 'peerwatch:workers';
/** How often a worker writes its heartbeat; one missed for 3 intervals reads as gone. */
export const BEAT_MS = 2000;
const BEAT_FORGET_MS = 7 * 24 * 3600 * 1000;
const COUNTERS_TTL_S = 30 * 24 * 3600;

const countersKey = (runId: string) => `peerwatch:progress:${runId}`;
const totalKey = (runId: string) => `peerwatch:total:${runId}`;

export type WorkerState = 'running' | 'stopping' | 'stopped';

export interface WorkerBeat {
  name: string;
  host: string;
  pid: number;
  concurrency: number;
  state: WorkerState;
  /** Redis's clock (ms), so workers and readers on different machines agree. */
  lastSeenMs: number;
}

export interface WorkerRunProgress {
  worker: string;
  host: string | null;
  /** Jobs of this run the worker holds now (BullMQ's active jobs it processes). */
  running: number;
  /** Rollouts of this run it stored or linked. */
  done: number;
  /** Attempts that failed on it (each is retried with backoff until the job's attempts are spent). */
  failed: number;
  lastSeen: string | null;
  /** `gone` when no heartbeat came for 3 intervals without a clean stop (killed, or cut off from Redis). */
  state: WorkerState | 'gone' | 'unknown';
}

export interface RunQueueProgress {
  /** Rollouts the run planned in all (recorded when it was planned), or null if unknown. */
  total: number | null;
  /** Jobs waiting for a worker. */
  queued: number;
  /** Jobs delayed: a failed attempt's backoff, or a job a worker put back (store away, hard stop). */
  retrying: number;
  /** Jobs a worker holds now. */
  running: number;
  /** Jobs whose attempts are spent (BullMQ keeps the last 1000 failed jobs). */
  failed: number;
  workers: WorkerRunProgress[];
  /** The rollout ids behind `running` and `retrying`. */
  rolloutsRunning: string[];
  rolloutsRetrying: string[];
}

/** Redis's clock in ms. */
export async function redisNowMs(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

export async function writeBeat(redis: Redis, beat: Omit<WorkerBeat, 'lastSeenMs'>): Promise<void> {
  const lastSeenMs = await redisNowMs(redis);
  await redis.hset(WORKERS_KEY, beat.name, JSON.stringify({ ...beat, lastSeenMs }));
}

export async function recordTotal(redis: Redis, runId: string, total: number): Promise<void> {
  await redis.set(totalKey(runId), String(total), 'EX', COUNTERS_TTL_S);
}

/** A worker's finished rollout or failed attempt of a run; a progress count never fails the job. */
export async function countProgress(redis: Redis, runId: string, worker: string, field: 'done' | 'failed'): Promise<void> {
  await redis
    .multi()
    .hincrby(countersKey(runId), `${worker}:${field}`, 1)
    .expire(countersKey(runId), COUNTERS_TTL_S)
    .exec()
    .catch(() => {});
}

function runOfJob(id: string): string {
  const dot = id.indexOf('.');
  return dot === -1 ? id : id.slice(0, dot);
}

/** Job ids by run: run id -> the rollout ids. */
function byRun(ids: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of new Set(ids)) {
    const run = runOfJob(id);
    const list = out.get(run) ?? [];
    list.push(id.slice(run.length + 1));
    out.set(run, list);
  }
  return out;
}

/** Progress of the given runs, read in one pass over the queue. */
export async function queueProgress(
  redis: Redis,
  queue: Queue<RolloutJob>,
  runIds: readonly string[],
): Promise<Map<string, RunQueueProgress>> {
  const [queuedIds, delayedIds, failedIds, active, beatsRaw, now] = await Promise.all([
    queue.getRanges(['waiting', 'prioritized'], 0, -1),
    queue.getRanges(['delayed'], 0, -1),
    queue.getRanges(['failed'], 0, -1),
    queue.getJobs(['active'], 0, -1),
    redis.hgetall(WORKERS_KEY),
    redisNowMs(redis),
  ]);
  const beats = new Map<string, WorkerBeat>();
  const forget: string[] = [];
  for (const [name, raw] of Object.entries(beatsRaw)) {
    try {
      const b = JSON.parse(raw) as WorkerBeat;
      if (now - b.lastSeenMs > BEAT_FORGET_MS) forget.push(name);
      else beats.set(name, b);
    } catch {
      forget.push(name);
    }
  }
  if (forget.length) await redis.hdel(WORKERS_KEY, ...forget);
  const queued = byRun(queuedIds);
  const delayed = byRun(delayedIds);
  const failed = byRun(failedIds);
  const out = new Map<string, RunQueueProgress>();
  for (const runId of runIds) {
    const pipe = redis.multi().hgetall(countersKey(runId)).get(totalKey(runId));
    const [[, countersRaw], [, totalRaw]] = (await pipe.exec()) as [[unknown, Record<string, string>], [unknown, string | null]];
    const workers = new Map<string, WorkerRunProgress>();
    const entry = (name: string): WorkerRunProgress => {
      let w = workers.get(name);
      if (!w) {
        const b = beats.get(name);
        const state: WorkerRunProgress['state'] = !b
          ? 'unknown'
          : b.state !== 'stopped' && now - b.lastSeenMs > 3 * BEAT_MS
            ? 'gone'
            : b.state;
        w = {
          worker: name,
          host: b?.host ?? null,
          running: 0,
          done: 0,
          failed: 0,
          lastSeen: b ? new Date(b.lastSeenMs).toISOString() : null,
          state,
        };
        workers.set(name, w);
      }
      return w;
    };
    for (const [k, v] of Object.entries(countersRaw ?? {})) {
      const cut = k.lastIndexOf(':');
      const field = k.slice(cut + 1);
      if (field === 'done' || field === 'failed') entry(k.slice(0, cut))[field] = Number(v);
    }
    const running: string[] = [];
    for (const job of active) {
      if (!job.id || runOfJob(job.id) !== runId) continue;
      running.push(job.data.rolloutId);
      entry(job.processedBy ?? 'unknown').running++;
    }
    const total = totalRaw === null || totalRaw === undefined ? null : Number(totalRaw);
    const retrying = delayed.get(runId) ?? [];
    if (running.length === 0 && workers.size === 0 && !queued.has(runId) && !failed.has(runId) && !retrying.length && total === null)
      continue;
    out.set(runId, {
      total,
      queued: queued.get(runId)?.length ?? 0,
      retrying: retrying.length,
      running: running.length,
      failed: failed.get(runId)?.length ?? 0,
      workers: [...workers.values()].sort((a, b) => a.worker.localeCompare(b.worker)),
      rolloutsRunning: running.sort(),
      rolloutsRetrying: retrying.sort(),
    });
  }
  return out;
}

/** `2s ago` from an ISO time and now (ms). */
export function agoText(iso: string | null, nowMs: number): string {
  if (!iso) return 'never seen';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  return s < 120 ? `seen ${s}s ago` : s < 7200 ? `seen ${Math.round(s / 60)}m ago` : `seen ${Math.round(s / 3600)}h ago`;
}
