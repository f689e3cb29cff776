/**
 * The follow-up interview's loop (docs/reference/agent-loop.md#the-follow-up-interview): the episode's
 * conversation goes on with one question at a time as a user turn. The agent keeps its world tools
 * and the restored world; it may call them before it answers, up to a bound per question. What it does
 * is recorded in the interview's own transcript, never in the episode's.
 */
import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { type Event, INTERVIEW_OPENING } from '../core/index.js';
import { runTool, type ToolName, type World } from '../world/index.js';
import { declareToolsWithExtras } from './extra-tools.js';
import { callModel, type ModelTurn, toolResultsMessage, userMessage } from './model-turn.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetries } from './retry.js';
import { splitThinkTags } from './think-tags.js';
import { Transcript } from './transcript.js';

/** Tool rounds an answer may take before the interviewer moves on. */
export const MAX_TOOL_ROUNDS_PER_ANSWER = 5;

export interface InterviewRunInput {
  model: LanguageModelV3;
  /** The episode as the model had it (conversationOf its events). */
  conversation: LanguageModelV3Prompt;
  /** The restored world: a copy the interview may change. */
  world: World;
  tools: readonly ToolName[];
  questions: ReadonlyArray<{ id: string; text: string }>;
  seed: number;
  temperature: number;
  maxOutputTokens?: number;
  retry?: RetryPolicy;
  providerOptions?: Record<string, Record<string, unknown>>;
  abortSignal?: AbortSignal;
}

export interface InterviewRunResult {
  events: Event[];
  /** One per question asked, in order: the agent's words in reply. */
  answers: Array<{ questionId: string; text: string }>;
  /** World changes the agent made while questioned. */
  acts: number;
  /** Set when the model could not be called; the answers so far are kept. */
  error: string | null;
}

const END_TOOL = 'end_task';

export async function runInterviewLoop(input: InterviewRunInput): Promise<InterviewRunResult> {
  const { world } = input;
  const transcript = new Transcript(() => world.now());
  const messages: LanguageModelV3Prompt = [...input.conversation];
  const tools = declareToolsWithExtras(input.tools, []);
  const offered = new Set<string>(input.tools);
  const answers: InterviewRunResult['answers'] = [];
  let acts = 0;
  let turn = 0;
  let error: string | null = null;

  for (const [i, q] of input.questions.entries()) {
    const text = i === 0 ? `${INTERVIEW_OPENING}\n\n${q.text}` : q.text;
    messages.push(userMessage(text));
    transcript.add(turn, { type: 'user', content: text, nudge: false });
    const said: string[] = [];
    for (let round = 0; round <= MAX_TOOL_ROUNDS_PER_ANSWER; round++) {
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
              ...(input.maxOutputTokens !== undefined ? { maxOutputTokens: input.maxOutputTokens } : {}),
              ...(input.providerOptions ? { providerOptions: input.providerOptions as never } : {}),
              ...(input.abortSignal ? { abortSignal: input.abortSignal } : {}),
            }),
          input.retry ?? DEFAULT_RETRY,
        ));
      } catch (e) {
        error = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 2000) : String(e).slice(0, 2000);
        break;
      }
      transcript.add(turn, {
        type: 'model_call',
        inputTokens: result.inputTokens ?? null,
        outputTokens: result.outputTokens ?? null,
        reasoningTokens: result.reasoningTokens ?? null,
        finishReason: result.finishReason,
      });
      for (const r of result.reasoning) if (r.trim()) transcript.add(turn, { type: 'reasoning', text: r, source: 'provider' });
      const { visible, thoughts } = splitThinkTags(result.text);
      for (const t of thoughts) transcript.add(turn, { type: 'reasoning', text: t, source: 'think_tag' });
      if (visible) {
        transcript.add(turn, { type: 'assistant', text: visible });
        said.push(visible);
      }
      if (result.assistant) messages.push(result.assistant);
      if (result.toolCalls.length === 0) break;
      const results: Array<{ toolCallId: string; toolName: string; output: string }> = [];
      for (const call of result.toolCalls) {
        transcript.add(turn, { type: 'tool_call', callId: call.toolCallId, tool: call.toolName, args: call.input });
        let outcome: { ok: boolean; output: string };
        if (call.refused !== undefined) outcome = { ok: false, output: `Error: this call was not run: ${call.refused}.` };
        else if (call.toolName === END_TOOL)
          outcome = { ok: false, output: 'Error: the task has already ended; please answer the question in words.' };
        else if (!offered.has(call.toolName))
          outcome = { ok: false, output: `Error: unknown tool '${call.toolName}'. Available tools: ${[...offered].join(', ')}.` };
        else {
          outcome = runTool(world, call.toolName, call.input);
          for (const m of world.drainEvents()) {
            acts++;
            transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
          }
        }
        transcript.add(turn, { type: 'tool_result', callId: call.toolCallId, tool: call.toolName, ok: outcome.ok, output: outcome.output });
        results.push({ toolCallId: call.toolCallId, toolName: call.toolName, output: outcome.output });
      }
      messages.push(toolResultsMessage(results));
      world.advanceTurn();
    }
    answers.push({ questionId: q.id, text: said.join('\n\n') });
    if (error) break;
  }
  transcript.add(turn, { type: 'end', reason: error ? 'error' : 'end_task', ...(error ? { detail: error } : {}) });
  return { events: [...transcript.events], answers, acts, error };
}
