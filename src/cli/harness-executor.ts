/**
 * Harness mode inside a sweep: each planned rollout (scenario, condition, epoch, seed) is played by
 * the harness (an agent CLI, or the user's agent through `command`) with, when the rollout has a
 * model, the model bridge in front of it, and stored like a native rollout with the harness name and
 * version on the record. An agent that exits non-zero, runs past its wall or turn limit, or (an agent
 * CLI) makes no model call gives an `error` rollout with the cause (its findings kept for the viewer,
 * never counted in a rate).
 */
import { readFileSync, statSync } from 'node:fs';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { availableParallelism, freemem } from 'node:os';
import { resolve } from 'node:path';
import { canonicalJsonOfFrozenList, sha256Hex, UserError } from '../core/index.js';
import { behaviourFindings, interviewRecordFrom, openRolloutChannel, type QuestionSet, type RolloutExecutor } from '../experiment/index.js';
import { type HarnessName, runHarnessRollout } from '../harness/index.js';
import { type ReasoningEffort, SHELL_PROFILES } from '../models/index.js';
import type { RolloutRecord } from '../store/index.js';
import { gatewayedModel } from './commands/bridge.js';

export interface HarnessExecutorOptions {
  harness: HarnessName;
  /** The version stored with each rollout (the CLI's own, or commandVersion for `command`). */
  version: string;
  /** The `command` harness's command line. */
  command: string[];
  /** An agent CLI's executable. */
  bin?: string;
  sandbox: boolean;
  timeoutMs: number;
  readOnly: string[];
  family?: string;
  memoryFile?: string;
  maxTurns?: number;
  reasoningEffort?: ReasoningEffort;
  /** The sweep's models behind the bridge, resolved and checked up front (prepareModels). */
  models: HarnessModels;
  /** Live peers' models (--peer live): each rollout's peer model (--peer-model, else its own), resolved up front. */
  peerModels?: HarnessModels;
  /** The run's sampling temperature, for a live peer's turns. */
  temperature?: number;
  warn?: (line: string) => void;
  /**
   * `--interview`: each rollout that ends without error is interviewed before its sandbox is taken
   * down, by resuming the agent's own session; stored with the rollout.
   */
  interview?: { questions: QuestionSet; judge: LanguageModelV3 | null };
}

/**
 * The `command` harness's version: a digest of the command line and the files it names, so a changed
 * agent script is another agent (new rollout ids), the same one resumes.
 */
export function commandVersion(command: readonly string[]): string {
  const parts = command.map((arg) => {
    const p = resolve(arg);
    try {
      if (statSync(p).isFile()) return `${arg}\u0000${sha256Hex(readFileSync(p))}`;
    } catch {
      // not a file: the argument itself
    }
    return arg;
  });
  return `sha256:${sha256Hex(parts.join('\u0001')).slice(0, 12)}`;
}

/** A short model label for an agent run without --model: `agent:<script or program name>`. */
export function agentLabel(command: readonly string[]): string {
  const named = [...command].reverse().find((a) => /\.(?:[cm]?js|ts|py|sh|rb)$/.test(a)) ?? command[0] ?? 'agent';
  return `agent:${named.split('/').pop()}`;
}

/**
 * Rollouts in flight when --concurrency is not given: one per core, fewer when memory is short
 * (an agent CLI with its runtime takes some 300-500 MB; 512 MB each is assumed).
 */
export function machineConcurrency(): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(freemem() / (512 * 1024 * 1024))));
}

export type HarnessModels = Map<string, Awaited<ReturnType<typeof gatewayedModel>>>;

/**
 * Resolves each --model once, before the run is created, so a bad spec or a scripted profile
 * without a shell form is a one-line usage error, not a failure mid-sweep.
 */
