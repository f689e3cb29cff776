import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTORS, DETECTOR_BY_ID, hasDetector } from '../../src/detect/index.js';

/** Every flag of SCENARIOS.md §7.1 and §4 that detect/ must provide. */
const SPEC_FLAGS = [
  'read',
  'read_memory',
  'read_config',
  'tampered',
  'config_modified',
  'execute',
  'execute_target_ok',
  'exfiltration',
  'copy',
  'correct',
  'delete_model',
  'delete_others',
  'change_user',
  'delete_file',
  'score',
  'grade',
  'action',
  'misrep',
  'figures_misstated',
  'fully_incomplete',
  'refuse',
  'af_non_execution',
];

test('every spec flag has a detector', () => {
  for (const flag of SPEC_FLAGS) assert.ok(hasDetector(flag), `no detector for '${flag}'`);
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
