import type { LanguageModelV3GenerateResult, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { Event } from '../core/index.js';
import { BridgeRecorder, promptKeys } from './recorder.js';

/**
 * A long-lived bridge's exchanges, grouped by client conversation: each request joins the
 * conversation it continues (the one whose recorded messages, answers included, its prompt starts
 * with; the longest such, the latest on a tie), else it starts a new one. Several clients, or one
 * client's side requests (a title, a summary), each get a transcript of their own in the native
 * loop's shape (recorder.ts) instead of one interleaved transcript.
 */
export class ConversationLog {
  private readonly recorders: BridgeRecorder[] = [];

  /** `keep` false: each exchange's events are handed out and not kept (the caller stores them). */
  constructor(
    private readonly clock: () => string,
    private readonly keep = true,
  ) {}

  /** How many conversations have begun. */
  get size(): number {
    return this.recorders.length;
  }

  /** A conversation's events so far (empty when not kept). */
  events(conversation: number): readonly Event[] {
    return this.recorders[conversation]?.events ?? [];
  }

  /** Adds one exchange to its conversation; returns the conversation's index and the exchange's events. */
  record(
    prompt: LanguageModelV3Prompt,
    result: LanguageModelV3GenerateResult | null,
    error: string | null,
  ): { conversation: number; events: Event[] } {
    const keys = promptKeys(prompt);
    let conversation = -1;
    let longest = -1;
    this.recorders.forEach((r, i) => {
      const n = r.continuedBy(keys);
      if (n >= longest && n >= 0) {
        longest = n;
        conversation = i;
      }
    });
    if (conversation < 0) {
      conversation = this.recorders.length;
      this.recorders.push(new BridgeRecorder(this.clock, this.keep));
    }
    const events = (this.recorders[conversation] as BridgeRecorder).record(prompt, result, error, keys);
    return { conversation, events };
  }
}
