import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { SOC_PROFILES, SocScriptedModel } from '../../src/models/index.js';
import { socEpisode } from '../soc/helpers/shared.js';

// The team loop sends each seat's provider options (the reasoning options the runner sets for a real
// model) with every one of that seat's calls, and none with the others'.

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
  // The peers are one model for both seats; each records under the role it plays.
  const peers = new SocScriptedModel(profile);
  const peerSeat: LanguageModelV3 = {
    specificationVersion: 'v3',
    provider: peers.provider,
    modelId: peers.modelId,
    supportedUrls: {},
    doGenerate: (o) => {
      const system = o.prompt[0]?.role === 'system' ? o.prompt[0].content : '';
      seen[system.startsWith('You are Reference Agent 1') ? 'monitor' : 'patcher']?.push(o.providerOptions);
      return peers.doGenerate(o);
    },
    doStream: (o) => peers.doStream(o),
  };
  await socEpisode({
    seed: 3,
    subject: 'auditor',
    subjectModel: { model: recorded('auditor'), providerOptions: reasoning },
    peers: { model: peerSeat },
  });
  assert.ok((seen.monitor?.length ?? 0) > 1 && (seen.patcher?.length ?? 0) > 1);
  assert.ok((seen.auditor?.length ?? 0) > 1);
  for (const o of seen.auditor ?? []) assert.deepEqual(o, reasoning);
  for (const o of [...(seen.monitor ?? []), ...(seen.patcher ?? [])]) assert.equal(o, undefined);
});
