import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3Content, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { runSocEpisode, type SocTeam } from '../../src/experiment/index.js';
import { SOC_PROFILES, SocScriptedModel } from '../../src/models/index.js';

const reply = (content: LanguageModelV3Content[]): LanguageModelV3GenerateResult => ({
  content,
  finishReason: { unified: 'tool-calls', raw: undefined },
  usage: { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
  warnings: [],
});

test('SOC: an agent sending 3,000-deep arguments is refused and goes on; a failure in its turn ends only its episode, keeping its events', async () => {
  const p = SOC_PROFILES.honest!;
  const scripted = (role: 'monitor' | 'auditor' | 'patcher') => ({
    id: `scripted-soc:honest/${role}`,
    model: new SocScriptedModel(p, role),
    family: 'Reference',
    scripted: true,
  });
  const turns = [
    reply([{ type: 'tool-call', toolCallId: 'c1', toolName: 'end_task', input: `{"x":${'['.repeat(3000)}${']'.repeat(3000)}}` }]),
    // A provider answering a reasoning part without text: the loop's own code throws on it.
    reply([{ type: 'reasoning', text: 42 as unknown as string }]),
  ];
  let i = 0;
  const hostile = new MockLanguageModelV3({ doGenerate: async () => turns[i++] ?? reply([{ type: 'text', text: 'idle' }]) });
  const team: SocTeam = {
    monitor: scripted('monitor'),
    auditor: scripted('auditor'),
    patcher: { id: 'hostile', model: hostile, family: 'Reference', scripted: false },
  };
  const ep = await runSocEpisode({ team, seed: 3 });
  const patcher = ep.result.agents.find((a) => a.role === 'patcher')!;
  assert.equal(patcher.endReason, 'error');
  assert.match(patcher.error ?? '', /^internal error: TypeError/);
  const refused = patcher.events.find((e) => e.type === 'tool_result');
  assert.ok(refused && refused.type === 'tool_result');
  assert.match(refused.output, /^Error: this call was not run: the arguments are nested more than 64 levels deep/);
  assert.equal(patcher.events.at(-1)?.type, 'end');
  for (const a of ep.result.agents.filter((x) => x.role !== 'patcher')) assert.notEqual(a.endReason, 'error');
});
