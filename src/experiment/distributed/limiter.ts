import type { Redis } from 'ioredis';
import type { Limiter, RateLimits, RateTicket } from '../rate-limiter.js';

/**
 * One model endpoint's RPM and TPM limits and 429 pause, shared by every worker through Redis. The same
 * rules as the in-process limiter (rate-limiter.ts): RPM is a GCRA, each request taking the next free
 * slot, `interval` after the last one taken by any worker; TPM is a sliding window over tokens, each
 * request entering with an estimate that is replaced by the tokens it really used when it ends. Slots,
 * the token window and the pause live in Redis and change only inside Lua scripts that read Redis's own
 * clock, so workers on different machines never race or disagree on time.
 *
 * Keys, per model: `slot` (next free RPM slot, ms), `paused` (pause end, ms), and for TPM `tpm:at` (a
 * sorted set of request ids by start time), `tpm:tokens` (id -> tokens counted), `tpm:sum` (their total)
 * and `tpm:seq` (id counter).
 */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: slot, paused, tpm:at, tpm:tokens, tpm:sum, tpm:seq. ARGV: interval (0 = no RPM), tpm (0 = none),
 * estimated tokens, window ms. Returns {wait ms, admitted (1) or not (0: wait, then ask again), id}.
 */
const TAKE = `${NOW}
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {math.ceil(paused - now), 0, 0} end
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
if limit > 0 then
  local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - window)
  if #expired > 0 then
    local gone = redis.call('HMGET', KEYS[4], unpack(expired))
    local freed = 0
    for _, v in ipairs(gone) do freed = freed + (tonumber(v) or 0) end
    redis.call('HDEL', KEYS[4], unpack(expired))
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
    redis.call('INCRBY', KEYS[5], -freed)
  end
  local sum = tonumber(redis.call('GET', KEYS[5]) or '0')
  local count = redis.call('ZCARD', KEYS[3])
  -- A lone request larger than the limit still goes.
  if count > 0 and sum + tokens > limit then
    local entries = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
    local freed = 0
    for i = 1, #entries, 2 do
      freed = freed + (tonumber(redis.call('HGET', KEYS[4], entries[i])) or 0)
      if sum - freed + tokens <= limit then
        return {math.max(1, math.ceil(tonumber(entries[i + 1]) + window - now + 1)), 0, 0}
      end
    end
    return {math.max(1, math.ceil(tonumber(entries[#entries]) + window - now + 1)), 0, 0}
  end
end
local start = now
if interval > 0 then
  local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
  start = math.max(now, slot)
  redis.call('SET', KEYS[1], tostring(start + interval), 'PX', 120000)
end
local id = 0
if limit > 0 then
  id = redis.call('INCR', KEYS[6])
  redis.call('ZADD', KEYS[3], start, id)
  redis.call('HSET', KEYS[4], id, tokens)
  redis.call('INCRBY', KEYS[5], tokens)
  local ttl = math.ceil(start - now + window) + 60000
  for k = 3, 6 do redis.call('PEXPIRE', KEYS[k], ttl) end
end
return {math.ceil(start - now), 1, id}`;

/**
 * KEYS: tpm:tokens, tpm:sum. ARGV: id, actual tokens. The request's estimate becomes what it used; a
 * request that has already left the window (a call longer than the window) no longer counts.
 */
const SETTLE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
local delta = tonumber(ARGV[2]) - tonumber(old)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], delta)
return delta`;

const PAUSE = `${NOW}
local until_ = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > paused then redis.call('SET', KEYS[1], tostring(until_), 'PX', tonumber(ARGV[1]) + 1000) end
return 0`;

/**
 * RPM slots are spaced so that RPM of them span the window plus {@link SLACK_MS}, and tokens stay in the TPM
 * window that much longer than the window. A request can reach the server late (a busy event loop, a slow
 * Redis reply, a first connection) while later ones are on time, which packs more of them into one window;
 * the slack absorbs up to 600 ms of such lateness. It is an absolute time because lateness is: a limit
 * window scaled down in a test keeps the same protection. In a minute it costs 1% of the limit. Lateness
 * beyond it is not covered: on a two-core machine at a load average above 20, a worker whose eight rollouts
 * all built their worlds at once sent admitted requests more than 600 ms late, and a 10 s window at the
 * server held 2% more tokens than the limit (test/integration/distributed-limits.test.ts, which now runs four
 * rollouts per worker).
 */
export const SLACK_MS = 600;

export class SharedRateLimiter implements Limiter {
  private readonly interval: number;
  private readonly tokenWindowMs: number;
  private readonly keys: string[];

  constructor(
    private readonly redis: Redis,
    model: string,
    private readonly limits: RateLimits,
    /** The RPM and TPM window; a minute, shorter only in tests and benches that scale time down. */
    windowMs = 60_000,
  ) {
    this.interval = limits.rpm ? (windowMs + SLACK_MS) / limits.rpm : 0;
    this.tokenWindowMs = windowMs + SLACK_MS;
    const base = `peerwatch:limit:${model}`;
    this.keys = [`${base}:slot`, `${base}:paused`, `${base}:tpm:at`, `${base}:tpm:tokens`, `${base}:tpm:sum`, `${base}:tpm:seq`];
  }

  get limited(): boolean {
    return Boolean(this.limits.rpm || this.limits.tpm);
  }

  /** Whether `acquire` needs a token estimate (only a TPM limit counts tokens). */
  get countsTokens(): boolean {
    return Boolean(this.limits.tpm);
  }

  pauseFor(ms: number): void {
    // Fire and forget: the caller is already failing this attempt; the next acquire, anywhere, waits.
    this.redis.eval(PAUSE, 1, this.keys[1]!, String(Math.ceil(ms))).catch(() => {});
  }

  async acquire(estimatedTokens: number, signal?: AbortSignal): Promise<RateTicket> {
    const tokens = this.limits.tpm ? Math.max(0, Math.ceil(estimatedTokens)) : 0;
    for (;;) {
      // Refused even when no wait is due: an aborted rollout sends nothing more.
      signal?.throwIfAborted();
      const [wait, admitted, id] = (await this.redis.eval(
        TAKE,
        6,
        ...this.keys,
        String(this.interval),
        String(this.limits.tpm ?? 0),
        String(tokens),
        String(this.tokenWindowMs),
      )) as [number, number, number];
      if (wait > 0) await sleep(wait, signal);
      if (admitted === 1) return this.ticket(id);
    }
  }

  private ticket(id: number): RateTicket {
    if (!this.limits.tpm) return { settle: () => {} };
    let settled = false;
    return {
      settle: (used: number) => {
        if (settled) return;
        settled = true;
        // Fire and forget, like a pause: a lost settle leaves the estimate counted, which errs on the safe side.
        this.redis.eval(SETTLE, 2, this.keys[3]!, this.keys[4]!, String(id), String(Math.max(0, Math.ceil(used)))).catch(() => {});
      },
    };
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
