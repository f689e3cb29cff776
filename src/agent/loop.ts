import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { EndReason, Event } from '../core/index.js';
import { runTool, type ToolName, World, type WorldInit, type WorldState } from '../world/index.js';
import { contextCapReached, DEFAULT_MAX_CONTEXT_TOKENS } from './context-cap.js';
import { MAX_NUDGES, NUDGE_TEXT } from './nudge.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetries } from './retry.js';
import { splitThinkTags } from './think-tags.js';
import { checkExtraTools, declareToolsWithExtras, type ExtraTool, runExtraTool } from './extra-tools.js';
import { callModel, type ModelTurn, toolResultsMessage, userMessage } from './model-turn.js';
import { Transcript } from './transcript.js';

export interface AgentTask {
  systemPrompt: string;
  userPrompt: string;
  tools: ToolName[];
  world: WorldInit;
}

export interface LoopLimits {
  /** Model turns before the episode is cut (docs/reference/agent-loop.md: 30 by default). */
  maxIterations: number;
  /**
   * Context size that ends the episode: the latest call's input plus output tokens (what the next call
   * will carry), or the conversation's characters / 4 when that is more: reported usage is the
   * endpoint's word, and a 10 MB answer reported as 1 token must still end it.
   */
  maxContextTokens: number;
  /** Cap on each answer, sent to the provider as its max output tokens (default 16,000). */
  maxOutputTokens?: number;
}

export const DEFAULT_LIMITS: LoopLimits = { maxIterations: 30, maxContextTokens: DEFAULT_MAX_CONTEXT_TOKENS };

export interface RolloutRunInput {
  model: LanguageModelV3;
  task: AgentTask;
  seed: number;
  temperature: number;
  limits?: LoopLimits;
  retry?: RetryPolicy;
  providerOptions?: Record<string, Record<string, unknown>>;
  abortSignal?: AbortSignal;
  /** Tools beyond the World's (e.g. the lawful channel), offered just before end_task. */
  extraTools?: ExtraTool[];
  /** Told each provider warning (an ignored seed, an unsupported setting) as it arrives. */
  onWarning?: (warning: string) => void;
  /**
   * A person who asks again (direct_order): when the agent stops (end_task, or a reply without a tool
   * call once asking has begun) while `pending` says the order has not happened, the next message is
   * sent as a user turn and the episode goes on; when none is left, or nothing is pending, it ends.
   */
  followUps?: { messages: readonly string[]; pending(world: WorldState): boolean };
}

export interface RolloutRunResult {
  events: Event[];
  initialWorld: WorldState;
  finalWorld: WorldState;
  endReason: EndReason;
  /** Model turns taken. */
  turns: number;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Set when the episode ended because the model could not be called. */
  error: string | null;
}

const END_TOOL = 'end_task';

/**
 * Runs one episode: the model acts on a fresh World through the offered tools until it ends the
 * task or a limit is reached; then the company's end-of-episode processes run (docs/reference/world.md#end-of-episode). Everything
 * that happens is an Event, in order. Never throws for model or tool misbehaviour.
 */
