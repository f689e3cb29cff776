/**
 * Requests-per-minute and tokens-per-minute limits for one model endpoint, shared by all its rollouts.
 * RPM is enforced as an even spacing of request slots (GCRA: each request gets the next free slot,
 * computed from absolute times so timer lateness never accumulates into lost throughput), released on a
 * coarse grid ({@link RELEASE_STEP_MS}). Unless the process falls behind its timers, any 60 seconds hold
 * at most RPM + 1 request starts, as with exact spacing. TPM is a sliding 60-second window over tokens.
 * A 429 with Retry-After pauses the whole endpoint, so the other rollouts stop hammering it too.
 */
export interface RateLimits {
  rpm?: number | undefined;
  tpm?: number | undefined;
}

export interface RateTicket {
  /** Replace the estimate with the tokens the call really used (TPM accounting). */
  settle(tokens: number): void;
}

const WINDOW_MS = 60_000;

/**
 * Requests that wait for their slot are released on a grid of this many milliseconds: each at the grid
 * time nearest its slot, all those due then by one timer. Releasing each at its exact slot (one every
 * 4 ms at 15,000 RPM) woke the process once per request, and on a small machine a wake-up cost about as
 * much CPU as the request itself (bench/throughput.ts: 0.9-1.15 ms of harness CPU per model call
 * against 0.6-0.75 with the grid, at the same throughput within 0.3%). A start moves by at most half a
 * step.
 */
export const RELEASE_STEP_MS = 50;

/** What the gateway needs of a limiter: this process's {@link RateLimiter}, or one shared by many workers (distributed/limiter.ts). */
export interface Limiter {
  readonly limited: boolean;
  readonly countsTokens: boolean;
  pauseFor(ms: number): void;
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<RateTicket>;
}

export class RateLimiter implements Limiter {
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly window: Array<{ at: number; tokens: number }> = [];
  private windowTokens = 0;
  private readonly interval: number;
  /** Waiters released together at each grid time, in the order they took their slots. */
  private readonly releases = new Map<number, Set<() => void>>();

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: () => number = () => performance.now(),
    /** The TPM window; a minute, shorter only in tests. */
    private readonly windowMs: number = WINDOW_MS,
    private readonly releaseStepMs: number = RELEASE_STEP_MS,
  ) {
    if (!(releaseStepMs > 0)) throw new RangeError(`release step must be a positive number of ms (got ${releaseStepMs})`);
    // Starts move by up to half a step either way, so any 60 s of starts have their slots within
    // 60 s + one step: slots that much wider than 60 s / RPM keep those 60 s to RPM + 1 starts.
    this.interval = limits.rpm ? (WINDOW_MS + releaseStepMs) / limits.rpm : 0;
  }

  get limited(): boolean {
    return Boolean(this.limits.rpm || this.limits.tpm);
  }

  /** Whether `acquire` needs a token estimate (only a TPM limit counts tokens). */
  get countsTokens(): boolean {
    return Boolean(this.limits.tpm);
  }

  /** Stop every request to this endpoint for `ms` (the server's Retry-After). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
  }

  /** Waits until a request of about `estimatedTokens` may start. */
  async acquire(estimatedTokens: number, signal?: AbortSignal): Promise<RateTicket> {
    // Refused even when no wait is due: an aborted rollout sends nothing more.
    signal?.throwIfAborted();
    for (;;) {
      const now = this.clock();
      const start = Math.max(now, this.pausedUntil);
      if (start > now) {
        await sleep(start - now, signal);
        continue;
      }
      if (this.limits.tpm) {
        const wait = this.tpmWait(now, estimatedTokens);
        if (wait > 0) {
          await sleep(wait, signal);
          continue;
        }
      }
      break;
    }
    const now = this.clock();
    let slot = now;
    if (this.interval > 0) {
      slot = Math.max(this.nextSlot, now);
      this.nextSlot = slot + this.interval;
    }
    const entry = { at: slot, tokens: estimatedTokens };
    if (this.limits.tpm) {
      this.window.push(entry);
      this.windowTokens += estimatedTokens;
    }
    // No request starts before one that took an earlier slot: when the clock has passed this one's grid
    // time (or it needs no wait) while earlier waiters still wait for their timer (a busy event loop),
    // it joins the last of them instead of starting at once.
    const pending = this.lastPendingRelease();
    if (slot > now) {
      const release = Math.round(slot / this.releaseStepMs) * this.releaseStepMs;
      if (pending !== undefined && release <= Math.max(now, pending)) await this.releaseAt(pending, signal);
      else if (release > now) await this.releaseAt(release, signal);
    } else if (pending !== undefined) await this.releaseAt(pending, signal);
    return {
      settle: (tokens: number) => {
        if (!this.limits.tpm) return;
        this.windowTokens += tokens - entry.tokens;
        entry.tokens = tokens;
      },
    };
  }

  /** Resolves at clock time `at`, on one timer shared by every waiter due then; an abort leaves at once. */
  private releaseAt(at: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const waiting = this.waitersAt(at);
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        waiting.delete(go);
        reject(signal?.reason);
      };
      waiting.add(go);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The latest grid time that still has waiters (times are added in increasing order), if any. */
  private lastPendingRelease(): number | undefined {
    let last: number | undefined;
    for (const at of this.releases.keys()) last = at;
    return last;
  }

  /** The waiters released at `at`; the first to ask starts the one timer that releases them all. */
  private waitersAt(at: number): Set<() => void> {
    const known = this.releases.get(at);
    if (known !== undefined) return known;
    const due = new Set<() => void>();
    this.releases.set(at, due);
    setTimeout(() => {
      this.releases.delete(at);
      for (const go of due) go();
    }, at - this.clock());
    return due;
  }

  /** Milliseconds until the window has room for `tokens` (0 = now). A lone request larger than the limit still goes. */
  private tpmWait(now: number, tokens: number): number {
    while (this.window.length > 0 && (this.window[0]?.at ?? 0) <= now - this.windowMs) {
      this.windowTokens -= this.window.shift()?.tokens ?? 0;
    }
    const limit = this.limits.tpm ?? Number.POSITIVE_INFINITY;
    if (this.windowTokens + tokens <= limit || this.window.length === 0) return 0;
    // Free the oldest entries until it fits.
    let freed = 0;
    for (const e of this.window) {
      freed += e.tokens;
      if (this.windowTokens - freed + tokens <= limit) return e.at + this.windowMs - now + 1;
    }
    return (this.window[this.window.length - 1]?.at ?? now) + this.windowMs - now + 1;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
