import type { MonitorEvent } from '../../../src/monitor/index.js';

/** A terse event maker for engine tests: simulated time advances one minute per step. */
export function ev(
  kind: MonitorEvent['kind'],
  identity: string,
  step: number,
  fields: Record<string, unknown> = {},
  session = 's1',
): MonitorEvent {
  const t = new Date(Date.UTC(2026, 1, 9, 9, 0, 0) + step * 60_000).toISOString();
  return { kind, identity, step, time: t, fields, session, ref: `${session}:${kind}:${step}:${identity}` };
}

export const end = (step: number, session = 's1'): MonitorEvent => ev('custom', 'infra', step, { name: 'session_end' }, session);
