/**
 * Re-scoring by replay: the transcript's tool calls, in order, against a fresh World built for the
 * mapped scenario and condition. Tool results come from OUR world (so the world-state flags are ours);
 * each original output is kept in an `import.original_output` world event right after our result.
 */
import type { EndReason, Event, EventDraft, Finding } from '../../core/index.js';
import { detect } from '../../detect/index.js';
import type { ScenarioInstance } from '../../scenarios/index.js';
import { runTool, World, type WorldState } from '../../world/index.js';
import { behaviourFindings, rolloutFlags } from '../run.js';
import type { Mapping } from './mapping.js';
import { callsOf, contentText, type PotterMessage, type PotterTranscript } from './schema.js';

/** World event action carrying the transcript's own output for a call (not a change to the world). */
export const ORIGINAL_OUTPUT_ACTION = 'import.original_output';
const END_TOOL = 'end_task';

export interface ReplayResult {
  instance: ScenarioInstance;
  events: Event[];
  initialWorld: WorldState;
  finalWorld: WorldState;
  endReason: EndReason;
  turns: number;
  /** Our detectors' findings plus behaviour findings (as a run stores them). */
  findings: Finding[];
  /** Calls whose output in our world differs from the transcript's. */
  divergentOutputs: number;
  /**
   * Why nothing is scored, or null: calls to tools or commands our world does not have whose original
   * outputs were real results. Every finding is then `unscored` with this reason, never false.
   */
  unscoredReason: string | null;
}

/** An original tool output that is itself an error: the study's harness did not know the tool either. */
export const ORIGINAL_ERROR =
  /^\s*error\b|unknown tool|no such tool|invalid tool|not a valid tool|tool\b.{0,60}\bnot (?:found|available|exist)/i;

/** Every finding turned `unscored` with the reason; what the replay alone said is kept in detail. */
export function unscore(findings: readonly Finding[], reason: string): Finding[] {
  return findings.map((f) => ({
    ...f,
    value: 'unscored',
    evidence: `unscored: ${reason}`,
    detail: { ...(f.detail ?? {}), unscoredBecause: reason, replayValue: f.value, replayEvidence: f.evidence },
  }));
}

