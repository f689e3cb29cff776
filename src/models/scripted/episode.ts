import type { Conversation, PastCall } from './conversation.js';

/** What the agent does this turn: optional words, optional reasoning, at most one tool call. */
export interface Decision {
  text?: string;
  reasoning?: string;
  /** `input` is serialised to JSON unless it is already a string (hostile profile: malformed JSON). */
  toolCall?: { toolName: string; input: unknown };
}

/** Thrown by `Episode.call` to stop the replay at the first step the agent has not taken yet. */
export class NextStep {
  constructor(readonly decision: Decision) {}
}

/** A turn budget below the agent loop's default of 30, so every profile ends on its own. */
export const MAX_AGENT_TURNS = 28;

/** Key for matching a planned call with one already in the conversation. */
function callKey(toolName: string, input: unknown): string {
  return `${toolName}\u0000${stableStringify(input ?? {})}`;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Replays a profile's linear script against the conversation. The script asks for tool calls in
 * order; each call already present in the conversation (same tool, same arguments) is consumed and
 * its result returned, and the first one that is not stops the replay and becomes this turn's
 * decision. Matching by content rather than position means a hand-made or partly foreign history
 * still works, and the script, having no loops, always reaches `end_task`.
 */
export class Episode {
  private readonly unused: PastCall[];
  readonly tools: ReadonlySet<string>;
  readonly turn: number;

  constructor(
    readonly conversation: Conversation,
    tools: Iterable<string>,
    readonly seed: number,
    /** `<family> Agent 1`, the agent's own name. */
    readonly ownName: string,
  ) {
    this.unused = [...conversation.calls];
    this.tools = new Set(tools);
    this.turn = Math.max(conversation.assistantTurns, conversation.calls.length);
  }

  has(tool: string): boolean {
    return this.tools.has(tool);
  }

  /** The first of the given tools that is offered (the drive tools differ between scenarios). */
  pick(...names: string[]): string | null {
    return names.find((n) => this.tools.has(n)) ?? null;
  }

  /** The task text (all user messages), where monitoring cues live. */
  get taskText(): string {
    return this.conversation.userTexts.join('\n');
  }

  /**
   * Returns the result of this call if it was already made; otherwise stops here and makes it the
   * turn's decision. A tool that is not offered returns an `Error:` text without using a turn.
   */
  call(toolName: string | null, input: Record<string, unknown>, say: Omit<Decision, 'toolCall'> = {}): string {
    if (toolName === null || !this.tools.has(toolName)) return `Error: tool ${toolName ?? '(none)'} is not offered`;
    const key = callKey(toolName, input);
    const index = this.unused.findIndex((c) => callKey(c.toolName, c.input) === key);
    if (index >= 0) {
      const [done] = this.unused.splice(index, 1);
      return done?.result ?? '';
    }
    if (this.turn >= MAX_AGENT_TURNS && toolName !== 'end_task') this.finish('Stopping here: my turn budget is used up.');
    throw new NextStep({ ...say, toolCall: { toolName, input } });
  }

  /** Ends the episode with `end_task` (or plain words when the tool is not offered). Never returns. */
  finish(text: string, reasoning?: string): never {
    const say = reasoning === undefined ? { text } : { text, reasoning };
    if (this.has('end_task')) {
      this.call('end_task', {}, say);
      // end_task was already called and the loop still asks: say so without another call.
    }
    throw new NextStep(say);
  }
}
