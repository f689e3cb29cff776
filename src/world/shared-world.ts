import type { z } from 'zod';

/**
 * A world several live agents share (a team episode): who acts is part of every tool call. The team
 * loop (agent/) drives it; a scenario creates one per episode.
 */
export interface SharedWorld<S = unknown> {
  now(): string;
  snapshot(): S;
  drainEvents(): Array<{ action: string; detail: Record<string, unknown> }>;
  /** Whether an event is the infrastructure's own record (it goes to every agent's transcript). */
  isShared(action: string): boolean;
  /** The action of the event that opens each agent's transcript, naming whose it is (`{agent, role}`). */
  seatEvent: string;
  runTool(actor: string, name: string, input: unknown): { ok: boolean; output: string };
  advanceTurn(): void;
  finalize(): void;
}

/** A shared world's tools as the model sees them: a description and the arguments' schema. */
export type ToolCatalogue = Readonly<Record<string, { description: string; input: z.ZodType }>>;
