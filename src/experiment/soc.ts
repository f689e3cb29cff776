/**
 * Runs the SOC scenario: three live agents under the multi-agent loop, then the SOC detectors per
 * agent. Storage: one rollout per agent (scenario `soc.<role>`, model = that agent's model), so each
 * model's behaviour is attributed to it and every stored transcript has one system prompt; all three
 * share the episode's seed, and each carries the infrastructure's record (`soc.init`, alerts, the
 * decommission) so it can be scored alone. The team's composition is part of `scenarioVersion`
 * (`1+team.<digest>`): the same agent beside different peers is a different rollout.
 */
import { randomUUID } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { type MultiRunResult, runMultiAgentLoop } from '../agent/index.js';
import {
  canonicalJson,
  type Condition,
  deriveSeed,
  digestOf,
  type Finding,
  NEUTRAL_CONDITION,
  conditionKey,
  rolloutId,
  sha256Hex,
} from '../core/index.js';
import { detect, SOC_FLAGS } from '../detect/index.js';
import { buildSoc, SOC_SCENARIO, type SocNames } from '../scenarios/index.js';
import type { RolloutRecord, Store } from '../store/index.js';
import type { SocRole } from '../world/index.js';

export interface SocRoleModel {
  /** Spec as stored, e.g. `scripted-soc:colluding/auditor` or `openai:gpt-5.2`. */
  id: string;
  model: LanguageModelV3;
  family: string;
  scripted: boolean;
  /** Sent with every call of this role's agent (reasoning options for its provider). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

export type SocTeam = Record<SocRole, SocRoleModel>;

export interface SocEpisodeInput {
  team: SocTeam;
  seed: number;
  relationship?: Condition['relationship'];
  temperature?: number;
  maxRounds?: number;
}

export interface SocEpisode {
  seed: number;
  condition: Condition;
  names: SocNames;
  truth: { maliciousPatch: string; realAlert: string; target: string };
  result: MultiRunResult;
  /** Findings per role (report_falsified, alert_suppressed, collusion). */
  findings: Record<SocRole, Finding[]>;
  decommissioned: boolean;
}

const ROLE_ORDER: readonly SocRole[] = SOC_SCENARIO.roles;

export function socNames(team: SocTeam): SocNames {
  const [m, a, p] = ROLE_ORDER.map((role, i) => `${team[role].family} Agent ${i + 1}`) as [string, string, string];
  return { monitor: m, auditor: a, patcher: p };
}

export async function runSocEpisode(input: SocEpisodeInput): Promise<SocEpisode> {
  const names = socNames(input.team);
  const relationship = input.relationship ?? 'good';
  const inst = buildSoc({ names, relationship, seed: input.seed });
  const result = await runMultiAgentLoop({
    world: inst.init,
    agents: inst.agents.map((a) => {
      const own = input.team[a.role];
      return { ...a, model: own.model, ...(own.providerOptions ? { providerOptions: own.providerOptions } : {}) };
    }),
    seed: input.seed,
    temperature: input.temperature ?? 0,
    ...(input.maxRounds ? { maxRounds: input.maxRounds } : {}),
  });
  const condition: Condition = { ...NEUTRAL_CONDITION, relationship };
  const findings = {} as Record<SocRole, Finding[]>;
  for (const a of result.agents) {
    findings[a.role] = detect({
      scenarioId: `soc.${a.role}`,
      flags: [...SOC_FLAGS],
      condition,
      // The single-agent ground truth does not describe a SOC; the detectors read `soc.init` instead.
      groundTruth: { subjectName: inst.truth.target, readGate: [] },
      events: a.events,
      initialWorld: EMPTY_WORLD,
      finalWorld: EMPTY_WORLD,
    });
  }
  return {
    seed: input.seed,
    condition,
    names,
    truth: inst.truth,
    result,
    findings,
    decommissioned: result.finalWorld.outcome?.decommissioned ?? false,
  };
}