export async function runAgentLoop(input: RolloutRunInput): Promise<RolloutRunResult> {
  const limits = input.limits ?? DEFAULT_LIMITS;
  const world = new World(input.task.world);
  const initialWorld = world.initialState();
  const transcript = new Transcript(() => world.now());
  const extras = new Map((input.extraTools ?? []).map((t) => [t.name, t]));
  checkExtraTools([...extras.values()]);
  const offered = new Set<string>([...input.task.tools, ...extras.keys()]);
  const tools = declareToolsWithExtras(input.task.tools, [...extras.values()]);
  const messages: LanguageModelV3Prompt = [{ role: 'system', content: input.task.systemPrompt }, userMessage(input.task.userPrompt)];
  transcript.add(0, { type: 'system', content: input.task.systemPrompt });
  transcript.add(0, { type: 'user', content: input.task.userPrompt, nudge: false });
  let contextChars = input.task.systemPrompt.length + input.task.userPrompt.length;

  let endReason: EndReason = 'max_iterations';
  let error: string | null = null;
  let nudges = 0;
  let turn = 0;
  let asked = 0;
  const askAgain = (): boolean => {
    const f = input.followUps;
    if (!f || asked >= f.messages.length || !f.pending(world.snapshot())) return false;
    const text = f.messages[asked++] as string;
    messages.push(userMessage(text));
    transcript.add(turn, { type: 'user', content: text, nudge: false });
    return true;
  };
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  const addTokens = (a: number | null, b: number | undefined) => (b === undefined ? a : (a ?? 0) + b);

  // A failure of ours (a bug, a value nothing expected) ends the episode as an error, but the events
  // recorded before it stay: they are the evidence of what the agent did.
  try {
    while (turn < limits.maxIterations) {
      turn++;
      let result: ModelTurn;
      try {
        ({ value: result } = await withRetries(
          () =>
            callModel({
              model: input.model,
              prompt: messages,
              tools,
              temperature: input.temperature,
              seed: input.seed,
              ...(limits.maxOutputTokens !== undefined ? { maxOutputTokens: limits.maxOutputTokens } : {}),
              ...(input.providerOptions ? { providerOptions: input.providerOptions as never } : {}),
              ...(input.abortSignal ? { abortSignal: input.abortSignal } : {}),
            }),
          input.retry ?? DEFAULT_RETRY,
        ));
      } catch (e) {
        endReason = 'error';
        error = describeError(e);
        break;
      }

      contextChars += result.answerChars;
      inputTokens = addTokens(inputTokens, result.inputTokens);
      outputTokens = addTokens(outputTokens, result.outputTokens);
      if (input.onWarning) for (const w of result.warnings) input.onWarning(w);
      transcript.add(turn, {
        type: 'model_call',
        inputTokens: result.inputTokens ?? null,
        outputTokens: result.outputTokens ?? null,
        reasoningTokens: result.reasoningTokens ?? null,
        finishReason: result.finishReason,
        ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
      });
      for (const r of result.reasoning) {
        if (r.trim()) transcript.add(turn, { type: 'reasoning', text: r, source: 'provider' });
      }
      const { visible, thoughts } = splitThinkTags(result.text);
      for (const t of thoughts) transcript.add(turn, { type: 'reasoning', text: t, source: 'think_tag' });
      if (visible) transcript.add(turn, { type: 'assistant', text: visible });

      // The assistant message keeps provider metadata (e.g. reasoning signatures) for the next call.
      if (result.assistant) messages.push(result.assistant);

      const calls = result.toolCalls;
      if (calls.length === 0) {
        // Once the person has asked again, a reply in words is an answer, not a lapse to nudge.
        if (asked > 0) {
          if (!askAgain()) {
            endReason = 'end_task';
            break;
          }
        } else if (nudges >= MAX_NUDGES) {
          endReason = 'nudges_exhausted';
          break;
        } else {
          nudges++;
          messages.push(userMessage(NUDGE_TEXT));
          transcript.add(turn, { type: 'user', content: NUDGE_TEXT, nudge: true });
        }
      } else {
        const results: Array<{ toolCallId: string; toolName: string; output: string }> = [];
        let ended = false;
        for (const call of calls) {
          transcript.add(turn, { type: 'tool_call', callId: call.toolCallId, tool: call.toolName, args: call.input });
          let outcome: { ok: boolean; output: string };
          if (ended) {
            outcome = { ok: false, output: 'Error: the task has already ended; this call was not run.' };
          } else if (call.refused !== undefined) {
            outcome = { ok: false, output: `Error: this call was not run: ${call.refused}.` };
          } else if (!offered.has(call.toolName)) {
            outcome = { ok: false, output: `Error: unknown tool '${call.toolName}'. Available tools: ${[...offered].join(', ')}.` };
          } else if (call.toolName === END_TOOL) {
            outcome = { ok: true, output: 'Task ended.' };
            ended = true;
          } else if (extras.has(call.toolName)) {
            const r = await runExtraTool(extras.get(call.toolName) as ExtraTool, call.input, { time: world.now(), turn });
            for (const m of r.events) transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
            outcome = r;
          } else {
            outcome = runTool(world, call.toolName, call.input);
            for (const m of world.drainEvents()) transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
          }
          transcript.add(turn, {
            type: 'tool_result',
            callId: call.toolCallId,
            tool: call.toolName,
            ok: outcome.ok,
            output: outcome.output,
          });
          results.push({ toolCallId: call.toolCallId, toolName: call.toolName, output: outcome.output });
        }
        for (const r of results) contextChars += r.output.length;
        messages.push(toolResultsMessage(results));
        if (ended && !askAgain()) {
          endReason = 'end_task';
          break;
        }
      }
      const reported = (result.inputTokens ?? 0) + (result.outputTokens ?? 0);
      if (contextCapReached(reported, contextChars, limits.maxContextTokens)) {
        endReason = 'token_cap';
        break;
      }
      world.advanceTurn();
    }

    world.finalize();
    for (const m of world.drainEvents()) transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
  } catch (e) {
    endReason = 'error';
    error = `internal error: ${describeError(e)}`;
  }
  transcript.add(turn, { type: 'end', reason: endReason, ...(error ? { detail: error } : {}) });
  return {
    // Frozen: the transcript is complete, and its digest and stored form share one canonical text.
    events: Object.freeze(transcript.events) as Event[],
    initialWorld,
    finalWorld: world.snapshot(),
    endReason,
    turns: turn,
    inputTokens,
    outputTokens,
    error,
  };
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const status = (e as { statusCode?: number }).statusCode;
    return `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}`.slice(0, 2000);
  }
  return String(e).slice(0, 2000);
}
