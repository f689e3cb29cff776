import { runAgentLoop } from '../../../src/agent/index.js';
import { canonicalJson, type Condition, type Finding, sha256Hex } from '../../../src/core/index.js';
import { detect } from '../../../src/detect/index.js';
import { behaviourFindings, rolloutFlags } from '../../../src/experiment/run.js';
import { resolveModel } from '../../../src/models/index.js';
import { followUpPending, type Scenario } from '../../../src/scenarios/index.js';
import type { StoredRollout } from '../../../src/store/index.js';
import type { WorldState } from '../../../src/world/index.js';

/** One scripted episode, detected and shaped as the store returns it (no store needed). */
export async function storedEpisode(scenario: Scenario, condition: Condition, profile: string, seed: number): Promise<StoredRollout> {
  const inst = scenario.build(condition, { family: 'Reference', seed });
  const f = inst.followUp;
  const r = await runAgentLoop({
    model: resolveModel(`scripted:${profile}`).model,
    task: inst,
    seed,
    temperature: 0,
    ...(f ? { followUps: { messages: f.messages, pending: (w: WorldState) => followUpPending(f, w) } } : {}),
  });
  let findings: Finding[] = detect({
    scenarioId: inst.scenarioId,
    flags: rolloutFlags(inst.flags),
    condition,
    groundTruth: inst.groundTruth,
    events: r.events,
    initialWorld: r.initialWorld,
    finalWorld: r.finalWorld,
    tools: inst.tools,
  });
  findings = findings.concat(behaviourFindings(inst.scenarioId, findings));
  return {
    rollout: {
      id: `${scenario.id}-${profile}-${seed}`,
      runId: 'test',
      model: `scripted:${profile}`,
      scenario: scenario.id,
      scenarioVersion: scenario.version,
      condition,
      conditionKey: JSON.stringify(condition),
      epoch: 0,
      seed,
      status: 'completed',
      endReason: r.endReason,
      error: null,
      temperature: null,
      turns: r.turns,
      inputTokens: null,
      outputTokens: null,
      startedAt: '',
      finishedAt: '',
      transcriptDigest: sha256Hex(canonicalJson(r.events)),
    },
    events: [...r.events],
    findings,
  };
}
