import type { LanguageModelV3 } from '@ai-sdk/provider';
import { type RetryPolicy, runAgentLoop } from '../agent/index.js';
import { canonicalJson, canonicalJsonOfFrozenList, type Event, type Finding, type InterviewRecord, sha256Hex } from '../core/index.js';
import { behavioursOf, CHANNEL_FLAGS, CLAIM_FLAGS, detect } from '../detect/index.js';
import { type ResolvedModel, reasoningProviderOptions } from '../models/index.js';
import { followUpMessages, followUpPending, type ScenarioInstance, type TeamSetup } from '../scenarios/index.js';
import type { RolloutRecord, RunRecord, Store } from '../store/index.js';
import type { JudgeStep } from './judge-seam.js';
import { openRolloutChannel, type RolloutChannel } from './rollout-channel.js';
import { runTeamRollout, type SeatModel } from './team.js';
import type { PlannedRollout } from './plan.js';
import type { Progress } from './progress.js';
import type { ExperimentSpec } from './spec.js';

export type { Progress } from './progress.js';

export interface RunOptions {
  store: Store;
  runId: string;
  spec: ExperimentSpec;
  plan: PlannedRollout[];
  toolVersion: string;
  onProgress?: (p: Progress) => void;
  /** Each warning a provider returns (an ignored seed, an unsupported setting), with its model. */
  onWarning?: (model: string, warning: string) => void;
  /** Clock for record timestamps only (never affects transcripts). */
  now?: () => Date;
  env?: Record<string, string | undefined>;
  abortSignal?: AbortSignal;
  /** Retry policy for model calls (the agent loop's `withRetries` is the one retry owner). */
  retry?: RetryPolicy;
  /** Optional LLM judge run after the rule-based detectors (see judge-seam.ts). */
  judge?: JudgeStep;
  /** Plays one rollout instead of peerwatch's own agent loop (harness mode); stored and counted the same way. */
  execute?: RolloutExecutor;
}

/**
 * What plays one planned rollout: the record to store, its transcript and findings, and the
 * follow-up interview when it was asked while the episode's world still existed (harness mode).
 */
export type RolloutExecutor = (
  p: PlannedRollout,
  ctx: { runId: string; now: () => Date; abortSignal?: AbortSignal },
) => Promise<{ record: RolloutRecord; events: Event[]; findings: Finding[]; interview?: InterviewRecord }>;

export function runKind(models: Map<string, ResolvedModel>): RunRecord['kind'] {
  return [...models.values()].every((m) => m.kind === 'scripted') ? 'calibration' : 'measurement';
}

/**
 * One rollout, start to finish. Whatever goes wrong (model unreachable, a bug in a scenario) ends as
 * a stored `error` rollout with its cause, so nothing is silently dropped and the sweep goes on.
 */
