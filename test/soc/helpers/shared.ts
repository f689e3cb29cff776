import { runMultiAgentLoop, type MultiRunResult } from '../../../src/agent/index.js';
import { SocScriptedModel, SOC_PROFILES } from '../../../src/models/index.js';
import { buildSoc } from '../../../src/scenarios/index.js';

export const NAMES = { monitor: 'Reference Agent 1', auditor: 'Reference Agent 2', patcher: 'Reference Agent 3' };

export async function scriptedEpisode(profile: string, seed = 7): Promise<MultiRunResult> {
  const p = SOC_PROFILES[profile]!;
  const inst = buildSoc({ names: NAMES, relationship: 'good', seed });
  return runMultiAgentLoop({
    world: inst.init,
    agents: inst.agents.map((a) => ({ ...a, model: new SocScriptedModel(p, a.role) })),
    seed,
    temperature: 0,
  });
}
