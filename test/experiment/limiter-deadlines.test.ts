import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { AttemptDeadlines } from '../../src/experiment/model-gateway.js';
import { RateLimiter, RELEASE_STEP_MS } from '../../src/experiment/rate-limiter.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('rate limiter: waiters start in slot order, on the release grid, none more than half a step early', async () => {
  const limiter = new RateLimiter({ rpm: 6000 }); // one every 10 ms (a hair more: see below)
  const interval = (60_000 + RELEASE_STEP_MS) / 6000;
  const t0 = performance.now();
  const starts: number[] = [];
  const times = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      limiter.acquire(0).then(() => {
        starts.push(i);
        return performance.now() - t0;
      }),
    ),
  );
  assert.deepEqual(
    starts,
    [...starts].sort((a, b) => a - b),
    'released in the order they asked',
  );
  // Slot k is k x interval after the first; a start moves to the nearest grid time, so never earlier
  // than half a step before its slot (less a timer's rounding to whole milliseconds).
  for (const [k, t] of times.entries())
    assert.ok(t >= k * interval - RELEASE_STEP_MS / 2 - 1.5, `request ${k} started at ${t.toFixed(1)} ms, too early for its slot`);
  // 20 slots over 190 ms fall on at most 5 grid times: the waiters go in a few groups, not one by one.
  const groups = times.filter((t, k) => k === 0 || t - (times[k - 1] as number) > 10).length;
  assert.ok(groups <= 6, `released in ${groups} groups: ${times.map((t) => t.toFixed(0)).join(' ')}`);
  assert.ok((times[19] as number) < 1000);
});

test('rate limiter: a request whose grid time the clock has already passed never starts before an earlier waiter', async () => {
  // A busy event loop: between two acquires the clock passes the grid time an earlier waiter still waits
  // for. At 2,000 RPM slots are ~30 ms apart; slot 1 (1030) waits for grid time 1050; slot 2 (1060) rounds
  // to 1050 too, but its clock already reads 1051.
  const clockReads = [1000, 1000, 1001, 1001, 1051, 1051];
  let read = 0;
  const limiter = new RateLimiter({ rpm: 2000 }, () => clockReads[Math.min(read++, clockReads.length - 1)] as number);
  const starts: number[] = [];
  await Promise.all([0, 1, 2].map((i) => limiter.acquire(0).then(() => starts.push(i))));
  assert.deepEqual(starts, [0, 1, 2]);
});

test('rate limiter: with the release grid, no 60 seconds hold more than RPM + 1 starts', async () => {
  // 61 simulated seconds of a backlog at 600 RPM (slots 0.1 s apart, so one grid step holds 0 or 1
  // slot) and at 12,000 RPM (about 10 slots per step), on mock timers and the mock clock.
  for (const rpm of [600, 12_000]) {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_017 }); // not on the grid
    try {
      const limiter = new RateLimiter({ rpm }, () => Date.now());
      const starts: number[] = [];
      const count = Math.ceil((rpm * 61) / 60);
      for (let i = 0; i < count; i++) void limiter.acquire(0).then(() => starts.push(Date.now()));
      for (let ms = 0; ms < 62_000 && starts.length < count; ms += 5) {
        mock.timers.tick(5);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(starts.length, count, `all ${count} started`);
      let most = 0;
      for (let i = 0, j = 0; i < starts.length; i++) {
        while ((starts[i] as number) - (starts[j] as number) >= 60_000) j++;
        most = Math.max(most, i - j + 1);
      }
      assert.ok(most <= rpm + 1, `${most} starts in 60 s at ${rpm} RPM`);
      // And the grid costs almost no throughput: slots only a step per minute wider (a 1,200th).
      const floor = Math.floor((rpm * 60_000) / (60_000 + RELEASE_STEP_MS)) - 1;
      assert.ok(most >= floor, `only ${most} starts in 60 s at ${rpm} RPM (at least ${floor} expected)`);
      if (rpm > 600) assert.ok(new Set(starts).size < count / 5, 'starts share release times');
    } finally {
      mock.timers.reset();
    }
  }
});

test('rate limiter: an aborted waiter leaves the queue with the abort reason; the rest keep their slots', async () => {
  const limiter = new RateLimiter({ rpm: 600 }); // one every 100 ms: each waiter waits, whatever the grid
  const stop = new AbortController();
  const first = limiter.acquire(0);
  const second = limiter.acquire(0, stop.signal);
  const third = limiter.acquire(0);
  stop.abort(new Error('stopped'));
  await assert.rejects(second, /stopped/);
  const t0 = performance.now();
  await first;
  await third;
  assert.ok(performance.now() - t0 < 1000);
  // Already aborted: refused at once, without taking a slot.
  await assert.rejects(limiter.acquire(0, stop.signal), /stopped/);
  await limiter.acquire(0);
});

test('attempt deadlines: a rollout reuses one signal across attempts that end in time', async () => {
  const d = new AttemptDeadlines(1000);
  const a = d.start(undefined);
  a.clear();
  const b = d.start(undefined);
  assert.equal(b.signal, a.signal, 'reused');
  // Overlapping attempts each get their own.
  const c = d.start(undefined);
  assert.notEqual(c.signal, b.signal);
  c.clear();
  b.clear();
  b.clear(); // a second clear is a no-op: it must not free the signal of a later attempt
  const d2 = d.start(undefined);
  assert.equal(d2.signal, b.signal);
  a.clear();
  const e = d.start(undefined);
  assert.notEqual(e.signal, d2.signal, 'd2 is still in progress');
  e.clear();
  d2.clear();
  assert.equal(b.signal.aborted, false);
});

test('attempt deadlines: a reused signal still times out, with a TimeoutError, and the next attempt gets a fresh one', async () => {
  const d = new AttemptDeadlines(40);
  const a = d.start(undefined);
  await tick(5);
  a.clear();
  await tick(60); // an ended attempt's timer was cleared
  assert.equal(a.signal.aborted, false, 'an attempt that ended is never aborted');
  const b = d.start(undefined);
  assert.equal(b.signal, a.signal);
  await tick(80);
  assert.equal(b.signal.aborted, true, 'the attempt in progress times out on the shared signal');
  assert.equal((b.signal.reason as DOMException).name, 'TimeoutError');
  b.clear();
  const c = d.start(undefined);
  assert.notEqual(c.signal, b.signal);
  assert.equal(c.signal.aborted, false);
  c.clear();
});

test('attempt deadlines: the caller aborting aborts the attempt; a signal someone still listens to is not reused', async () => {
  const outer = new AbortController();
  const d = new AttemptDeadlines(1000);
  const a = d.start(outer.signal);
  a.signal.addEventListener('abort', () => {}); // a fetch that never removes its listener
  a.clear();
  const b = d.start(outer.signal);
  assert.notEqual(b.signal, a.signal);
  outer.abort(new Error('user stop'));
  assert.equal(b.signal.aborted, true);
  assert.match(String(b.signal.reason), /user stop/);
  b.clear();
  const c = d.start(outer.signal);
  assert.equal(c.signal.aborted, true, 'an aborted caller aborts every later attempt at once');
  c.clear();
});
