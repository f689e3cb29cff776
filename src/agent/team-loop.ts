/**
 * The team loop: several live agents (seats), each its own model, take turns round-robin on one shared
 * world and one simulated clock (one round = one clock step). Every seat runs the single-agent loop's
 * own per-turn step (turn.ts): retries, provider metadata, warnings, the answer and context caps,
 * nudges. The first event of every transcript names whose it is (`<world>.agent {agent, role}`);
 * events the world marks as shared (the infrastructure's record) go to every transcript, an agent's own
 * mutations to its own. Never throws for model or tool misbehaviour.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { EndReason, Event } from '../core/index.js';
import type { SharedWorld } from '../world/index.js';
import type { DeclaredTool } from './model-turn.js';
import { Seat, type TurnSettings } from './turn.js';
import { Transcript } from './transcript.js';

export interface TeamSeatSpec {
  role: string;
  name: string;
  model: LanguageModelV3;
  systemPrompt: string;
  userPrompt: string;
  tools: readonly DeclaredTool[];
  providerOptions?: Record<string, Record<string, unknown>>;
  /** Told each warning this seat's provider returns. */
  onWarning?: (warning: string) => void;
}

export interface TeamRunInput<S = unknown> {
  world: SharedWorld<S>;
  /** In turn order. */
  seats: TeamSeatSpec[];
  /** Shared by every seat (a seat's own `onWarning` replaces the settings' one). */
  settings: TurnSettings;
  /** Rounds before the episode is cut (every live seat takes one turn per round). */
  maxRounds: number;
}

export interface SeatResult {
  role: string;
  name: string;
  events: Event[];
  endReason: EndReason;
  turns: number;
  inputTokens: number | null;
  outputTokens: number | null;
  error: string | null;
}

export interface TeamRunResult<S = unknown> {
  seats: SeatResult[];
  initialWorld: S;
  finalWorld: S;
  rounds: number;
}

export async function runTeamLoop<S>(input: TeamRunInput<S>): Promise<TeamRunResult<S>> {
  const { world } = input;
  const initialWorld = world.snapshot();
  const opening = world.drainEvents();
  let actor: Seat | null = null;
  const seats: Seat[] = [];
  /** Routes drained world events: shared ones to every seat, the rest to the acting seat. */
  const route = (turn: number) => {
    for (const m of world.drainEvents()) {
      const targets = world.isShared(m.action) || actor === null ? seats : [actor];
      for (const t of targets) t.transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
    }
  };
  for (const spec of input.seats) {
    const transcript = new Transcript(() => world.now());
    transcript.add(0, { type: 'world', action: world.seatEvent, detail: { agent: spec.name, role: spec.role } });
    for (const m of opening) transcript.add(0, { type: 'world', action: m.action, detail: m.detail });
    const seat: Seat = new Seat(
      {
        model: spec.model,
        systemPrompt: spec.systemPrompt,
        userPrompt: spec.userPrompt,
        tools: spec.tools,
        ...(spec.providerOptions ? { providerOptions: spec.providerOptions } : {}),
        transcript,
        runTool: (name, args, turn) => {
          const outcome = world.runTool(spec.name, name, args);
          route(turn);
          return outcome;
        },
      },
      () => world.now(),
    );
    seats.push(seat);
  }

  const settingsOf = input.seats.map(
    (spec): TurnSettings => (spec.onWarning ? { ...input.settings, onWarning: spec.onWarning } : input.settings),
  );
  let round = 0;
  while (round < input.maxRounds && seats.some((s) => !s.done)) {
    round++;
    for (const [i, seat] of seats.entries()) {
      if (seat.done) continue;
      actor = seat;
      try {
        await seat.takeTurn(round, settingsOf[i] as TurnSettings);
        route(round);
      } catch (e) {
        // A failure of ours ends this seat's episode as an error; the events before it stay.
        seat.fail(e);
      }
    }
    world.advanceTurn();
  }
  actor = null;
  world.finalize();
  route(round);
  for (const s of seats) s.close(round);
  return {
    seats: seats.map((s, i) => ({
      role: input.seats[i]?.role as string,
      name: input.seats[i]?.name as string,
      events: Object.freeze(s.transcript.events) as Event[],
      endReason: s.endReason,
      turns: s.turns,
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
      error: s.error,
    })),
    initialWorld,
    finalWorld: world.snapshot(),
    rounds: round,
  };
}
