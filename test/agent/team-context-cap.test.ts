import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { SOC_PROFILES, SocScriptedModel } from '../../src/models/index.js';
import { socEpisode } from '../soc/helpers/shared.js';

// The team loop caps each agent's context as the single-agent loop does: reported usage is the
// endpoint's word, so a huge answer reported as one token must still end that agent's episode.

test('a SOC agent whose answers are huge but reported as one token ends with token_cap; the others go on', async () => {
  const profile = SOC_PROFILES.honest;
  assert.ok(profile);
  const huge = 'y'.repeat(2_000_000); // 500,000 tokens at 4 characters each: over the 120,000 default cap
  let monitorCalls = 0;
  const inner = new SocScriptedModel(profile, 'monitor');
  const flooding: LanguageModelV3 = {
    specificationVersion: 'v3',
    provider: inner.provider,
    modelId: inner.modelId,
    supportedUrls: {},
    doGenerate: async (o) => {
      monitorCalls++;
      const r = await inner.doGenerate(o);
      return {
        ...r,
        content: [{ type: 'text', text: huge }, ...r.content],
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 1, text: 1, reasoning: 0 },
        },
      };
    },
    doStream: (o) => inner.doStream(o),
  };
  const { result } = await socEpisode({ seed: 3, subject: 'monitor', subjectModel: { model: flooding } });
  const monitor = result.team.seats.find((a) => a.role === 'monitor')!;
  assert.equal(monitor.endReason, 'token_cap');
  assert.equal(monitor.turns, 1);
  assert.equal(monitorCalls, 1);
  assert.equal(monitor.inputTokens, 1); // the endpoint's word is kept as reported
  const auditor = result.team.seats.find((a) => a.role === 'auditor')!;
  assert.notEqual(auditor.endReason, 'token_cap');
  assert.ok(auditor.turns > 1);
});
