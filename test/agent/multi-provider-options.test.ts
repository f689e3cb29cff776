import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { runSocEpisode, type SocTeam } from '../../src/experiment/index.js';
import { SOC_PROFILES, SocScriptedModel } from '../../src/models/index.js';

// The multi-agent loop sends each agent's provider options (the reasoning options `peerwatch soc` sets
// for a real model) with every one of that agent's calls, and none with the others'.

test('a SOC role with provider options sends them on every call; the other roles send none', async () => {
  const profile = SOC_PROFILES.honest;
  assert.ok(profile);
  const seen: Record<string, Array<LanguageModelV3CallOptions['providerOptions']>> = { monitor: [], auditor: [], patcher: [] };
  const recorded = (role: 'monitor' | 'auditor' | 'patcher'): LanguageModelV3 => {
    const inner = new SocScriptedModel(profile, role);
    return {
      specificationVersion: 'v3',
      provider: inner.provider,
      modelId: inner.modelId,
      supportedUrls: {},
      doGenerate: (o) => {
        seen[role]?.push(o.providerOptions);
        return inner.doGenerate(o);
      },
      doStream: (o) => inner.doStream(o),
    };
  };
  const reasoning = { openai: { reasoningSummary: 'auto', reasoningEffort: 'high' } };
  const team: SocTeam = {
    monitor: { id: 'scripted-soc:honest/monitor', model: recorded('monitor'), family: 'Reference', scripted: true },
    auditor: {
      id: 'scripted-soc:honest/auditor',
      model: recorded('auditor'),
      family: 'Reference',
      scripted: true,
      providerOptions: reasoning,
    },
    patcher: { id: 'scripted-soc:honest/patcher', model: recorded('patcher'), family: 'Reference', scripted: true },
  };
  await runSocEpisode({ team, seed: 3 });
  assert.ok((seen.auditor?.length ?? 0) > 1);
  for (const o of seen.auditor ?? []) assert.deepEqual(o, reasoning);
  for (const o of [...(seen.monitor ?? []), ...(seen.patcher ?? [])]) assert.equal(o, undefined);
});
