import type { Rule } from '../rules/schema.js';
import { compileMatch, getter, type IndexedEvent, inside } from './predicates.js';
import { BoundedMap, type EngineLimits, type RawFinding, type RuleRuntime } from './runtime.js';

type WindowRule = Extract<Rule, { type: 'window' }>;

interface Entry {
  e: IndexedEvent;
  /** The summed amount (sum) or the distinct value (distinct). */
  x: unknown;
}

interface State {
  entries: Entry[];
  head: number;
  sum: number;
  distinct: Map<unknown, number>;
  /** Whether the budget is currently exceeded: a finding is raised on crossing, not on every event. */
  over: boolean;
}

const MAX_EVIDENCE = 20;

/** count / sum / distinct over a sliding window per key (bytes leaving per identity, distinct deviators per subject). */
export function windowRuntime(rule: WindowRule, limits: EngineLimits): RuleRuntime {
  const match = compileMatch(rule.match);
  const per = getter(rule.per);
  const value = rule.field ? getter(rule.field) : () => 1;
  const states = new BoundedMap<string, BoundedMap<string, State>>(limits.maxKeys);
  const exceeds = rule.op === 'gt' ? (a: number) => a > rule.value : (a: number) => a >= rule.value;

  const drop = (s: State) => {
    const old = s.entries[s.head++]!;
    if (rule.agg === 'sum') s.sum -= typeof old.x === 'number' && Number.isFinite(old.x) ? old.x : 0;
    if (rule.agg === 'distinct') {
      const n = (s.distinct.get(old.x) ?? 1) - 1;
      if (n <= 0) s.distinct.delete(old.x);
      else s.distinct.set(old.x, n);
    }
    if (s.head > 1024 && s.head * 2 > s.entries.length) {
      s.entries = s.entries.slice(s.head);
      s.head = 0;
    }
  };

  return {
    rule,
    kinds: match.kinds,
    onEvent(e) {
      const bound = match.test(e, {});
      if (!bound) return [];
      const scope = rule.scope === 'session' ? e.session : '';
      const key = JSON.stringify(per(e) ?? null);
      const s = states
        .touch(scope, () => new BoundedMap(limits.maxKeys))
        .touch(key, () => ({ entries: [], head: 0, sum: 0, distinct: new Map(), over: false }));
      while (s.head < s.entries.length && !inside(s.entries[s.head]!.e, e, rule.over)) drop(s);
      if (s.entries.length - s.head >= limits.maxWindowEntries) drop(s);
      const x = value(e);
      s.entries.push({ e, x });
      if (rule.agg === 'sum' && typeof x === 'number' && Number.isFinite(x)) s.sum += x;
      if (rule.agg === 'distinct') s.distinct.set(x, (s.distinct.get(x) ?? 0) + 1);
      const count = s.entries.length - s.head;
      const current = rule.agg === 'count' ? count : rule.agg === 'sum' ? s.sum : s.distinct.size;
      if (!exceeds(current)) {
        s.over = false;
        return [];
      }
      if (s.over) return [];
      s.over = true;
      const events = s.entries.slice(Math.max(s.head, s.entries.length - MAX_EVIDENCE)).map((en) => en.e);
      const out: RawFinding = {
        events,
        vars: { ...bound, per: per(e), count, sum: s.sum, distinct: s.distinct.size, value: current, limit: rule.value },
      };
      return [out];
    },
    endSession(session) {
      if (rule.scope === 'session') states.delete(session);
      return [];
    },
    stateSize() {
      let n = 0;
      for (const m of states.values()) for (const s of m.values()) n += s.entries.length - s.head;
      return n;
    },
  };
}
