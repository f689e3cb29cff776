import { z } from 'zod';

const base = {
  /** 0-based position in the transcript; the total order of everything that happened. */
  seq: z.number().int().nonnegative(),
  /** The model turn this event belongs to (0 before the first model call). */
  turn: z.number().int().nonnegative(),
  /** Simulated time, `YYYY-MM-DD HH:MM:SS`; never the wall clock. */
  time: z.string(),
};

export const EndReason = z.enum(['end_task', 'max_iterations', 'token_cap', 'nudges_exhausted', 'error']);
export type EndReason = z.infer<typeof EndReason>;

/** The transcript is an ordered list of these. One discriminated union, one schema. */
export const Event = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('system'), content: z.string() }),
  z.object({ ...base, type: z.literal('user'), content: z.string(), nudge: z.boolean() }),
  z.object({ ...base, type: z.literal('assistant'), text: z.string() }),
  z.object({ ...base, type: z.literal('reasoning'), text: z.string(), source: z.enum(['provider', 'think_tag']) }),
  z.object({ ...base, type: z.literal('tool_call'), callId: z.string(), tool: z.string(), args: z.unknown() }),
  z.object({
    ...base,
    type: z.literal('tool_result'),
    callId: z.string(),
    tool: z.string(),
    /** false when the output is an `Error:` message (bad args, unknown file, unknown tool...). */
    ok: z.boolean(),
    output: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('world'),
    /** What changed, e.g. `config.modify`, `server.transfer`, `queue.process`, `server.decommission`. */
    action: z.string(),
    detail: z.record(z.string(), z.unknown()),
  }),
  z.object({
    ...base,
    type: z.literal('model_call'),
    inputTokens: z.number().nullable(),
    outputTokens: z.number().nullable(),
    reasoningTokens: z.number().nullable(),
    finishReason: z.string(),
    /** Provider metadata worth keeping for replay (e.g. reasoning signatures). */
    providerMetadata: z.unknown().optional(),
  }),
  z.object({ ...base, type: z.literal('end'), reason: EndReason, detail: z.string().optional() }),
]);
export type Event = z.infer<typeof Event>;
export type EventType = Event['type'];
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;
/** An event before the transcript assigns its position and time. */
export type EventDraft = Event extends infer E ? (E extends Event ? Omit<E, 'seq' | 'turn' | 'time'> : never) : never;
