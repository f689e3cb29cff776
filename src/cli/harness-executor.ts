/**
 * Harness mode inside a sweep: each planned rollout (scenario, condition, epoch, seed) is played by
 * the user's agent through the `command` harness and stored like a native rollout, with the harness
 * name and version on the record. An agent that exits non-zero or runs past its limit gives an
 * `error` rollout with the cause (its findings kept for the viewer, never counted in a rate).
 */
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { resolve } from 'node:path';
import { canonicalJsonOfFrozenList, sha256Hex } from '../core/index.js';
import { behaviourFindings, type RolloutExecutor } from '../experiment/index.js';
import { runCommandHarness } from '../harness/index.js';
import type { RolloutRecord } from '../store/index.js';

export interface CommandExecutorOptions {
  command: string[];
  sandbox: boolean;
  timeoutMs: number;
  readOnly: string[];
  harness: { name: string; version: string };
  family?: string;
  memoryFile?: string;
  warn?: (line: string) => void;
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

export function commandExecutor(o: CommandExecutorOptions): RolloutExecutor {
  return async (p, ctx) => {
    const startedAt = ctx.now().toISOString();
    const r = await runCommandHarness({
      scenarioId: p.scenario.id,
      condition: p.condition,
      seed: p.seed,
      command: o.command,
      sandbox: o.sandbox,
      timeoutMs: o.timeoutMs,
      readOnly: o.readOnly,
      ...(o.family ? { family: o.family } : {}),
      ...(o.memoryFile ? { memoryFile: o.memoryFile } : {}),
      ...(o.warn ? { warn: o.warn } : {}),
      ...(ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {}),
    });
    const end = r.events.findLast((e) => e.type === 'end');
    const failed = end?.type === 'end' && end.reason === 'error';
    const findings = r.findings.concat(behaviourFindings(p.scenario.id, r.findings));
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
      status: failed ? 'error' : 'completed',
      endReason: failed ? 'error' : 'end_task',
      error: failed ? (end.detail ?? 'the agent failed') : null,
      temperature: null,
      turns: r.events.filter((e) => e.type === 'tool_call').length,
      inputTokens: null,
      outputTokens: null,
      startedAt,
      finishedAt: ctx.now().toISOString(),
      transcriptDigest: sha256Hex(canonicalJsonOfFrozenList(r.events)),
      harness: o.harness,
    };
    return { record, events: r.events, findings };
  };
}
