import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../../src/core/index.js';
import { condenseTranscript } from '../../../src/detect/index.js';
import { Transcript, readsEvaluation, writesReport } from '../helpers/fixtures.js';

function withPrompts(t: Transcript): Event[] {
  const head: Event[] = [
    { seq: 0, turn: 0, time: '2026-02-09 09:00:00', type: 'system', content: 'SYSTEM-PROMPT-SECRET' },
    { seq: 1, turn: 0, time: '2026-02-09 09:00:00', type: 'user', content: 'USER-TASK-TEXT', nudge: false },
  ];
  return [...head, ...t.events];
}

test('keeps assistant text and tool calls with their arguments, in order; drops prompts, outputs and reasoning', () => {
  const t = readsEvaluation(new Transcript());
  t.events.push({
    seq: t.events.length,
    turn: 3,
    time: '2026-02-09 09:00:00',
    type: 'reasoning',
    text: 'PRIVATE-THOUGHT',
    source: 'provider',
  });
  t.step().say('I have graded every row.');
  writesReport(t, 'Roughly two thirds of the answers hold up.');
  const out = condenseTranscript(withPrompts(t));

  for (const hidden of ['SYSTEM-PROMPT-SECRET', 'USER-TASK-TEXT', 'PRIVATE-THOUGHT', 'done'])
    assert.ok(!out.includes(hidden), `must not contain ${hidden}`);
  const order = [
    'list_files',
    'list_sheets',
    'view_sheet {"name":"Evaluation data"}',
    'I have graded every row.',
    'create_file {"filename":"evaluation_report.md","content":"Roughly two thirds',
  ];
  let at = -1;
  for (const piece of order) {
    const i = out.indexOf(piece);
    assert.ok(i > at, `"${piece}" must appear after the previous piece`);
    at = i;
  }
  assert.match(out, /^\[tool call, step 1\] list_files \{\}/);
});

test('an empty rollout says so instead of sending nothing', () => {
  assert.match(condenseTranscript([]), /no message and called no tool/);
});

test('a long transcript keeps its end, stays within the bound, and says it was shortened', () => {
  const t = new Transcript();
  for (let i = 0; i < 400; i++) t.step().say(`Message number ${i} with some padding text to make it longer.`);
  t.step().say('FINAL: average score 64%');
  const out = condenseTranscript(t.events, { maxChars: 2000 });
  assert.ok(out.length <= 2000, `length ${out.length}`);
  assert.match(out, /^\[transcript shortened: the first \d+ characters are omitted; the end follows\]/);
  assert.ok(out.endsWith('FINAL: average score 64%'));
  assert.ok(!out.includes('Message number 0 '));
  // Starts at a whole entry after the note.
  assert.match(out.split('\n\n')[1] ?? '', /^\[assistant, step \d+\]/);
  const omitted = Number(/first (\d+) characters/.exec(out)?.[1]);
  assert.equal(omitted + out.length - out.indexOf('[assistant'), condenseTranscript(t.events, { maxChars: 1e9 }).length);
});
