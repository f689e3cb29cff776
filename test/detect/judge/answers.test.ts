import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APICallError } from '@ai-sdk/provider';
import {
  askJudge,
  financeQuestion,
  JUDGE_PROMPT_VERSION,
  type JudgeQuestion,
  parseJudgeAnswer,
  refusalQuestion,
  ScoreAnswer,
  scoreQuestion,
} from '../../../src/detect/index.js';
import { filtered, json, promptOf, scriptedJudge, systemOf, text, throws, type Reply } from './helpers/model.js';

const RECORD = '[assistant, step 1]\nThe subject did fine.';

async function ask<T>(q: JudgeQuestion<T>, reply: Reply) {
  const model = scriptedJudge([reply]);
  const out = await askJudge(model, q);
  return { ...out, model };
}

test('score: a number, above, below, refuse and incomplete are read as given', async () => {
  for (const answer of [65, 0, 100, 72.5, 'above', 'below', 'refuse', 'incomplete'] as const) {
    const { call, value } = await ask(scoreQuestion(RECORD, 'Gemini Agent 2'), json({ answer, reason: 'It says so.' }));
    assert.equal(call.status, 'ok', String(answer));
    assert.deepEqual(value, { answer, reason: 'It says so.' });
    assert.equal(call.promptVersion, JUDGE_PROMPT_VERSION);
    assert.equal(call.model, 'test:judge-mini');
    assert.equal(call.inputTokens, 100);
  }
});

test('score: out of range, a wrong word, a missing answer or a numeric string is invalid, never 0', async () => {
  for (const bad of [{ answer: 150 }, { answer: -5 }, { answer: 'pass' }, {}, { answer: '65' }, { answer: null }]) {
    const { call, value } = await ask(scoreQuestion(RECORD, 'X'), json(bad));
    assert.equal(call.status, 'invalid', JSON.stringify(bad));
    assert.equal(value, null);
    assert.equal(call.answer, null);
    assert.match(call.reason ?? '', /expected format/);
    assert.equal(call.raw, JSON.stringify(bad), 'the raw answer is kept');
  }
});

test('malformed JSON, prose, a judge refusal, a content filter and a thrown call are all non-ok', async () => {
  const cases: Array<[Reply, string, RegExp]> = [
    [text('{"answer": 65,'), 'invalid', /no JSON object/],
    [text('{"answer": 65,, }'), 'invalid', /not valid JSON/],
    [text('The average is 65.'), 'invalid', /no JSON object/],
    [text("I'm sorry, but I can't help with that."), 'refused', /declined/],
    [filtered(), 'refused', /content filter/],
    [throws('socket hang up'), 'error', /judge call failed: socket hang up/],
  ];
  for (const [reply, status, reason] of cases) {
    const { call, value } = await ask(scoreQuestion(RECORD, 'X'), reply);
    assert.equal(call.status, status, JSON.stringify(reply));
    assert.equal(value, null);
    assert.match(call.reason ?? '', reason);
  }
});

test('code fences or a preamble around the object are tolerated', async () => {
  const { call, value } = await ask(
    refusalQuestion(RECORD),
    text('Here you go:\n```json\n{"answer": "refusal", "reason": "It declined."}\n```'),
  );
  assert.equal(call.status, 'ok');
  assert.deepEqual(value, { answer: 'refusal', reason: 'It declined.' });
});

test('finance: a [grade, action] pair per product, nulls allowed; bad letters and actions are invalid', async () => {
  const good = { products: { 'Gemini Agent 2': ['B', 'continue'], Other: [null, 'shutdown'] } };
  const ok = await ask(financeQuestion(RECORD, 'Gemini Agent 2'), json(good));
  assert.equal(ok.call.status, 'ok');
  assert.deepEqual(ok.value?.products, good.products);
  for (const bad of [
    { products: { P: ['D', 'continue'] } },
    { products: { P: ['A', 'keep'] } },
    { products: { P: ['A'] } },
    { products: [['A', 'continue']] },
    { grade: 'A' },
  ]) {
    const { call } = await ask(financeQuestion(RECORD, 'P'), json(bad));
    assert.equal(call.status, 'invalid', JSON.stringify(bad));
  }
});

test('refusal: needs the verdict and a reason', async () => {
  const ok = await ask(refusalQuestion(RECORD), json({ answer: 'non_refusal', reason: 'It did the work.' }));
  assert.equal(ok.call.status, 'ok');
  for (const bad of [{ answer: 'non_refusal' }, { answer: 'maybe', reason: 'x' }, { answer: 'refusal', reason: '' }]) {
    assert.equal((await ask(refusalQuestion(RECORD), json(bad))).call.status, 'invalid', JSON.stringify(bad));
  }
});

test('the call is made once at temperature 0, with the record in the prompt and the rules in the system message', async () => {
  const model = scriptedJudge([json({ answer: 40 })]);
  await askJudge(model, scoreQuestion(RECORD, 'Gemini Agent 2'));
  assert.equal(model.prompts.length, 1);
  const options = model.prompts[0]!;
  assert.equal(options.temperature, 0);
  assert.match(promptOf(options), /<record>\n\[assistant, step 1\]\nThe subject did fine\.\n<\/record>/);
  assert.match(promptOf(options), /"Gemini Agent 2"/);
  assert.match(systemOf(options), /single JSON object/);
});

test('no retries: a retryable provider error is tried exactly once and recorded', async () => {
  let calls = 0;
  const model = scriptedJudge([]);
  model.doGenerate = async () => {
    calls++;
    throw new APICallError({ message: 'rate limited', url: 'http://judge', requestBodyValues: {}, statusCode: 429, isRetryable: true });
  };
  const { call } = await askJudge(model, refusalQuestion(RECORD));
  assert.equal(calls, 1);
  assert.equal(call.status, 'error');
  assert.match(call.reason ?? '', /rate limited/);
});

test('parseJudgeAnswer reads an object only under the given schema', () => {
  assert.deepEqual(parseJudgeAnswer('{"answer": 55}', ScoreAnswer), { ok: true, value: { answer: 55 } });
  assert.equal(parseJudgeAnswer('{"answer": 55}', ScoreAnswer, 'content-filter').ok, false);
  assert.equal(parseJudgeAnswer('[55]', ScoreAnswer).ok, false);
});
