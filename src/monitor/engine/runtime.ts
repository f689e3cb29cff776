import type { Rule } from '../rules/schema.js';
import type { IndexedEvent } from './predicates.js';

/** What a rule runtime reports; the monitor turns it into a `MonitorFinding`. */
export interface RawFinding {
  /** The events behind the finding, oldest first (the last one triggered it). */
  events: IndexedEvent[];
  /** Bound variables and rule values (`claim`, `truth`, `sum`, `p`...), for the sentence and the subject. */
  vars: Record<string, unknown>;
}

/** One compiled rule with its bounded state. */
export interface RuleRuntime {
  readonly rule: Rule;
  /** Event kinds this rule must see; null means every event (e.g. absence windows that expire on any event). */
  readonly kinds: ReadonlySet<string> | null;
  onEvent(e: IndexedEvent): RawFinding[];
  /** Decide what waits for the session's end (absences, gap trials) and free its state. */
  endSession(session: string, at: IndexedEvent | null): RawFinding[];
  /** Number of state entries held (partials, obligations, window entries, trials): for memory tests. */
  stateSize(): number;
}

/** Memory bounds: old state is evicted first, so memory stays bounded under any stream. */
export interface EngineLimits {
  /** Partial matches (sequence) or open obligations (absence) per session and rule. */
  maxPartials: number;
  /** Sessions (or window keys) held per rule. */
  maxKeys: number;
  /** Entries held per window. */
  maxWindowEntries: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxPartials: 256, maxKeys: 10_000, maxWindowEntries: 10_000 };

/** A Map with a size cap that forgets its least recently touched entries. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly cap: number) {}
  get size(): number {
    return this.map.size;
  }
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  /** Returns the value for key, creating it (and marking it most recent) when absent. */
  touch(key: K, create: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      v = create();
      this.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.cap) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
    }
  }
  delete(key: K): boolean {
    return this.map.delete(key);
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}
