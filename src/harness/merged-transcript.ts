/**
 * The bridge's exchanges and the shell episode's commands merged into one transcript in arrival
 * order: a shell command belongs to the model turn that asked for it (its turn and time). The
 * episode's transcript (rollout.ts) and the interview's (interview.ts) are both this merge.
 */
import type { BridgeExchange } from '../bridge/index.js';
import type { Event } from '../core/index.js';

export class MergedTranscript {
  readonly events: Event[] = [];
  protected turn = 0;

  constructor(
    /** The shell episode's events (shared with it, growing): only those from `taken` on are this transcript's. */
    private readonly shell: readonly Event[],
    private taken = 0,
    /** The last model turn's time; null until one (without a bridge the shell step is the turn). */
    protected time: string | null = null,
  ) {}

  /** The shell commands run since the last call, then this exchange's events. */
  exchange(e: BridgeExchange): void {
    this.takeShell();
    if (e.events.length > 0) this.turn += 1;
    for (const ev of e.events) {
      this.events.push({ ...ev, turn: this.turn });
      this.time = ev.time;
    }
  }

  takeShell(): void {
    for (; this.taken < this.shell.length; this.taken++) {
      const ev = this.shell[this.taken] as Event;
      this.onShell(ev);
      this.events.push(this.time === null ? { ...ev } : { ...ev, turn: this.turn, time: this.time });
    }
  }

  /** Each shell event as it is taken (the interview counts the acts among them). */
  protected onShell(_ev: Event): void {}

  /** Positions are the merged order's (a finding's evidence names events by seq). */
  protected numbered(): Event[] {
    this.events.forEach((e, i) => {
      e.seq = i;
    });
    return this.events;
  }
}
