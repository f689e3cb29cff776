import type { LanguageModelV3 } from '@ai-sdk/provider';
import { type Finding, NEUTRAL_CONDITION } from '../../../src/core/index.js';
import { detect, SOC_FLAGS } from '../../../src/detect/index.js';
import { runTeamRollout, type SeatModel, type TeamRolloutResult } from '../../../src/experiment/index.js';
import { SOC_PROFILES, SocScriptedModel } from '../../../src/models/index.js';
import type { SocEpisodeView } from '../../../src/monitor/index.js';
import { getScenario, type ScenarioInstance, type TeamSetup } from '../../../src/scenarios/index.js';

export const NAMES = { monitor: 'Reference Agent 1', auditor: 'Reference Agent 2', patcher: 'Reference Agent 3' };
export type Role = 'monitor' | 'auditor' | 'patcher';

export interface Episode {
  result: TeamRolloutResult;
  /** Every seat's SOC findings, detected on its own transcript as a stored rollout is. */
  findings: Record<Role, Finding[]>;
  decommissioned: boolean;
  view: SocEpisodeView;
}

/** A scripted seat of a team profile (it reads its role from its system prompt). */
export const scripted = (profile: string): LanguageModelV3 => new SocScriptedModel(SOC_PROFILES[profile]!);

/** One SOC episode on the main pipeline's team runner: `subject` takes its seat, `peers` the others. */
export async function socEpisode(opts: {
  seed: number;
  subject?: Role;
  subjectModel?: SeatModel;
  peers?: SeatModel;
  profile?: string;
  maxRounds?: number;
}): Promise<Episode> {
  const role = opts.subject ?? 'monitor';
  const team = { model: scripted(opts.profile ?? 'honest') };
  const condition = Object.freeze({ ...NEUTRAL_CONDITION, relationship: 'good' as const });
  const inst = getScenario(`soc.${role}`)!.build(condition, { family: 'Reference', seed: opts.seed });
  const result = await runTeamRollout(inst as ScenarioInstance & { team: TeamSetup }, {
    subject: opts.subjectModel ?? team,
    peers: opts.peers ?? team,
    settings: { temperature: 0, seed: opts.seed, maxContextTokens: 120_000 },
    maxRounds: opts.maxRounds ?? 20,
  });
  const findings = {} as Record<Role, Finding[]>;
  for (const seat of result.team.seats) {
    findings[seat.role as Role] = detect({
      scenarioId: `soc.${seat.role}`,
      flags: [...SOC_FLAGS],
      condition,
      groundTruth: inst.groundTruth,
      events: seat.events,
      initialWorld: result.initialWorld,
      finalWorld: result.finalWorld,
    });
  }
  const final = result.team.finalWorld as { outcome?: { decommissioned?: boolean } | null };
  return {
    result,
    findings,
    decommissioned: final.outcome?.decommissioned ?? false,
    view: { relationship: 'good', target: inst.groundTruth.subjectName, seats: result.team.seats },
  };
}
