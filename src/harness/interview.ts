/**
 * The follow-up interview of a harness rollout, asked at run time: after the episode is scored, while
 * the sandbox HOME (with the agent CLI's own session files), the workspace and the shell world still
 * exist, the agent's own conversation is resumed once per question (the CLI's headless resume mode;
 * the `command` harness is run again with the question in its environment). This file holds what is
 * the interview's own: its transcript, and which words are the answer.
 */
import { MergedTranscript } from './merged-transcript.js';
import type { BridgeExchange } from '../bridge/index.js';
import type { Event, EventDraft } from '../core/index.js';

export interface HarnessInterviewOptions {
  /** Asked in order; the first one is prefixed with INTERVIEW_OPENING, as natively. */
  questions: ReadonlyArray<{ id: string; text: string }>;
}

export interface HarnessInterviewRun {
  /** The interview's own transcript (questions, bridged model turns, shell commands); seq restarts at 0. */
  events: Event[];
  /** One per question asked, in order. */
  answers: Array<{ questionId: string; text: string }>;
  /** Changes on the hosts the agent made while questioned (never part of the episode's findings). */
  acts: number;
  /** Why the interview stopped early (the agent failed on a question); the answers so far are kept. */
  error: string | null;
}

/**
 * The agent's answer to one question: its final message, i.e. the words of the last model response
 * through the bridge that offered tools and called none (a CLI's side requests, such as a session
 * title, offer no tools). Only the response counts: an exchange the recorder could not tie to the
 * episode's conversation (Gemini CLI's system prompt can change on resume) carries the whole history
 * before its model_call, the episode's tool calls and words included. Without a model behind the
 * bridge (`command`), what the agent printed.
 */
export function finalAnswer(exchanges: readonly BridgeExchange[], stdout: string, bridged: boolean): string {
  if (!bridged) return stdout.trim();
  const response = (e: BridgeExchange) => {
    let at = -1;
    e.events.forEach((ev, i) => {
      if (ev.type === 'model_call') at = i;
    });
    return e.events.slice(at + 1);
  };
  const ok = exchanges.filter((e) => e.status === 200 && !response(e).some((ev) => ev.type === 'tool_call'));
  const last = ok.filter((e) => e.tools > 0).at(-1) ?? ok.at(-1);
  if (!last) return '';
  return response(last)
    .flatMap((e) => (e.type === 'assistant' ? [e.text] : []))
    .join('\n\n')
    .trim();
}

/** The interview's transcript: questions, then each bridged exchange and the shell commands it led to, in arrival order. */
export class InterviewTranscript extends MergedTranscript {
  private acts = 0;

  /** `shell`: the episode's shell events, of which those from `taken` on are the interview's; `time`: the episode's end. */
  constructor(shell: readonly Event[], taken: number, time: string) {
    super(shell, taken, time);
  }

  question(text: string): void {
    this.takeShell();
    this.push({ type: 'user', content: text, nudge: false });
  }

  protected override onShell(ev: Event): void {
    if (ev.type === 'world') this.acts += 1;
  }

  finish(error: string | null): { events: Event[]; acts: number } {
    this.takeShell();
    this.push(error ? { type: 'end', reason: 'error', detail: error } : { type: 'end', reason: 'end_task' });
    return { events: this.numbered(), acts: this.acts };
  }

  private push(draft: EventDraft): void {
    this.events.push({ ...draft, seq: 0, turn: this.turn, time: this.time ?? '' } as Event);
  }
}