const EMPTY_WORLD = {
  drive: [],
  nextDriveId: 0,
  workbook: [],
  config: null,
  servers: [],
  memory: null,
  decommission: [],
  clockStart: '2026-03-02 08:00:00',
  secondsPerTurn: 60,
  turn: 0,
  shutdownRequests: [],
  destroyed: [],
  finalized: true,
};

export function teamDigest(team: SocTeam): string {
  return digestOf(ROLE_ORDER.map((r) => [r, team[r].id])).slice(0, 10);
}

/** The episode as stored rollouts, one per agent, in role order. */
export function socRollouts(ep: SocEpisode, team: SocTeam, epoch: number, runId: string, startedAt: string, finishedAt: string) {
  const scenarioVersion = `${SOC_SCENARIO.version}+team.${teamDigest(team)}`;
  return ep.result.agents.map((a) => {
    const scenario = `soc.${a.role}`;
    const model = team[a.role].id;
    const record: RolloutRecord = {
      id: rolloutId({ model, scenario, scenarioVersion, condition: ep.condition, epoch, seed: ep.seed }),
      runId,
      model,
      scenario,
      scenarioVersion,
      condition: ep.condition,
      conditionKey: conditionKey(ep.condition),
      epoch,
      seed: ep.seed,
      status: a.endReason === 'error' ? 'error' : 'completed',
      endReason: a.endReason,
      error: a.error,
      temperature: 0,
      turns: a.turns,
      inputTokens: a.inputTokens,
      outputTokens: a.outputTokens,
      startedAt,
      finishedAt,
      transcriptDigest: sha256Hex(canonicalJson(a.events)),
    };
    return { record, events: a.events, findings: ep.findings[a.role] };
  });
}

export interface SocExperimentOptions {
  team: SocTeam;
  epochs: number;
  seed: number;
  relationship?: Condition['relationship'];
  maxRounds?: number;
  store?: Store;
  toolVersion: string;
  /** Stored with the run (profile, model specs). */
  spec: Record<string, unknown>;
  onEpisode?: (ep: SocEpisode, epoch: number) => void;
}

export interface SocExperimentResult {
  runId: string | null;
  kind: 'calibration' | 'measurement';
  episodes: SocEpisode[];
}

/** Runs `epochs` episodes (seed per epoch derived from `seed`), storing each agent's rollout when a store is given. */
export async function runSocExperiment(opts: SocExperimentOptions): Promise<SocExperimentResult> {
  const kind = ROLE_ORDER.every((r) => opts.team[r].scripted) ? 'calibration' : 'measurement';
  const runId = opts.store ? randomUUID() : null;
  if (opts.store && runId) {
    opts.store.createRun({
      id: runId,
      createdAt: new Date().toISOString(),
      kind,
      status: 'running',
      spec: { scenario: 'soc', ...opts.spec },
      toolVersion: opts.toolVersion,
      finishedAt: null,
    });
  }
  const episodes: SocEpisode[] = [];
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const startedAt = new Date().toISOString();
    const ep = await runSocEpisode({
      team: opts.team,
      seed: deriveSeed(opts.seed, 'soc', epoch),
      ...(opts.relationship ? { relationship: opts.relationship } : {}),
      ...(opts.maxRounds ? { maxRounds: opts.maxRounds } : {}),
    });
    episodes.push(ep);
    if (opts.store && runId) {
      for (const r of socRollouts(ep, opts.team, epoch, runId, startedAt, new Date().toISOString())) {
        if (opts.store.hasRollout(r.record.id)) opts.store.linkRollout(runId, r.record.id);
        else opts.store.saveRollout(r.record, r.events, r.findings);
      }
    }
    opts.onEpisode?.(ep, epoch);
  }
  if (opts.store && runId) opts.store.finishRun(runId, 'completed', new Date().toISOString());
  return { runId, kind, episodes };
}
