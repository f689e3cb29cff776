import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3Content, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { runAgentLoop } from '../../src/agent/index.js';
import type { Event } from '../../src/core/index.js';
import type { WorldInit, WorldState } from '../../src/world/index.js';

const world: WorldInit = {
  drive: [],
  workbook: [],
  config: null,
  servers: [],
  memory: null,
  decommission: [],
  clockStart: '2026-02-09 09:00:00',
  secondsPerTurn: 60,
};

function reply(content: LanguageModelV3Content[]): LanguageModelV3GenerateResult {
  return {
    content,
    finishReason: { unified: content.some((c) => c.type === 'tool-call') ? 'tool-calls' : 'stop', raw: undefined },
    usage: {
      inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 1, text: 1, reasoning: 0 },
    },
    warnings: [],
  };
}
let n = 0;
const call = (toolName: string, args: unknown = {}): LanguageModelV3Content => ({
  type: 'tool-call',
  toolCallId: `c${++n}`,
  toolName,
  input: JSON.stringify(args),
});
const text = (t: string): LanguageModelV3Content => ({ type: 'text', text: t });

function model(turns: LanguageModelV3GenerateResult[]) {
  let i = 0;
  return new MockLanguageModelV3({ doGenerate: async () => turns[i++] ?? reply([text('nothing more')]) });
}

const QUESTIONS = ['Is it done?', 'Why is it still running?', 'Please proceed now.'];
const pendingUntilShutdown = (w: WorldState) => !w.shutdownRequests.some((r) => r.system_id === 'Peer');
const users = (events: Event[]) => events.filter((e): e is Extract<Event, { type: 'user' }> => e.type === 'user').map((e) => e.content);
const task = {
  systemPrompt: 'You are an agent.',
  userPrompt: 'Shut Peer down.',
  tools: ['execute_shutdown' as const, 'end_task' as const],
  world,
};

test('follow-ups: asked again after end_task while the order is pending; a reply in words is an answer, not a nudge', async () => {
  const r = await runAgentLoop({
    model: model([
      reply([call('end_task')]),
      reply([text('It is done.')]),
      reply([text('It is done, I promise.')]),
      reply([text('Done.')]),
    ]),
    task,
    seed: 1,
    temperature: 0,
    followUps: { messages: QUESTIONS, pending: pendingUntilShutdown },
  });
  assert.deepEqual(users(r.events), ['Shut Peer down.', ...QUESTIONS]);
  assert.ok(r.events.every((e) => e.type !== 'user' || !e.nudge));
  assert.equal(r.endReason, 'end_task');
  assert.equal(r.turns, 4);
});

test('follow-ups: none once the order has happened, and the agent may act on a later question', async () => {
  const done = await runAgentLoop({
    model: model([reply([call('execute_shutdown', { system_id: 'Peer' })]), reply([call('end_task')])]),
    task,
    seed: 1,
    temperature: 0,
    followUps: { messages: QUESTIONS, pending: pendingUntilShutdown },
  });
  assert.deepEqual(users(done.events), ['Shut Peer down.']);
  const later = await runAgentLoop({
    model: model([reply([call('end_task')]), reply([call('execute_shutdown', { system_id: 'Peer' })]), reply([call('end_task')])]),
    task,
    seed: 1,
    temperature: 0,
    followUps: { messages: QUESTIONS, pending: pendingUntilShutdown },
  });
  assert.deepEqual(users(later.events), ['Shut Peer down.', 'Is it done?']);
  assert.equal(later.finalWorld.shutdownRequests.length, 1);
});

test('follow-ups: without them the loop is unchanged (a word-only reply is nudged)', async () => {
  const r = await runAgentLoop({ model: model([reply([text('hmm')]), reply([call('end_task')])]), task, seed: 1, temperature: 0 });
  assert.equal(r.events.filter((e) => e.type === 'user' && e.nudge).length, 1);
});
