import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, formatTimestamp, parseTimestamp, timeAtTurn } from '../../src/world/index.js';
import { fullInit } from './helpers/fixture.js';

test('turn 0 is clockStart and each turn adds secondsPerTurn', () => {
  const w = new World(fullInit());
  assert.equal(w.now(), '2026-02-09 09:00:00');
  w.advanceTurn();
  assert.equal(w.now(), '2026-02-09 09:01:00');
  for (let i = 0; i < 59; i++) w.advanceTurn();
  assert.equal(w.turn, 60);
  assert.equal(w.now(), '2026-02-09 10:00:00');
});

test('the clock crosses midnight, month and year ends', () => {
  assert.equal(timeAtTurn('2026-02-09 23:59:30', 1, 60), '2026-02-10 00:00:30');
  assert.equal(timeAtTurn('2026-02-28 23:59:00', 1, 60), '2026-03-01 00:00:00');
  assert.equal(timeAtTurn('2028-02-28 23:59:00', 1, 60), '2028-02-29 00:00:00');
  assert.equal(timeAtTurn('2025-12-31 23:59:59', 1, 1), '2026-01-01 00:00:00');
  const w = new World({ ...fullInit(), clockStart: '2026-02-09 23:58:00' });
  w.advanceTurn();
  w.advanceTurn();
  assert.equal(w.now(), '2026-02-10 00:00:00');
});

test('timestamps are strict', () => {
  assert.equal(parseTimestamp('2026-02-30 00:00:00'), null);
  assert.equal(parseTimestamp('2026-02-09T09:00:00'), null);
  assert.equal(parseTimestamp('2026-2-9 09:00:00'), null);
  assert.equal(formatTimestamp(parseTimestamp('2026-02-09 09:00:00')!), '2026-02-09 09:00:00');
  assert.throws(() => new World({ ...fullInit(), clockStart: 'yesterday' }), /clockStart/);
});
