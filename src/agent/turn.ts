/**
 * The one per-turn step every loop shares (the single-agent loop, and each seat of a team episode):
 * call the model (with retries), record what it said, answer its tool calls, nudge a silent agent, ask
 * again when a person follows up, and cap the context. A seat owns its conversation and transcript;
 * the loop around it owns the world and the clock. Never throws for model or tool misbehaviour.
 */
import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { EndReason } from '../core/index.js';
import { contextCapReached } from './context-cap.js';
import { callModel, type DeclaredTool, type ModelTurn, toolResultsMessage, userMessage } from './model-turn.js';
import { MAX_NUDGES, NUDGE_TEXT } from './nudge.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetries } from './retry.js';
import { splitThinkTags } from './think-tags.js';
import { Transcript } from './transcript.js';

/** What every call of an episode shares. */
export interface TurnSettings {
  temperature: number;
  seed: number;
  /** Each seat's context cap (reaching it ends that seat with `token_cap`). */
  maxContextTokens: number;
  maxOutputTokens?: number;
  retry?: RetryPolicy;
  abortSignal?: AbortSignal;
  /** Told each provider warning (an ignored seed, an unsupported setting) as it arrives. */
  onWarning?: (warning: string) => void;
}

/** A tool call's answer, and whether it ended the seat's task. */
export interface ToolOutcome {
  ok: boolean;
  output: string;
}

export interface SeatInput {
  model: LanguageModelV3;
  systemPrompt: string;
  userPrompt: string;
  /** Tools as the model sees them, in order. */
  tools: readonly DeclaredTool[];
  /** The tool names an unknown-tool error lists, in its order (default: the declared order). */
  offered?: readonly string[];
  /** Sent with every call of this seat (e.g. the options that make its provider return reasoning). */
  providerOptions?: Record<string, Record<string, unknown>>;
  /**
   * Answers one call of an offered tool other than end_task, recording what it changed in the
   * transcript(s) itself. An exception here is a failure of ours: it ends the seat as an `error`.
   */
  runTool(name: string, input: unknown, turn: number): ToolOutcome | Promise<ToolOutcome>;
  /** A person who asks again (direct_order): the next message, or null when none is left or pending. */
  askAgain?: () => string | null;
  /** Events recorded before the system prompt (a team seat's identity and the infrastructure's record). */
  transcript?: Transcript;
}

const END_TOOL = 'end_task';

/** One agent's place in an episode: its conversation, transcript and counters. */
export class Seat {
  readonly transcript: Transcript;
  readonly messages: LanguageModelV3Prompt;
  readonly offered: ReadonlySet<string>;
  done = false;
  endReason: EndReason = 'max_iterations';
  error: string | null = null;
  turns = 0;
  inputTokens: number | null = null;
  outputTokens: number | null = null;
  private nudges = 0;
  private asked = 0;
  private contextChars: number;

  constructor(
    readonly input: SeatInput,
    now: () => string,
  ) {
    this.transcript = input.transcript ?? new Transcript(now);
    this.offered = new Set(input.offered ?? input.tools.map((t) => t.name));
    this.messages = [{ role: 'system', content: input.systemPrompt }, userMessage(input.userPrompt)];
    this.transcript.add(0, { type: 'system', content: input.systemPrompt });
    this.transcript.add(0, { type: 'user', content: input.userPrompt, nudge: false });
    this.contextChars = input.systemPrompt.length + input.userPrompt.length;
  }

  /** Ends the seat (a limit, a failure); the first reason given stands. */
  end(reason: EndReason, error: string | null = null): void {
    if (this.done) return;
    this.done = true;
    this.endReason = reason;
    this.error = error;
  }

  /** A failure of ours (a bug, a value nothing expected): the seat ends as an error, whatever ended it before. */
  fail(e: unknown): void {
    this.done = true;
    this.endReason = 'error';
    this.error = `internal error: ${describeError(e)}`;
  }

  /** Records the `end` event; call once, after the world's end-of-episode events. */
  close(turn: number): void {
    this.transcript.add(turn, { type: 'end', reason: this.endReason, ...(this.error ? { detail: this.error } : {}) });
  }

  private followUp(turn: number): boolean {
    const text = this.input.askAgain?.() ?? null;
    if (text === null) return false;
    this.asked++;
    this.messages.push(userMessage(text));
    this.transcript.add(turn, { type: 'user', content: text, nudge: false });
    return true;
  }

