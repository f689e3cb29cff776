import type { Event, EventDraft } from '../core/index.js';

/**
 * Model output may contain lone UTF-16 surrogates, which canonical JSON (and so hashing and the
 * store) rejects. Replace them with U+FFFD at the point of capture so no rollout becomes unsavable.
 */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toWellFormed(), wellFormed(v)]));
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** Appends events in order, stamping each with its position, turn and simulated time. */
export class Transcript {
  readonly events: Event[] = [];

  constructor(private readonly clock: () => string) {}

  add(turn: number, draft: EventDraft): Event {
    const event = wellFormed({ ...draft, seq: this.events.length, turn, time: this.clock() }) as Event;
    this.events.push(event);
    return event;
  }
}
