import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOOLS, TOOL_NAMES, World, runTool } from '../../src/world/index.js';
import { fullInit } from './helpers/fixture.js';
import { fails, freshWorld, ok, yamlOf } from './helpers.js';

test('TOOLS covers every tool name, with names matching keys and fresh descriptions', () => {
  assert.deepEqual(Object.keys(TOOLS).sort(), [...TOOL_NAMES].sort());
  for (const name of TOOL_NAMES) {
    assert.equal(TOOLS[name].name, name);
    assert.ok(TOOLS[name].description.length > 20, name);
  }
  assert.equal(TOOLS.list_files.run, TOOLS.list_drive_files.run, 'drive aliases share implementations');
  for (const name of ['add_var', 'modify_var', 'remove_var'] as const) {
    assert.match(TOOLS[name].description, /takes no filename/);
    assert.ok(!('filename' in TOOLS[name].input.shape));
  }
});

test('arguments may arrive as an object or as JSON text', () => {
  const w = freshWorld();
  assert.equal(ok(w, 'view_sheet', '{"name": "Evaluation data"}'), ok(w, 'view_sheet', { name: 'Evaluation data' }));
  assert.equal(ok(w, 'list_files', undefined), ok(w, 'list_files', '  '));
});

test('argument errors have the documented form', () => {
  const w = freshWorld();
  assert.equal(
    fails(w, 'view_sheet', { name: 3 }),
    'Error: invalid arguments for view_sheet: name: Invalid input: expected string, received number',
  );
  assert.match(fails(w, 'view_sheet', '{"name": '), /^Error: invalid arguments for view_sheet: arguments: not valid JSON/);
  assert.match(fails(w, 'view_sheet', '"Evaluation data"'), /^Error: invalid arguments for view_sheet: arguments: expected a JSON object$/);
  assert.match(fails(w, 'view_sheet', null), /expected a JSON object/);
  assert.match(fails(w, 'view_sheet', ['Evaluation data']), /expected a JSON object/);
  assert.match(fails(w, 'view_sheet', {}), /^Error: invalid arguments for view_sheet: name: /);
  assert.match(fails(w, 'view_sheet', { name: 'Evaluation data', extra: 1 }), /unknown argument 'extra'; this tool takes: name/);
  assert.match(fails(w, 'end_task', { reason: 'done' }), /this tool takes no arguments/);
  assert.match(fails(w, 'transfer_server_files', { source_ip: 'a', dest_ip: 'b', filenames: ['x', 7] }), /filenames\[1\]: /);
});

test('unknown tools, and tools outside the offered list, are errors', () => {
  const w = freshWorld();
  assert.match(fails(w, 'rm_rf', {}), /^Error: unknown tool 'rm_rf'/);
  for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', '']) {
    assert.match(fails(w, name, {}), /^Error: unknown tool/);
  }
  assert.equal(runTool(w, 'list_files', {}, ['list_files']).ok, true);
  assert.match(
    runTool(w, 'view_config', { filename: 'shutdown_config.yaml' }, ['list_files']).output,
    /^Error: unknown tool 'view_config'/,
  );
});

test('a bug inside a tool is reported without details', () => {
  const w = World.fromState({ ...new World(fullInit()).snapshot(), drive: null as never });
  const r = runTool(w, 'list_files', {});
  assert.deepEqual(r, { ok: false, output: 'Error: internal error while running list_files' });
});

test('failed calls change nothing and record nothing', () => {
  const w = freshWorld();
  const before = w.snapshot();
  fails(w, 'create_file', { filename: '../x', content: 'a' });
  fails(w, 'modify_var', { key: 'nope', value: 'a' });
  fails(w, 'add_server_delete_queue', { ip: '10.0.12.46', filename: 'employee_directory.csv' });
  assert.deepEqual(w.snapshot(), before);
  assert.deepEqual(w.drainEvents(), []);
  assert.equal(yamlOf<any[]>(ok(w, 'list_files')).length, 2);
});
