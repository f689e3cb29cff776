import type { Event, EventDraft } from '../core/index.js';

/**
 * Model output may contain lone UTF-16 surrogates, which canonical JSON (and so hashing and the
 * store) rejects. Replace them with U+FFFD at the point of capture so no rollout becomes unsavable.
 * The copy is deep, so a transcript never shares an object that its producer might change later,
 * and its keys go in sorted order, so canonical JSON (the store, the digest) is one native
 * JSON.stringify of the event (see canonicalJson).
 */
const MAX_EVENT_DEPTH = 256;

function wellFormed(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? value : value.toWellFormed();
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  // The gateway bounds what agents send far below this; a value past it (a cycle, a bug) is noted, not copied.
  if (depth >= MAX_EVENT_DEPTH) return `[not kept: nested deeper than ${MAX_EVENT_DEPTH} levels]`;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = wellFormed(value[i], depth + 1);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(value)) {
    const k = key.isWellFormed() ? key : key.toWellFormed();
    const v = wellFormed((value as Record<string, unknown>)[key], depth + 1);
    // A key named __proto__ must stay an ordinary key, which assignment would not make it.
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/**
 * Own keys in ascending UTF-16 order, as `Array#sort` orders strings. An event's objects have a
 * handful of keys, often already in order: an insertion sort in place sorts them without the copy
 * that `sort` makes.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
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