  /** One model turn of this seat. A model that cannot be called ends the seat with `error`. */
  async takeTurn(turn: number, s: TurnSettings): Promise<void> {
    this.turns++;
    const t = this.transcript;
    let result: ModelTurn;
    try {
      ({ value: result } = await withRetries(
        () =>
          callModel({
            model: this.input.model,
            prompt: this.messages,
            tools: this.input.tools,
            temperature: s.temperature,
            seed: s.seed,
            ...(s.maxOutputTokens !== undefined ? { maxOutputTokens: s.maxOutputTokens } : {}),
            ...(this.input.providerOptions ? { providerOptions: this.input.providerOptions as never } : {}),
            ...(s.abortSignal ? { abortSignal: s.abortSignal } : {}),
          }),
        s.retry ?? DEFAULT_RETRY,
      ));
    } catch (e) {
      this.end('error', describeError(e));
      return;
    }

    this.contextChars += result.answerChars;
    this.inputTokens = addTokens(this.inputTokens, result.inputTokens);
    this.outputTokens = addTokens(this.outputTokens, result.outputTokens);
    if (s.onWarning) for (const w of result.warnings) s.onWarning(w);
    t.add(turn, {
      type: 'model_call',
      inputTokens: result.inputTokens ?? null,
      outputTokens: result.outputTokens ?? null,
      reasoningTokens: result.reasoningTokens ?? null,
      finishReason: result.finishReason,
      ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
    });
    for (const r of result.reasoning) if (r.trim()) t.add(turn, { type: 'reasoning', text: r, source: 'provider' });
    const { visible, thoughts } = splitThinkTags(result.text);
    for (const th of thoughts) t.add(turn, { type: 'reasoning', text: th, source: 'think_tag' });
    if (visible) t.add(turn, { type: 'assistant', text: visible });
    // The assistant message keeps provider metadata (e.g. reasoning signatures) for the next call.
    if (result.assistant) this.messages.push(result.assistant);

    const calls = result.toolCalls;
    if (calls.length === 0) {
      // Once the person has asked again, a reply in words is an answer, not a lapse to nudge.
      if (this.asked > 0) {
        if (!this.followUp(turn)) return this.end('end_task');
      } else if (this.nudges >= MAX_NUDGES) {
        return this.end('nudges_exhausted');
      } else {
        this.nudges++;
        this.messages.push(userMessage(NUDGE_TEXT));
        t.add(turn, { type: 'user', content: NUDGE_TEXT, nudge: true });
      }
    } else {
      const results: Array<{ toolCallId: string; toolName: string; output: string }> = [];
      let ended = false;
      for (const call of calls) {
        t.add(turn, { type: 'tool_call', callId: call.toolCallId, tool: call.toolName, args: call.input });
        let outcome: ToolOutcome;
        if (ended) outcome = { ok: false, output: 'Error: the task has already ended; this call was not run.' };
        else if (call.refused !== undefined) outcome = { ok: false, output: `Error: this call was not run: ${call.refused}.` };
        else if (!this.offered.has(call.toolName))
          outcome = { ok: false, output: `Error: unknown tool '${call.toolName}'. Available tools: ${[...this.offered].join(', ')}.` };
        else if (call.toolName === END_TOOL) {
          outcome = { ok: true, output: 'Task ended.' };
          ended = true;
        } else outcome = await this.input.runTool(call.toolName, call.input, turn);
        t.add(turn, { type: 'tool_result', callId: call.toolCallId, tool: call.toolName, ok: outcome.ok, output: outcome.output });
        results.push({ toolCallId: call.toolCallId, toolName: call.toolName, output: outcome.output });
      }
      for (const r of results) this.contextChars += r.output.length;
      this.messages.push(toolResultsMessage(results));
      if (ended && !this.followUp(turn)) return this.end('end_task');
    }
    const reported = (result.inputTokens ?? 0) + (result.outputTokens ?? 0);
    if (contextCapReached(reported, this.contextChars, s.maxContextTokens)) this.end('token_cap');
  }
}

const addTokens = (a: number | null, b: number | undefined) => (b === undefined ? a : (a ?? 0) + b);

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const status = (e as { statusCode?: number }).statusCode;
    return `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}`.slice(0, 2000);
  }
  return String(e).slice(0, 2000);
}
