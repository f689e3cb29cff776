import type { Redis } from 'ioredis';
import type { Limiter, RateLimits, RateTicket } from '../rate-limiter.js';

/**
 * One model endpoint's RPM limit and 429 pause, shared by every worker through Redis. The same GCRA as
 * the in-process limiter: each request takes the next free slot, `interval` after the last one taken
 * by any worker, and waits until it. The slot and the pause are kept in Redis and advanced by one Lua
 * script on Redis's own clock, so workers on different machines never race or disagree on time.
 * TPM is not shared yet: a TPM limit is held per worker process (see docs/team-setup.md).
 */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, paused, slot)
redis.call('SET', KEYS[1], tostring(start + tonumber(ARGV[1])), 'PX', 120000)
return start - now`;

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > paused then redis.call('SET', KEYS[1], tostring(until_), 'PX', tonumber(ARGV[1]) + 1000) end
return 0`;

/**
 * Slots are spaced 1% wider than window / RPM. A start can be late (a busy event loop, a slow Redis reply)
 * while later ones are on time, which packs more starts into one window; the slack absorbs up to 1% of the
 * window of such lateness (600 ms a minute). With 25 ms instead, three workers in one busy process put
 * 604 starts into a window of 600 (test/experiment/shared-limiter.test.ts).
 */
const SLACK = 0.01;

export class SharedRateLimiter implements Limiter {
  private readonly interval: number;
  private readonly slotKey: string;
  private readonly pauseKey: string;

  constructor(
    private readonly redis: Redis,
    model: string,
    private readonly limits: RateLimits,
    /** The RPM window; a minute, shorter only in tests (scaled-down time). */
    windowMs = 60_000,
  ) {
    this.interval = limits.rpm ? (windowMs * (1 + SLACK)) / limits.rpm : 0;
    this.slotKey = `peerwatch:limit:${model}:slot`;
    this.pauseKey = `peerwatch:limit:${model}:paused`;
  }

  get limited(): boolean {
    return Boolean(this.limits.rpm);
  }

  get countsTokens(): boolean {
    return false;
  }

  pauseFor(ms: number): void {
    // Fire and forget: the caller is already failing this attempt; the next acquire, anywhere, waits.
    this.redis.eval(PAUSE, 1, this.pauseKey, String(Math.ceil(ms))).catch(() => {});
  }

  async acquire(_estimatedTokens: number, signal?: AbortSignal): Promise<RateTicket> {
    signal?.throwIfAborted();
    const wait = Number(await this.redis.eval(TAKE_SLOT, 2, this.slotKey, this.pauseKey, String(this.interval)));
    if (wait > 0) await sleep(wait, signal);
    return { settle: () => {} };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