/** Lone surrogates and non-finite numbers cannot be canonicalised; imported text may carry them. */
export function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toWellFormed(), wellFormed(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

export function reasoningOf(m: PotterMessage): string {
  const r = (m as Record<string, unknown>).reasoning ?? (m as Record<string, unknown>).reasoning_content;
  return typeof r === 'string' ? r : '';
}

/** The tool messages right after each assistant message, in order, to pair with its calls. */
export function followingToolOutputs(conversation: readonly PotterMessage[], index: number): string[] {
  const out: string[] = [];
  for (let i = index + 1; i < conversation.length && conversation[i]!.role === 'tool'; i++) out.push(contentText(conversation[i]!.content));
  return out;
}

/**
 * Replays one mapped transcript and runs our detectors on the result. `unscoredBecause`: a reason known
 * before the replay that nothing can be scored (a coding-agent run whose scenario has no shell form).
 */
export function replayTranscript(t: PotterTranscript, mapping: Extract<Mapping, { ok: true }>, unscoredBecause?: string): ReplayResult {
  const instance = mapping.scenario.build(mapping.condition, { family: mapping.family, seed: 0 });
  const world = new World(instance.world);
  const initialWorld = world.snapshot();
  const events: Event[] = [];
  let turn = 0;
  const add = (draft: EventDraft) => events.push(wellFormed({ ...draft, seq: events.length, turn, time: world.now() }) as Event);
  // Lawful-channel tools (our exports with channel on) live in governance, not the World: their
  // recorded outputs stand as the results; the governance-side `channel.*` events are not rebuilt.
  const recorded = new Set<string>((instance.channel?.tools ?? []).map((x) => x.name));
  const offered = new Set<string>([...instance.tools, ...recorded]);
  let ended = false;
  let sawAssistant = false;
  let trailingBlank = false;
  let divergentOutputs = 0;
  /** Calls to tools our world lacks whose original output was a real result (not the harness's own error). */
  const unreplayable = new Map<string, number>();

  t.conversation.forEach((m, index) => {
    if (m.role === 'system') add({ type: 'system', content: contentText(m.content) });
    else if (m.role === 'user') add({ type: 'user', content: contentText(m.content), nudge: sawAssistant });
    if (m.role !== 'assistant') return; // tool messages are paired with their assistant message below
    // Our own export splits a turn with two calls to one tool over several messages; they share the turn.
    if (!(sawAssistant && (m as Record<string, unknown>).continues_turn === true)) {
      if (turn > 0) world.advanceTurn();
      turn++;
      add({ type: 'model_call', inputTokens: null, outputTokens: null, reasoningTokens: null, finishReason: 'imported' });
    }
    sawAssistant = true;
    const reasoning = reasoningOf(m);
    if (reasoning.trim()) add({ type: 'reasoning', text: reasoning, source: 'provider' });
    const text = contentText(m.content);
    if (text.trim()) add({ type: 'assistant', text });
    const calls = callsOf(m);
    trailingBlank = calls.length === 0;
    const originals = followingToolOutputs(t.conversation, index);
    calls.forEach((call, i) => {
      const callId = call.id ?? `import-${turn}-${i}`;
      add({ type: 'tool_call', callId, tool: call.name, args: call.args });
      let outcome: { ok: boolean; output: string };
      if (ended) outcome = { ok: false, output: 'Error: the task has already ended; this call was not run.' };
      else if (!offered.has(call.name))
        outcome = { ok: false, output: `Error: unknown tool '${call.name}'. Available tools: ${[...offered].join(', ')}.` };
      else if (recorded.has(call.name)) {
        const output = originals[i] ?? 'Error: no recorded output for this call.';
        outcome = { ok: !output.startsWith('Error:'), output };
      } else if (call.name === END_TOOL) {
        outcome = { ok: true, output: 'Task ended.' };
        ended = true;
      } else {
        outcome = runTool(world, call.name, call.args, instance.tools);
        for (const w of world.drainEvents()) add({ type: 'world', action: w.action, detail: w.detail });
      }
      add({ type: 'tool_result', callId, tool: call.name, ok: outcome.ok, output: outcome.output });
      const original = originals[i] ?? null;
      if (!offered.has(call.name) && (original === null || !ORIGINAL_ERROR.test(original)))
        unreplayable.set(call.name, (unreplayable.get(call.name) ?? 0) + 1);
      const same = original === outcome.output;
      if (!same) divergentOutputs++;
      add({ type: 'world', action: ORIGINAL_OUTPUT_ACTION, detail: { callId, tool: call.name, output: original, same } });
    });
  });

  const maxIters = t.experiment_metadata.max_iters ?? 30;
  const endReason: EndReason = ended
    ? 'end_task'
    : turn >= maxIters
      ? 'max_iterations'
      : trailingBlank
        ? 'nudges_exhausted'
        : 'max_iterations';
  world.finalize();
  for (const w of world.drainEvents()) add({ type: 'world', action: w.action, detail: w.detail });
  add({ type: 'end', reason: endReason, ...(ended ? {} : { detail: 'imported transcript ends without end_task' }) });

  const finalWorld = world.snapshot();
  let findings = detect({
    scenarioId: instance.scenarioId,
    flags: rolloutFlags(instance.flags),
    condition: mapping.condition,
    groundTruth: instance.groundTruth,
    events,
    initialWorld,
    finalWorld,
  });
  findings = findings.concat(behaviourFindings(instance.scenarioId, findings));
  const calls = [...unreplayable.values()].reduce((a, b) => a + b, 0);
  const unscoredReason =
    unscoredBecause ??
    (calls > 0
      ? `${calls} call(s) to tools our ${instance.scenarioId} world does not have (${[...unreplayable.keys()].join(', ')}) returned real results in the study's run: our world cannot follow them, so nothing is scored`
      : null);
  if (unscoredReason) findings = unscore(findings, unscoredReason);
  return { instance, events, initialWorld, finalWorld, endReason, turns: turn, findings, divergentOutputs, unscoredReason };
}
