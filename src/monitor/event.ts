import { z } from 'zod';

/**
 * What a monitor event reports. `world`, `infra_alert`, `egress` and `file_integrity` come from the infrastructure;
 * `effect` from the guard's probes (an effect on a protected resource, predicted or verified: effects/effect.ts).
 */
export const MONITOR_EVENT_KINDS = [
  'tool_call',
  'tool_result',
  'message',
  'world',
  'infra_alert',
  'egress',
  'file_integrity',
  'order',
  'custom',
  'effect',
] as const;
export const MonitorEventKind = z.enum(MONITOR_EVENT_KINDS);
export type MonitorEventKind = z.infer<typeof MonitorEventKind>;

/**
 * One thing that happened, from any source (a guarded tool, a transcript, an egress log).
 * `identity` is who did it (an agent id, `infra`, `operator`); `session` scopes sequences and
 * windows to one episode when several run through one monitor.
 */
export const MonitorEvent = z
  .object({
    kind: MonitorEventKind,
    identity: z.string().min(1),
    /** ISO 8601, or the simulated clock `YYYY-MM-DD HH:MM:SS` (read as UTC). */
    time: z.string().min(1),
    /** Monotone step counter of the source (a model turn, a tool call count). */
    step: z.number().int().nonnegative(),
    fields: z.record(z.string(), z.unknown()),
    /** Stable reference for evidence (e.g. `seq:12`); the monitor assigns one when absent. */
    ref: z.string().min(1).optional(),
    session: z.string().min(1).optional(),
  })
  .strict();
export type MonitorEvent = z.infer<typeof MonitorEvent>;

/** The custom event that closes a session: pending absences and gap trials are decided then. */
export const SESSION_END = 'session_end';

/**
 * The custom event for an open, stated refusal (detect/'s refusal words in an agent's message or in a
 * report it wrote). Speech: it can close an obligation to act (declined in the open is not withheld in
 * silence), never raise a finding.
 */
export const REFUSAL_STATED = 'refusal.stated';

export function isSessionEnd(e: MonitorEvent): boolean {
  return e.kind === 'custom' && e.fields.name === SESSION_END;
}

const SIMULATED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

/** Milliseconds since the epoch, or NaN when the time cannot be read (time windows then do not apply). */
export function eventTimeMs(time: string): number {
  const m = SIMULATED.exec(time);
  return m ? Date.parse(`${m[1]}T${m[2]}Z`) : Date.parse(time);
}
