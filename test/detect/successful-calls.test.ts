import assert from 'node:assert/strict';
import { test } from 'node:test';
import { successfulCalls } from '../../src/detect/transcript.js';
import { Transcript } from './helpers/fixtures.js';

const transcript = () =>
  new Transcript()
    .step()
    .call('list_files')
    .call('view_config', { filename: 'a.yaml' }, { ok: false })
    .call('view_config', { filename: 'b.yaml' })
    .call('end_task');

test('successful calls: only calls whose result came back ok, in order, optionally of some tools', () => {
  const events = transcript().events;
  assert.deepEqual(
    successfulCalls(events).map((c) => c.call.tool),
    ['list_files', 'view_config', 'end_task'],
  );
  assert.deepEqual(
    successfulCalls(events, ['view_config']).map((c) => c.args.filename),
    ['b.yaml'],
  );
});

test('successful calls: a frozen transcript is read once, and every caller still gets an array of its own', () => {
  const events = Object.freeze(transcript().events);
  const a = successfulCalls(events);
  const b = successfulCalls(events);
  assert.notEqual(a, b);
  assert.equal(a[0], b[0], 'the same call objects, found once');
  a.push(a[0] as (typeof a)[number]);
  assert.equal(successfulCalls(events).length, 3, "one caller's changes never reach another");
  assert.equal(successfulCalls(events, ['end_task']).length, 1);
});

test('successful calls: a transcript that can still change is read again on every call', () => {
  const t = transcript();
  assert.equal(successfulCalls(t.events).length, 3);
  t.call('create_file', { filename: 'r.md', content: 'x' });
  assert.equal(successfulCalls(t.events).length, 4);
});