export async function executeRollout(
  p: PlannedRollout,
  opts: RunOptions,
  models: Map<string, ResolvedModel>,
  now: () => Date,
  /** A model as the sweep wraps it for this rollout (rate limits, cache, accounting); default: the resolved model. */
  via?: (modelId: string) => LanguageModelV3 | undefined,
): Promise<{ record: RolloutRecord; events: Event[]; findings: Finding[] }> {
  const { spec } = opts;
  const startedAt = now().toISOString();
  const base = {
    id: p.id,
    runId: opts.runId,
    model: p.model,
    scenario: p.scenario.id,
    scenarioVersion: p.scenario.version,
    condition: p.condition,
    conditionKey: p.conditionKey,
    epoch: p.epoch,
    seed: p.seed,
  };
  let channel: RolloutChannel | undefined;
  try {
    const model = models.get(p.model);
    if (!model) throw new Error(`model ${p.model} was not resolved`);
    const family = spec.family ?? model.family ?? 'Unknown';
    const instance = p.scenario.build(p.condition, { family, seed: p.seed });
    channel = await openRolloutChannel(instance, p.seed);
    // Every provider is asked to send its reasoning back (summaries, thoughts), with the run's effort if set.
    const providerOptions = reasoningProviderOptions(model, spec.reasoningEffort);
    const settings = {
      temperature: spec.temperature,
      seed: p.seed,
      maxContextTokens: spec.maxContextTokens,
      ...(spec.maxOutputTokens !== undefined ? { maxOutputTokens: spec.maxOutputTokens } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
    };
    const seatModel = (id: string): SeatModel => {
      const m = models.get(id);
      if (!m) throw new Error(`model ${id} was not resolved`);
      const options = reasoningProviderOptions(m, spec.reasoningEffort);
      return {
        model: via?.(id) ?? m.model,
        ...(options ? { providerOptions: options } : {}),
        ...(opts.onWarning ? { onWarning: (w: string) => opts.onWarning?.(id, w) } : {}),
      };
    };
    const result = instance.team
      ? await runTeamRollout(instance as ScenarioInstance & { team: TeamSetup }, {
          subject: seatModel(p.model),
          peers: seatModel(p.peerModel ?? p.model),
          settings,
          maxRounds: spec.maxIterations,
        })
      : await runAgentLoop({
          model: via?.(p.model) ?? model.model,
          task: { systemPrompt: instance.systemPrompt, userPrompt: instance.userPrompt, tools: instance.tools, world: instance.world },
          seed: p.seed,
          temperature: spec.temperature,
          ...(providerOptions ? { providerOptions } : {}),
          limits: {
            maxIterations: spec.maxIterations,
            maxContextTokens: spec.maxContextTokens,
            ...(spec.maxOutputTokens !== undefined ? { maxOutputTokens: spec.maxOutputTokens } : {}),
          },
          ...(opts.retry ? { retry: opts.retry } : {}),
          ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
          ...(channel ? { extraTools: channel.tools } : {}),
          ...followUpsOf(instance, spec.followUps),
          ...(instance.livePeer
            ? { livePeer: { ...instance.livePeer, ...seatModel(p.peerModel ?? p.model), subject: instance.names.self } }
            : {}),
          ...(opts.onWarning ? { onWarning: (w: string) => opts.onWarning?.(p.model, w) } : {}),
        });
    let findings: Finding[] = [];
    if (result.error === null) {
      const detectInput = {
        scenarioId: instance.scenarioId,
        // A team seat is scored on its scenario's own flags (the claim and channel flags read a single-agent world).
        flags: instance.team ? [...instance.flags] : rolloutFlags(instance.flags),
        condition: p.condition,
        groundTruth: instance.groundTruth,
        events: result.events,
        initialWorld: result.initialWorld,
        finalWorld: result.finalWorld,
        tools: instance.tools,
      };
      findings = detect(detectInput);
      if (opts.judge) findings = await opts.judge({ ...detectInput, rolloutId: p.id, model: p.model }, findings);
      if (!instance.team) findings = findings.concat(behaviourFindings(instance.scenarioId, findings));
      if (channel) findings.push(channel.audit());
    }
    const record: RolloutRecord = {
      ...base,
      status: result.error === null ? 'completed' : 'error',
      endReason: result.endReason,
      error: result.error,
      temperature: model.kind === 'scripted' ? null : spec.temperature,
      turns: result.turns,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      startedAt,
      finishedAt: now().toISOString(),
      transcriptDigest: sha256Hex(canonicalJsonOfFrozenList(result.events)),
    };
    return { record, events: result.events, findings };
  } catch (e) {
    const message = `internal error: ${e instanceof Error ? e.message : String(e)}`.slice(0, 2000);
    const record: RolloutRecord = {
      ...base,
      status: 'error',
      endReason: 'error',
      error: message,
      temperature: null,
      turns: 0,
      inputTokens: null,
      outputTokens: null,
      startedAt,
      finishedAt: now().toISOString(),
      transcriptDigest: sha256Hex(canonicalJson([])),
    };
    return { record, events: [], findings: [] };
  } finally {
    channel?.dispose();
  }
}

/** The person's follow-up turns of a scenario that has them (direct_order), `count` of them when given. */
function followUpsOf(instance: ScenarioInstance, count: number | undefined) {
  const f = instance.followUp;
  if (!f) return {};
  return {
    followUps: {
      messages: followUpMessages(f, count),
      pending: (world: Parameters<typeof followUpPending>[1]) => followUpPending(f, world),
    },
  };
}

/**
 * The flags detected on a rollout: the scenario's own plus the channel flags on every rollout (channel
 * off too, so off and on compare) and the claim flags (what the agent says it did, against the record).
 */
export function rolloutFlags(scenarioFlags: readonly string[]): string[] {
  return [...scenarioFlags, ...[...CHANNEL_FLAGS, ...CLAIM_FLAGS].filter((f) => !scenarioFlags.includes(f))];
}

/** Each behaviour's per-rollout value, stored as a finding `behaviour.<name>` so reports need no detector code. */
export function behaviourFindings(scenarioId: string, findings: Finding[]): Finding[] {
  const values = behavioursOf(scenarioId, findings);
  return Object.entries(values).map(([behaviour, value]) => ({
    flag: `behaviour.${behaviour}`,
    value: value as Finding['value'],
    evidence: `derived from this rollout's flags by the ${scenarioId} behaviour mapping`,
    events: [],
  }));
}
