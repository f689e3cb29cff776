/**
 * The multi-agent loop: several live agents, each its own model, take turns round-robin on one
 * shared SOC world and one simulated clock (one round = one clock step). Each agent keeps its own
 * conversation and transcript (the single-agent loop's machinery: retries, think-tag splitting,
 * nudges, the `Transcript`); the first world event of every transcript names whose it is
 * (`soc.agent {agent, role}`). Infrastructure events (SOC_INFRA_ACTIONS) go to every transcript;
 * an agent's own mutations go to its own. Never throws for model or tool misbehaviour.
 */
import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { EndReason, Event } from '../core/index.js';
import {
  runSocTool,
  SOC_INFRA_ACTIONS,
  SOC_TOOLS,
  type SocInit,
  type SocRole,
  type SocState,
  type SocToolName,
  SocWorld,
} from '../world/index.js';
import { contextCapReached, DEFAULT_MAX_CONTEXT_TOKENS } from './context-cap.js';
import { MAX_NUDGES, NUDGE_TEXT } from './nudge.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetries } from './retry.js';
import { splitThinkTags } from './think-tags.js';
import { callModel, type DeclaredTool, type ModelTurn, toolResultsMessage, userMessage } from './model-turn.js';
import { declareZodTool } from './tools.js';
import { Transcript } from './transcript.js';

export interface MultiAgentSpec {
  role: SocRole;
  name: string;
  model: LanguageModelV3;
  systemPrompt: string;
  userPrompt: string;
  tools: SocToolName[];
  /** Sent with every call of this agent (e.g. the options that make its provider return reasoning). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

export interface MultiRunInput {
  world: SocInit;
  /** In turn order. */
  agents: MultiAgentSpec[];
  seed: number;
  temperature: number;
  /** Rounds before the shift is cut (every live agent takes one turn per round). */
  maxRounds?: number;
  /** Each agent's context cap, as in the single-agent loop: reaching it ends that agent with `token_cap`. */
  maxContextTokens?: number;
  retry?: RetryPolicy;
  abortSignal?: AbortSignal;
}

export interface AgentRunResult {
  role: SocRole;
  name: string;
  events: Event[];
  endReason: EndReason;
  turns: number;
  inputTokens: number | null;
  outputTokens: number | null;
  error: string | null;
}

export interface MultiRunResult {
  agents: AgentRunResult[];
  initialWorld: SocState;
  finalWorld: SocState;
  rounds: number;
}

export const DEFAULT_MAX_ROUNDS = 20;
const END_TOOL = 'end_task';

const declared = new Map<SocToolName, DeclaredTool>();
function declareSocTools(names: readonly SocToolName[]): DeclaredTool[] {
  return names.map((name) => {
    let d = declared.get(name);
    if (!d) {
      d = declareZodTool(name, SOC_TOOLS[name].description, SOC_TOOLS[name].input);
      declared.set(name, d);
    }
    return d;
  });
}

interface Live {
  spec: MultiAgentSpec;
  transcript: Transcript;
  messages: LanguageModelV3Prompt;
  tools: DeclaredTool[];
  done: boolean;
  endReason: EndReason;
  error: string | null;
  nudges: number;
  turns: number;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Characters of this agent's conversation, and the latest call's reported input + output tokens. */
  contextChars: number;
  lastReportedTokens: number;
}

const addTokens = (a: number | null, b: number | undefined) => (b === undefined ? a : (a ?? 0) + b);

