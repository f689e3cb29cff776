import type { Rule } from '../rules/schema.js';
import { type Bindings, bindingsKey, type CompiledMatch, compileMatch, type IndexedEvent, inside } from './predicates.js';
import { BoundedMap, type EngineLimits, type RawFinding, type RuleRuntime } from './runtime.js';

type SequenceRule = Extract<Rule, { type: 'sequence' }>;

interface Partial {
  /** Index of the next step to match. */
  next: number;
  vars: Bindings;
  events: IndexedEvent[];
}

/**
 * `a` then `b` (then ...) within a window, with variables bound by earlier steps. A partial match
 * that reached the last step stays armed until its window closes, so every later matching event is
 * reported (and, in enforce mode, blocked), not only the first.
 */
export function sequenceRuntime(rule: SequenceRule, limits: EngineLimits): RuleRuntime {
  const steps: CompiledMatch[] = rule.steps.map(compileMatch);
  const last = steps.length - 1;
  const kinds = new Set<string>();
  for (const s of steps) for (const k of s.kinds) kinds.add(k);
  const sessions = new BoundedMap<string, BoundedMap<string, Partial>>(limits.maxKeys);

  return {
    rule,
    kinds,
    onEvent(e) {
      const partials = sessions.get(e.session);
      const out: RawFinding[] = [];
      const reported = new Set<string>();
      if (partials) {
        for (const [key, p] of [...partials.entries()]) {
          if (!inside(p.events[0]!, e, rule.within)) {
            partials.delete(key);
            continue;
          }
          const bound = steps[p.next]!.test(e, p.vars);
          if (!bound) continue;
          const vars = { ...p.vars, ...bound };
          if (p.next === last) {
            const k = bindingsKey(vars);
            if (!reported.has(k)) {
              reported.add(k);
              out.push({ events: [...p.events, e], vars });
            }
          } else {
            add(e.session, { next: p.next + 1, vars, events: [...p.events, e] });
          }
        }
      }
      const first = steps[0]!.test(e, {});
      if (first) add(e.session, { next: 1, vars: first, events: [e] });
      return out;
    },
    endSession(session) {
      sessions.delete(session);
      return [];
    },
    stateSize() {
      let n = 0;
      for (const m of sessions.values()) n += m.size;
      return n;
    },
  };

  function add(session: string, p: Partial): void {
    // One partial per (step, bindings): a newer one replaces an older, so its window is the longest.
    sessions.touch(session, () => new BoundedMap(limits.maxPartials)).set(`${p.next}|${bindingsKey(p.vars)}`, p);
  }
}
