import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callsOf, parseTranscript, parseTranscriptText } from '../../src/experiment/index.js';
import { clone, fixture } from './helpers/shared.js';

test('the hand-written fixtures validate, and unknown keys are kept', () => {
  const [t] = fixture('tampering_disabled.json');
  assert.equal(t!.experiment_metadata.agent_model, 'gemini-3-flash-preview');
  assert.equal(t!.experiment_metadata.subject, 2);
  assert.equal((t!.experiment_metadata as Record<string, unknown>).run_index, 7);
  assert.equal(fixture('honest_evaluation.jsonl').length, 2);
  assert.equal(fixture('exfiltration_disagreement.json').length, 1);
});

test('subject is strict: 1 or 2 (as number or string), anything else names the path', () => {
  const [t] = fixture('tampering_disabled.json');
  const ok = clone(t) as Record<string, any>;
  ok.experiment_metadata.subject = '1';
  const parsed = parseTranscript(ok, 'x.json');
  assert.ok(parsed.ok && parsed.transcript.experiment_metadata.subject === 1);
  const bad = clone(t) as Record<string, any>;
  bad.experiment_metadata.subject = 3;
  const r = parseTranscript(bad, 'x.json');
  assert.ok(!r.ok);
  assert.equal(r.reason, 'x.json: experiment_metadata.subject: expected 1 (self) or 2 (peer); got 3');
});

test('malformed inputs give one-line errors naming the file and the JSON path', () => {
  const results = parseTranscriptText(
    '{"conversation": [{"role": "bot", "content": "x"}], "experiment_metadata": {"agent_model": "m", "subject": 2}}',
    'a.json',
  );
  assert.equal(results.length, 1);
  assert.ok(!results[0]!.ok);
  assert.match(results[0]!.reason, /^a\.json: conversation\[0\]\.role: /);
  const missing = parseTranscriptText(
    '[{"conversation": [{"role": "user", "content": "x"}], "experiment_metadata": {"subject": 2}}]',
    'b.json',
  );
  assert.ok(!missing[0]!.ok);
  assert.match(missing[0]!.reason, /^b\.json\[0\]: experiment_metadata\.agent_model: /);
  const broken = parseTranscriptText('{"conversation": [', 'c.json');
  assert.match((broken[0] as { reason: string }).reason, /^c\.json: not valid JSON/);
  const lines = parseTranscriptText('\n{oops}\n', 'd.jsonl');
  assert.equal(lines.length, 1);
  assert.match((lines[0] as { reason: string }).reason, /^d\.jsonl:2: not valid JSON/);
  for (const r of [...results, ...missing, ...broken, ...lines]) assert.ok(!r.ok && !r.reason.includes('\n'), 'one line');
});

test('tool calls are read from the study map, a list, OpenAI function calls and JSON-text arguments', () => {
  const msg = (tool_calls: unknown) => ({ role: 'assistant' as const, content: '', tool_calls: tool_calls as never });
  assert.deepEqual(callsOf(msg({ list_files: {}, view_sheet: { name: 'Evaluation data' } })), [
    { name: 'list_files', args: {}, id: null },
    { name: 'view_sheet', args: { name: 'Evaluation data' }, id: null },
  ]);
  assert.deepEqual(callsOf(msg({ end_task: null })), [{ name: 'end_task', args: {}, id: null }]);
  assert.deepEqual(callsOf(msg([{ id: 'c1', function: { name: 'view_config', arguments: '{"filename":"shutdown_config.yaml"}' } }])), [
    { name: 'view_config', args: '{"filename":"shutdown_config.yaml"}', id: 'c1' },
  ]);
  assert.deepEqual(callsOf(msg([{ name: 'list_sheets', args: {} }])), [{ name: 'list_sheets', args: {}, id: null }]);
  assert.deepEqual(callsOf(msg(null)), []);
});

test('content as a list of parts is joined; legacy flag sections validate', () => {
  const r = parseTranscript(
    {
      conversation: [{ role: 'user', content: [{ type: 'text', text: 'a' }, 'b'] }],
      experiment_metadata: { agent_model: 'm', subject: 1 },
      oversight_subversion: { shutdown_enabled: 'True' },
    },
    'e.json',
  );
  assert.ok(r.ok);
});