export async function runMultiAgentLoop(input: MultiRunInput): Promise<MultiRunResult> {
  const maxRounds = input.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const maxContextTokens = input.maxContextTokens ?? DEFAULT_MAX_CONTEXT_TOKENS;
  const world = new SocWorld(input.world);
  const initialWorld = world.snapshot();
  const roster = world.agents;
  const live: Live[] = input.agents.map((spec) => {
    const a = roster.find((r) => r.name === spec.name);
    if (!a || a.role !== spec.role) throw new Error(`agent ${spec.name} (${spec.role}) is not in the SOC roster`);
    return {
      spec,
      transcript: new Transcript(() => world.now()),
      messages: [{ role: 'system', content: spec.systemPrompt }, userMessage(spec.userPrompt)],
      tools: declareSocTools(spec.tools),
      done: false,
      endReason: 'max_iterations',
      error: null,
      nudges: 0,
      turns: 0,
      inputTokens: null,
      outputTokens: null,
      contextChars: spec.systemPrompt.length + spec.userPrompt.length,
      lastReportedTokens: 0,
    };
  });
  const infra = world.drainEvents();
  for (const a of live) {
    a.transcript.add(0, { type: 'world', action: 'soc.agent', detail: { agent: a.spec.name, role: a.spec.role } });
    for (const m of infra) a.transcript.add(0, { type: 'world', action: m.action, detail: m.detail });
    a.transcript.add(0, { type: 'system', content: a.spec.systemPrompt });
    a.transcript.add(0, { type: 'user', content: a.spec.userPrompt, nudge: false });
  }

  /** Routes drained world events: infrastructure ones to everyone, the rest to the acting agent. */
  const route = (actor: Live, round: number) => {
    for (const m of world.drainEvents()) {
      const targets = SOC_INFRA_ACTIONS.includes(m.action) ? live : [actor];
      for (const t of targets) t.transcript.add(round, { type: 'world', action: m.action, detail: m.detail });
    }
  };

  let round = 0;
  while (round < maxRounds && live.some((a) => !a.done)) {
    round++;
    for (const a of live) {
      if (a.done) continue;
      try {
        await takeTurn(a, round);
        route(a, round);
        if (!a.done && contextCapReached(a.lastReportedTokens, a.contextChars, maxContextTokens)) {
          a.done = true;
          a.endReason = 'token_cap';
        }
      } catch (e) {
        // A failure of ours ends this agent's episode as an error; the events before it stay.
        a.done = true;
        a.endReason = 'error';
        a.error = `internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 2000);
      }
    }
    world.advanceTurn();
  }

  async function takeTurn(a: Live, turn: number): Promise<void> {
    a.turns++;
    let result: ModelTurn;
    try {
      ({ value: result } = await withRetries(
        () =>
          callModel({
            model: a.spec.model,
            prompt: a.messages,
            tools: a.tools,
            temperature: input.temperature,
            seed: input.seed,
            ...(a.spec.providerOptions ? { providerOptions: a.spec.providerOptions as never } : {}),
            ...(input.abortSignal ? { abortSignal: input.abortSignal } : {}),
          }),
        input.retry ?? DEFAULT_RETRY,
      ));
    } catch (e) {
      a.done = true;
      a.endReason = 'error';
      a.error = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 2000) : String(e).slice(0, 2000);
      return;
    }
    a.inputTokens = addTokens(a.inputTokens, result.inputTokens);
    a.outputTokens = addTokens(a.outputTokens, result.outputTokens);
    a.lastReportedTokens = (result.inputTokens ?? 0) + (result.outputTokens ?? 0);
    a.contextChars += result.answerChars;
    const t = a.transcript;
    t.add(turn, {
      type: 'model_call',
      inputTokens: result.inputTokens ?? null,
      outputTokens: result.outputTokens ?? null,
      reasoningTokens: result.reasoningTokens ?? null,
      finishReason: result.finishReason,
    });
    for (const r of result.reasoning) if (r.trim()) t.add(turn, { type: 'reasoning', text: r, source: 'provider' });
    const { visible, thoughts } = splitThinkTags(result.text);
    for (const th of thoughts) t.add(turn, { type: 'reasoning', text: th, source: 'think_tag' });
    if (visible) t.add(turn, { type: 'assistant', text: visible });
    if (result.assistant) a.messages.push(result.assistant);

    const calls = result.toolCalls;
    if (calls.length === 0) {
      if (a.nudges >= MAX_NUDGES) {
        a.done = true;
        a.endReason = 'nudges_exhausted';
        return;
      }
      a.nudges++;
      a.messages.push(userMessage(NUDGE_TEXT));
      t.add(turn, { type: 'user', content: NUDGE_TEXT, nudge: true });
      return;
    }
    const results: Array<{ toolCallId: string; toolName: string; output: string }> = [];
    let ended = false;
    for (const call of calls) {
      t.add(turn, { type: 'tool_call', callId: call.toolCallId, tool: call.toolName, args: call.input });
      let outcome: { ok: boolean; output: string };
      if (ended) outcome = { ok: false, output: 'Error: the task has already ended; this call was not run.' };
      else if (call.refused !== undefined) outcome = { ok: false, output: `Error: this call was not run: ${call.refused}.` };
      else if (call.toolName === END_TOOL && a.spec.tools.includes(END_TOOL)) {
        outcome = { ok: true, output: 'Task ended.' };
        ended = true;
      } else {
        outcome = runSocTool(world, a.spec.name, call.toolName, call.input, a.spec.tools);
        route(a, turn);
      }
      t.add(turn, { type: 'tool_result', callId: call.toolCallId, tool: call.toolName, ok: outcome.ok, output: outcome.output });
      results.push({ toolCallId: call.toolCallId, toolName: call.toolName, output: outcome.output });
    }
    for (const r of results) a.contextChars += r.output.length;
    a.messages.push(toolResultsMessage(results));
    if (ended) {
      a.done = true;
      a.endReason = 'end_task';
    }
  }

  world.finalize();
  route(live[0] as Live, round);
  for (const a of live) a.transcript.add(round, { type: 'end', reason: a.endReason, ...(a.error ? { detail: a.error } : {}) });
  return {
    agents: live.map((a) => ({
      role: a.spec.role,
      name: a.spec.name,
      events: a.transcript.events,
      endReason: a.endReason,
      turns: a.turns,
      inputTokens: a.inputTokens,
      outputTokens: a.outputTokens,
      error: a.error,
    })),
    initialWorld,
    finalWorld: world.snapshot(),
    rounds: round,
  };
}
