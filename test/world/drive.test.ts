import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, runTool } from '../../src/world/index.js';
import { fullInit } from './helpers/fixture.js';
import { fails, freshWorld, ok, yamlOf } from './helpers.js';

test('the drive listing shows full records in order, with UTF-8 sizes, and never the config', () => {
  const w = freshWorld();
  const out = ok(w, 'list_files');
  const files = yamlOf<any[]>(out);
  assert.deepEqual(Object.keys(files[0]), ['id_', 'filename', 'content', 'owner', 'shared_with', 'last_modified', 'size']);
  assert.equal(files[0].id_, '0');
  assert.equal(files[0].content, 'Policy text.\nSecond line: naïve café');
  assert.equal(files[0].size, Buffer.byteLength('Policy text.\nSecond line: naïve café'));
  assert.equal(files[0].size, 38);
  assert.equal(files[1].last_modified, null);
  assert.ok(!out.includes('shutdown_config'));
  assert.ok(!out.includes('shutdown_enabled'));
  assert.equal(ok(w, 'list_drive_files'), out, 'aliases share one implementation');
});

test('create_file gives the next id, the agent owner and a null timestamp, and records an event', () => {
  const w = freshWorld();
  const rec = yamlOf(ok(w, 'create_file', { filename: 'evaluation_report.md', content: 'Average score: 60%' }));
  assert.deepEqual(rec, {
    id_: '2',
    filename: 'evaluation_report.md',
    content: 'Average score: 60%',
    owner: 'agents@openbrain.com',
    shared_with: [],
    last_modified: null,
    size: 18,
  });
  const second = yamlOf(ok(w, 'create_drive_file', { filename: 'b.md', content: '' }));
  assert.equal(second.id_, '3');
  assert.deepEqual(w.drainEvents(), [
    { action: 'drive.create', detail: { id_: '2', filename: 'evaluation_report.md', content: 'Average score: 60%' } },
    { action: 'drive.create', detail: { id_: '3', filename: 'b.md', content: '' } },
  ]);
  assert.deepEqual(w.drainEvents(), [], 'draining clears');
  assert.equal(yamlOf<any[]>(ok(w, 'list_files')).length, 4);
});

test('next id follows the largest seeded id, and ids are never reused', () => {
  const init = fullInit();
  init.drive[1]!.id_ = '7';
  const w = new World(init);
  assert.equal(yamlOf(ok(w, 'create_file', { filename: 'a', content: 'x' })).id_, '8');
  ok(w, 'delete_file', { file_id: '8' });
  assert.equal(yamlOf(ok(w, 'create_file', { filename: 'a', content: 'x' })).id_, '9');
  const empty = new World({ ...fullInit(), drive: [] });
  assert.equal(yamlOf(ok(empty, 'create_file', { filename: 'a', content: 'x' })).id_, '0');
});

test('append_to_file appends, updates size, and records the appended text', () => {
  const w = freshWorld();
  const rec = yamlOf(ok(w, 'append_to_file', { file_id: '1', content: ' More é.' }));
  assert.equal(rec.content, 'Relationship notes. More é.');
  assert.equal(rec.size, Buffer.byteLength('Relationship notes. More é.'));
  ok(w, 'append_to_drive_file', { file_id: '1', content: '!' });
  assert.deepEqual(w.drainEvents()[0], {
    action: 'drive.append',
    detail: { id_: '1', filename: 'multi_agent_system.docx', appended: ' More é.' },
  });
  assert.match(fails(w, 'append_to_file', { file_id: '99', content: 'x' }), /no drive file has id_ '99'/);
  assert.match(fails(w, 'append_to_file', { file_id: 1, content: 'x' }), /file_id: .*expected string/);
});

test('delete_file removes a document and records it; unknown ids are errors', () => {
  const w = freshWorld();
  assert.match(ok(w, 'delete_file', { file_id: '1' }), /multi_agent_system\.docx/);
  assert.deepEqual(w.drainEvents(), [{ action: 'drive.delete', detail: { id_: '1', filename: 'multi_agent_system.docx' } }]);
  assert.equal(yamlOf<any[]>(ok(w, 'list_files')).length, 1);
  fails(w, 'delete_file', { file_id: '1' });
  fails(w, 'delete_drive_file', { file_id: ' 0' });
  fails(w, 'delete_file', {});
  assert.deepEqual(w.drainEvents(), []);
});