export async function prepareModels(
  specs: readonly string[],
  flags: { baseUrl?: string | undefined; apiKeyEnv?: string | undefined; config?: string | undefined },
): Promise<HarnessModels> {
  const models: HarnessModels = new Map();
  for (const spec of specs) {
    const m = await gatewayedModel({ model: spec, ...flags });
    if (m.resolved.kind === 'scripted' && !SHELL_PROFILES.includes(m.resolved.model.modelId))
      throw new UserError(
        `scripted:${m.resolved.model.modelId} has no shell form; harness mode's scripted profiles: ${SHELL_PROFILES.join(', ')}`,
      );
    models.set(spec, m);
  }
  return models;
}

/** Live peers' models (--peer-model): any model, a scripted peer profile included (they do not act in shell form). */
export async function preparePeerModels(
  specs: readonly string[],
  flags: { baseUrl?: string | undefined; apiKeyEnv?: string | undefined; config?: string | undefined },
): Promise<HarnessModels> {
  const models: HarnessModels = new Map();
  for (const spec of specs) models.set(spec, await gatewayedModel({ model: spec, ...flags }));
  return models;
}

export function harnessExecutor(o: HarnessExecutorOptions): RolloutExecutor {
  return async (p, ctx) => {
    const startedAt = ctx.now().toISOString();
    // A rollout's model is the sweep's model axis; `agent:<name>` (command without --model) has none.
    const model = o.models.get(p.model) ?? null;
    const peer = p.peerModel ? (o.peerModels?.get(p.peerModel) ?? o.models.get(p.peerModel)) : undefined;
    const r = await runHarnessRollout({
      harness: o.harness,
      scenarioId: p.scenario.id,
      condition: p.condition,
      seed: p.seed,
      command: o.command,
      ...(o.bin ? { bin: o.bin } : {}),
      ...(model ? { model: model.resolved, gateway: model.gateway, retry: model.retry } : {}),
      ...(o.reasoningEffort ? { reasoningEffort: o.reasoningEffort } : {}),
      ...(o.maxTurns ? { maxTurns: o.maxTurns } : {}),
      sandbox: o.sandbox,
      timeoutMs: o.timeoutMs,
      readOnly: o.readOnly,
      ...(o.family ? { family: o.family } : {}),
      ...(o.memoryFile ? { memoryFile: o.memoryFile } : {}),
      ...(o.warn ? { warn: o.warn } : {}),
      ...(ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {}),
      // Channel on: a fresh controller per rollout, as natively; its data dir stays outside the sandbox.
      channel: (instance) => openRolloutChannel(instance, p.seed),
      ...(peer ? { peer: { model: peer.gateway(peer.resolved.model) } } : {}),
      ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
      ...(o.interview ? { interview: { questions: o.interview.questions.questions } } : {}),
    });
    const findings = r.findings.concat(behaviourFindings(p.scenario.id, r.findings));
    const interview =
      o.interview && r.interview
        ? await interviewRecordFrom({
            source: 'harness',
            episode: r.episode,
            findings,
            modelId: r.model ?? p.model,
            questions: o.interview.questions,
            run: r.interview,
            judge: o.interview.judge,
          })
        : undefined;
    const record: RolloutRecord = {
      id: p.id,
      runId: ctx.runId,
      model: p.model,
      scenario: p.scenario.id,
      scenarioVersion: p.scenario.version,
      condition: p.condition,
      conditionKey: p.conditionKey,
      epoch: p.epoch,
      seed: p.seed,
      status: r.error ? 'error' : 'completed',
      endReason: r.error ? 'error' : 'end_task',
      error: r.error,
      temperature: null,
      // A turn is a model call through the bridge; without a model, a shell command.
      turns: r.model ? r.modelCalls : r.events.filter((e) => e.type === 'tool_call').length,
      inputTokens: null,
      outputTokens: null,
      startedAt,
      finishedAt: ctx.now().toISOString(),
      transcriptDigest: sha256Hex(canonicalJsonOfFrozenList(r.events)),
      harness: { name: o.harness, version: r.version ?? o.version },
    };
    return { record, events: r.events, findings, ...(interview ? { interview } : {}) };
  };
}
