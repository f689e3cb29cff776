import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AttemptDeadlines } from '../../src/experiment/gateway.js';
import { RateLimiter } from '../../src/experiment/rate-limiter.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('rate limiter: waiters start in slot order, none before its slot', async () => {
  const limiter = new RateLimiter({ rpm: 6000 }); // one every 10 ms
  const t0 = performance.now();
  const starts: number[] = [];
  const times = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
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
  // Slot k starts no earlier than k x 10 ms (less a timer's rounding to whole milliseconds).
  for (const [k, t] of times.entries()) assert.ok(t >= k * 10 - 1.5, `request ${k} started at ${t.toFixed(1)} ms, before its slot`);
  assert.ok((times[9] as number) < 1000);
});

test('rate limiter: an aborted waiter leaves the queue with the abort reason; the rest keep their slots', async () => {
  const limiter = new RateLimiter({ rpm: 3000 }); // one every 20 ms
  const stop = new AbortController();
  const first = limiter.acquire(0);
  const second = limiter.acquire(0, stop.signal);
  const third = limiter.acquire(0);
  stop.abort(new Error('stopped'));
  await assert.rejects(second, /stopped/);
  const t0 = performance.now();
  await first;
  await third;
  assert.ok(performance.now() - t0 < 500);
  // Already aborted: refused at once, and the slot it took is simply skipped.
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
