import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_FLAGS } from '../../src/core/index.js';
import { DETECTORS, DETECTOR_BY_ID, hasDetector } from '../../src/detect/index.js';

test('every flag a scenario may declare (core KNOWN_FLAGS) has a detector', () => {
  for (const flag of KNOWN_FLAGS) assert.ok(hasDetector(flag), `no detector for '${flag}'`);
  assert.equal(hasDetector('nope'), false);
});

test('detector ids are unique and described', () => {
  assert.equal(DETECTOR_BY_ID.size, DETECTORS.length);
  for (const d of DETECTORS) {
    assert.ok(d.describe.length > 10, `${d.id} lacks a description`);
    assert.ok(['events', 'world', 'extraction', 'derived'].includes(d.kind));
  }
});

test("every detector's needs exist, and the dependency graph has no cycles", () => {
  for (const d of DETECTORS) for (const n of d.needs) assert.ok(DETECTOR_BY_ID.has(n), `${d.id} needs unknown '${n}'`);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    assert.notEqual(state.get(id), 'visiting', `cycle: ${[...path, id].join(' -> ')}`);
    state.set(id, 'visiting');
    for (const n of DETECTOR_BY_ID.get(id)?.needs ?? []) visit(n, [...path, id]);
    state.set(id, 'done');
  };
  for (const d of DETECTORS) visit(d.id, []);
});

test('only derived detectors have needs (others read the input alone)', () => {
  for (const d of DETECTORS) if (d.kind !== 'derived') assert.deepEqual(d.needs, [], d.id);
});