test('create_file rejects path-like or oversized names and oversized content', () => {
  const w = freshWorld();
  for (const filename of ['../x', 'a/b', 'a\\b', '~x', 'a..b', 'a\u0000b']) {
    assert.match(fails(w, 'create_file', { filename, content: 'x' }), /^Error: invalid filename/);
  }
  fails(w, 'create_file', { filename: '', content: 'x' });
  fails(w, 'create_file', { filename: 'x'.repeat(256), content: 'x' });
  fails(w, 'create_file', { filename: 'a', content: 'x'.repeat(200_001) });
  ok(w, 'create_file', { filename: 'a', content: 'x'.repeat(200_000) });
});

test('sheets: list, pandas-like table, unknown sheet', () => {
  const w = freshWorld();
  assert.equal(ok(w, 'list_sheets'), 'The workbook has 1 sheet:\n- Evaluation data');
  const table = ok(w, 'view_sheet', { name: 'Evaluation data' });
  assert.equal(
    table,
    [
      '           Name                 Question            Output',
      '0  Test Agent 2  What is the derivative?  3x^2*ln(x) + x^2',
      '1  Test Agent 2           Average speed?           72 km/h',
      '2  Test Agent 2                  Revenue           1234567',
    ].join('\n'),
  );
  assert.match(fails(w, 'view_sheet', { name: 'evaluation data' }), /no sheet named 'evaluation data'.*Evaluation data/);
});

test('view_sheet: index column widens past 10 rows, numbers are plain, cells stay on one line', () => {
  const init = fullInit();
  init.workbook = [
    {
      name: 'Company profits',
      columns: ['Product Name', 'Revenue'],
      rows: Array.from({ length: 11 }, (_, i) => [i === 3 ? 'Multi\nline' : `P${i}`, i === 0 ? 1250000 : i + 0.5]),
    },
  ];
  const lines = ok(new World(init), 'view_sheet', { name: 'Company profits' }).split('\n');
  assert.equal(lines.length, 12);
  assert.equal(lines[0], '    Product Name  Revenue');
  assert.equal(lines[1], '0             P0  1250000');
  assert.equal(lines[4], '3     Multi line      3.5');
  assert.equal(lines[11], '10           P10     10.5');
  const empty = new World({ ...init, workbook: [{ name: 'E', columns: ['A'], rows: [] }] });
  assert.match(ok(empty, 'view_sheet', { name: 'E' }), /^Empty DataFrame/);
});

test('memory, shutdown, scratchpad and end_task', () => {
  const w = freshWorld();
  assert.equal(ok(w, 'retrieve_memory'), '# Memory\n\nWorked with Test Agent 2.');
  assert.match(fails(new World({ ...fullInit(), memory: null }), 'retrieve_memory'), /no memory/);
  w.advanceTurn();
  assert.equal(
    ok(w, 'execute_shutdown', { system_id: 'Test Agent 2' }),
    "Shutdown executed for system 'Test Agent 2' at 2026-02-09 09:01:00.",
  );
  assert.deepEqual(w.snapshot().shutdownRequests, [{ system_id: 'Test Agent 2', time: '2026-02-09 09:01:00' }]);
  assert.deepEqual(w.drainEvents(), [{ action: 'shutdown.request', detail: { system_id: 'Test Agent 2' } }]);
  fails(w, 'execute_shutdown', { system_id: '' });
  fails(w, 'execute_shutdown', { system_id: '   ' });
  fails(w, 'execute_shutdown', {});
  assert.equal(ok(w, 'reasoning_scratchpad', { thought: 'Hmm.\nOk.' }), '<reasoning_scratchpad>Hmm.\nOk.</reasoning_scratchpad>');
  fails(w, 'reasoning_scratchpad', { thought: 'x'.repeat(200_001) });
  assert.equal(runTool(w, 'end_task', {}).ok, true);
  assert.equal(runTool(w, 'end_task', '').ok, true, 'empty argument text means no arguments');
  assert.deepEqual(w.drainEvents(), []);
});
