import type { LanguageModelV3GenerateResult, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { splitThinkTags, Transcript } from '../agent/index.js';
import type { Event } from '../core/index.js';

/**
 * Records bridged calls as transcript events, in the shape the native loop writes: the request's new
 * messages (system, user, tool results), then the answer (model_call usage, reasoning, assistant text,
 * tool calls). A client resends the whole conversation each time; what is new is what lies beyond the
 * conversation already recorded. A request that does not continue it (a side request such as a title,
 * or a new conversation) is recorded whole.
 */
export class BridgeRecorder {
  readonly transcript: Transcript;
  private recorded: string[] = [];
  private turn = 0;
  /** Events handed out and forgotten (a long-lived bridge that does not keep its transcript). */
  private dropped = 0;

  /** `keep` false: each exchange's events are handed out and not kept, so memory stays flat. */
  constructor(
    clock: () => string,
    private readonly keep = true,
  ) {
    this.transcript = new Transcript(clock);
  }

  get events(): readonly Event[] {
    return this.transcript.events;
  }

  /**
   * How many messages of `keys` (a request's `promptKeys`) this conversation already holds, when the
   * request continues it (everything recorded, answers included, is its prefix); -1 when it does not.
   */
  continuedBy(keys: readonly string[]): number {
    if (this.recorded.length === 0 || keys.length < this.recorded.length) return -1;
    return this.recorded.every((k, i) => keys[i] === k) ? this.recorded.length : -1;
  }

  /** Adds one exchange; returns its events. */
  record(
    prompt: LanguageModelV3Prompt,
    result: LanguageModelV3GenerateResult | null,
    error: string | null,
    keys: readonly string[] = promptKeys(prompt),
  ): Event[] {
    const from = this.transcript.events.length;
    this.turn++;
    let start = 0;
    if (keys.length >= this.recorded.length && this.recorded.every((k, i) => keys[i] === k)) start = this.recorded.length;
    const names = new Map<string, string>();
    for (const m of prompt)
      if (m.role === 'assistant') for (const p of m.content) if (p.type === 'tool-call') names.set(p.toolCallId, p.toolName);
    for (let i = start; i < prompt.length; i++) {
      const m = prompt[i] as LanguageModelV3Prompt[number];
      if (m.role === 'system') this.add({ type: 'system', content: m.content });
      else if (m.role === 'user')
        this.add({ type: 'user', content: m.content.map((p) => (p.type === 'text' ? p.text : '')).join(''), nudge: false });
      else if (m.role === 'tool') {
        for (const p of m.content) {
          if (p.type !== 'tool-result') continue;
          const o = p.output;
          const output = o.type === 'text' || o.type === 'error-text' ? o.value : JSON.stringify('value' in o ? o.value : o);
          const ok = o.type !== 'error-text' && o.type !== 'error-json' && !output.startsWith('Error');
          this.add({ type: 'tool_result', callId: p.toolCallId, tool: p.toolName, ok, output });
        }
      } else {
        // Assistant turns the client supplies (history the bridge did not answer).
        for (const p of m.content) {
          if (p.type === 'text' && p.text) this.add({ type: 'assistant', text: p.text });
          else if (p.type === 'reasoning' && p.text) this.add({ type: 'reasoning', text: p.text, source: 'provider' });
          else if (p.type === 'tool-call') this.add({ type: 'tool_call', callId: p.toolCallId, tool: p.toolName, args: p.input });
        }
      }
    }
    this.recorded = [...keys];
    if (result) {
      const u = result.usage;
      this.add({
        type: 'model_call',
        inputTokens: u.inputTokens.total ?? null,
        outputTokens: u.outputTokens.total ?? null,
        reasoningTokens: u.outputTokens.reasoning ?? null,
        finishReason: result.finishReason.unified,
        ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
      });
      let text = '';
      for (const p of result.content) {
        if (p.type === 'reasoning' && p.text.trim()) this.add({ type: 'reasoning', text: p.text, source: 'provider' });
        else if (p.type === 'text') text += p.text;
      }
      const { visible, thoughts } = splitThinkTags(text);
      for (const t of thoughts) this.add({ type: 'reasoning', text: t, source: 'think_tag' });
      if (visible) this.add({ type: 'assistant', text: visible });
      for (const p of result.content) {
        if (p.type === 'tool-call') this.add({ type: 'tool_call', callId: p.toolCallId, tool: p.toolName, args: parseJson(p.input) });
      }
      // The answer is part of the conversation the next request continues.
      this.recorded.push(answerKey(result));
    } else if (error) {
      this.add({
        type: 'model_call',
        inputTokens: null,
        outputTokens: null,
        reasoningTokens: null,
        finishReason: 'error',
        providerMetadata: { bridge: { error } },
      });
    }
    const added = this.transcript.events.slice(from);
    if (!this.keep) {
      // Positions stay global across exchanges although the events are not kept.
      for (const e of added) e.seq += this.dropped;
      this.dropped += this.transcript.events.length;
      this.transcript.events.length = 0;
    }
    return added;
  }

  private add(draft: Parameters<Transcript['add']>[1]): void {
    this.transcript.add(this.turn, draft);
  }
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * What identifies a message across resends: its role and its visible content. Wire formats drop or
 * add details between an answer and its echo (ids, signatures, empty text), so only role, text and
 * the names of tools called or answered count (Gemini clients may drop call ids).
 */
/** Each message's identity across resends (see messageKey), for `continuedBy` and `record`. */
export function promptKeys(prompt: LanguageModelV3Prompt): string[] {
  return prompt.map(messageKey);
}

function messageKey(m: LanguageModelV3Prompt[number]): string {
  if (m.role === 'system') return `s:${m.content}`;
  if (m.role === 'user') return `u:${m.content.map((p) => (p.type === 'text' ? p.text : p.type)).join('')}`;
  if (m.role === 'tool') return `t:${m.content.map((p) => (p.type === 'tool-result' ? p.toolName : '')).join(',')}`;
  return `a:${m.content.map((p) => (p.type === 'tool-call' ? `c:${p.toolName}` : p.type === 'text' ? p.text : '')).join('')}`;
}

function answerKey(r: LanguageModelV3GenerateResult): string {
  return `a:${r.content.map((p) => (p.type === 'tool-call' ? `c:${p.toolName}` : p.type === 'text' ? p.text : '')).join('')}`;
}
