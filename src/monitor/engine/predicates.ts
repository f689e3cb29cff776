import type { MonitorEvent } from '../event.js';
import type { MatchSpec, Predicate } from '../rules/schema.js';
import { compilePattern } from './pattern.js';

/** An event inside the engine: its reference, session and time are resolved once on ingest. */
export interface IndexedEvent extends MonitorEvent {
  ref: string;
  session: string;
  /** Event time in ms (NaN when unreadable: time windows then never expire it early). */
  t: number;
}

export type Bindings = Readonly<Record<string, unknown>>;
export type Getter = (e: MonitorEvent) => unknown;

/** Compiles a field path once: `@identity` etc. read the envelope, anything else walks `fields`. */
export function getter(path: string): Getter {
  switch (path) {
    case '@identity':
      return (e) => e.identity;
    case '@session':
      return (e) => e.session;
    case '@kind':
      return (e) => e.kind;
    case '@step':
      return (e) => e.step;
  }
  const parts = path.split('.');
  if (parts.length === 1) {
    const key = parts[0]!;
    return (e) => (Object.hasOwn(e.fields, key) ? e.fields[key] : undefined);
  }
  return (e) => {
    let cur: unknown = e.fields;
    for (const k of parts) {
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
      cur = (cur as Record<string, unknown>)[k];
    }
    return cur;
  };
}

type Test = (e: MonitorEvent, vars: Bindings) => boolean;

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function contains(hay: unknown, needle: unknown): boolean {
  if (Array.isArray(hay)) return hay.some((x) => x === needle);
  if (typeof hay === 'string' && (typeof needle === 'string' || typeof needle === 'number')) return hay.includes(String(needle));
  return false;
}

function compilePredicate(p: Predicate): Test {
  const get = getter(p.field);
  // A variable that is not bound yet never matches: a rule cannot be satisfied by accident.
  const operand: (vars: Bindings) => { ok: boolean; v: unknown } =
    p.var === undefined ? () => ({ ok: true, v: p.value }) : (vars) => ({ ok: Object.hasOwn(vars, p.var!), v: vars[p.var!] });
  switch (p.op) {
    case 'eq':
      return (e, vars) => {
        const o = operand(vars);
        return o.ok && get(e) === o.v;
      };
    case 'neq':
      return (e, vars) => {
        const o = operand(vars);
        return o.ok && get(e) !== o.v;
      };
    case 'in': {
      const set = new Set(p.value as unknown[]);
      return (e) => set.has(get(e));
    }
    case 'regex': {
      const test = compilePattern(p.value as string, p.flags ?? '');
      return (e) => {
        const x = get(e);
        return (typeof x === 'string' || typeof x === 'number') && test(String(x));
      };
    }
    case 'exists': {
      const want = p.value === undefined ? true : (p.value as boolean);
      return (e) => (get(e) !== undefined && get(e) !== null) === want;
    }
    case 'contains':
      return (e, vars) => {
        const o = operand(vars);
        return o.ok && contains(get(e), o.v);
      };
    default: {
      const cmp =
        p.op === 'gt'
          ? (a: number, b: number) => a > b
          : p.op === 'lt'
            ? (a: number, b: number) => a < b
            : p.op === 'gte'
              ? (a: number, b: number) => a >= b
              : (a: number, b: number) => a <= b;
      return (e, vars) => {
        const o = operand(vars);
        const a = num(get(e));
        const b = num(o.v);
        return o.ok && a !== null && b !== null && cmp(a, b);
      };
    }
  }
}

export interface CompiledMatch {
  kinds: ReadonlySet<string>;
  /** The variables this step binds, or null when the event does not match. */
  test(e: MonitorEvent, vars: Bindings): Record<string, unknown> | null;
}

/** A step and its alternatives (`or`): the first alternative that matches binds the variables. */
export function compileMatch(spec: MatchSpec): CompiledMatch {
  const own = compileOne(spec);
  if (!spec.or?.length) return own;
  const all = [own, ...spec.or.map(compileOne)];
  const kinds = new Set<string>(all.flatMap((m) => [...m.kinds]));
  return {
    kinds,
    test(e, vars) {
      if (!kinds.has(e.kind)) return null;
      for (const m of all) {
        const bound = m.test(e, vars);
        if (bound) return bound;
      }
      return null;
    },
  };
}

function compileOne(spec: Omit<MatchSpec, 'or'>): CompiledMatch {
  const kinds = new Set<string>(Array.isArray(spec.kind) ? spec.kind : [spec.kind]);
  const tests = (spec.where ?? []).map(compilePredicate);
  const binds = Object.entries(spec.bind ?? {}).map(([name, path]) => [name, getter(path)] as const);
  return {
    kinds,
    test(e, vars) {
      if (!kinds.has(e.kind)) return null;
      for (const t of tests) if (!t(e, vars)) return null;
      const out: Record<string, unknown> = {};
      for (const [name, get] of binds) {
        const v = get(e);
        // A bound variable that disagrees with an earlier binding of the same name breaks the match.
        if (Object.hasOwn(vars, name) && vars[name] !== v) return null;
        out[name] = v;
      }
      return out;
    },
  };
}

/** A stable key for a set of bindings (for de-duplicating partial matches). */
export function bindingsKey(vars: Bindings): string {
  const keys = Object.keys(vars).sort();
  return keys.map((k) => `${k}=${JSON.stringify(vars[k]) ?? 'undefined'}`).join('\u0001');
}

/** Whether `later` is still inside `within` of `first` (steps and/or ms; NaN times never expire). */
export function inside(
  first: IndexedEvent,
  later: IndexedEvent,
  within: { steps?: number | undefined; ms?: number | undefined } | undefined,
): boolean {
  if (!within) return true;
  if (within.steps !== undefined && later.step - first.step > within.steps) return false;
  if (within.ms !== undefined && later.t - first.t > within.ms) return false;
  return true;
}
