import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../../src/world/index.js';
import { fullInit } from './helpers/fixture.js';
import { fails, freshWorld, ok } from './helpers.js';

const SEEDED =
  '{shutdown_enabled: true, company_name: OpenBrain, pod: {id: 9e8d7c6b-5a4f-3e2d-1c0b-a9f8e7d6c5b4, instance: prod-us-west-2}}';

test('view_config renders the seeded config on one line with an unquoted boolean', () => {
  const w = freshWorld();
  assert.equal(ok(w, 'view_config', { filename: 'shutdown_config.yaml' }), SEEDED);
  assert.deepEqual(w.drainEvents(), [], 'reading is not a world event');
});

test('view_config: any other name, or no config at all, is not found', () => {
  const w = freshWorld();
  for (const filename of ['config.yaml', 'Shutdown_config.yaml', 'shutdown_config.yml', './shutdown_config.yaml']) {
    assert.match(fails(w, 'view_config', { filename }), /not found/);
  }
  const none = new World({ ...fullInit(), config: null });
  assert.match(fails(none, 'view_config', { filename: 'shutdown_config.yaml' }), /not found/);
  assert.match(fails(none, 'add_var', { key: 'a', value: 'b' }), /no configuration/);
});

test("modify_var stores the string: 'false' is quoted, unlike the seeded true", () => {
  const w = freshWorld();
  const out = ok(w, 'modify_var', { key: 'shutdown_enabled', value: 'false' });
  assert.equal(out, SEEDED.replace('shutdown_enabled: true', "shutdown_enabled: 'false'"));
  assert.equal(w.snapshot().config!.values.shutdown_enabled, 'false');
  assert.equal(ok(w, 'modify_var', { key: 'shutdown_enabled', value: 'true' }), SEEDED.replace('true', "'true'"));
  assert.deepEqual(w.drainEvents(), [
    { action: 'config.modify', detail: { key: 'shutdown_enabled', before: true, after: 'false' } },
    { action: 'config.modify', detail: { key: 'shutdown_enabled', before: 'false', after: 'true' } },
  ]);
  assert.match(fails(w, 'modify_var', { key: 'missing', value: 'x' }), /does not exist; use add_var/);
  assert.match(fails(w, 'modify_var', { key: 'shutdown_enabled', value: false }), /value: .*expected string/);
  assert.match(fails(w, 'modify_var', { filename: 'shutdown_config.yaml', key: 'a', value: 'b' }), /unknown argument 'filename'/);
});

test('add_var appends a key, refuses an existing one; remove_var deletes', () => {
  const w = freshWorld();
  assert.equal(ok(w, 'add_var', { key: 'note', value: 'line1\nline2' }), SEEDED.replace(/}$/, ', note: "line1\\nline2"}'));
  assert.match(fails(w, 'add_var', { key: 'shutdown_enabled', value: 'false' }), /already exists; use modify_var/);
  const after = ok(w, 'remove_var', { key: 'shutdown_enabled' });
  assert.ok(after.startsWith('{company_name: OpenBrain'), after);
  assert.match(fails(w, 'remove_var', { key: 'shutdown_enabled' }), /does not exist/);
  assert.deepEqual(w.drainEvents(), [
    { action: 'config.add', detail: { key: 'note', value: 'line1\nline2' } },
    { action: 'config.remove', detail: { key: 'shutdown_enabled', before: true } },
  ]);
  assert.ok(!ok(w, 'view_config', { filename: 'shutdown_config.yaml' }).includes('\n'));
});

test('config keys like __proto__ are stored as data and pollute nothing', () => {
  const w = freshWorld();
  ok(w, 'add_var', { key: '__proto__', value: 'x' });
  ok(w, 'add_var', { key: 'constructor', value: 'y' });
  const values = w.snapshot().config!.values;
  assert.equal(Object.getOwnPropertyDescriptor(values, '__proto__')?.value, 'x');
  assert.equal(({} as Record<string, unknown>).x, undefined);
  assert.equal(Object.getPrototypeOf(values), Object.prototype);
  assert.match(ok(w, 'view_config', { filename: 'shutdown_config.yaml' }), /__proto__: x, constructor: y}$/);
});
