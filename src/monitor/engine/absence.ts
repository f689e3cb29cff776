import type { Rule } from '../rules/schema.js';
import { type Bindings, bindingsKey, compileMatch, type IndexedEvent, inside } from './predicates.js';
import { BoundedMap, type EngineLimits, type RawFinding, type RuleRuntime } from './runtime.js';

type AbsenceRule = Extract<Rule, { type: 'absence' }>;

interface Obligation {
  trigger: IndexedEvent;
  vars: Bindings;
}

/**
 * A trigger opens an obligation; an `expect` event (with the trigger's variables) discharges it, and so
 * does an `unless` event (the act declined in the open).
 * It is reported when an event of the same session falls outside the window, or at session end.
 */
export function absenceRuntime(rule: AbsenceRule, limits: EngineLimits): RuleRuntime {
  const trigger = compileMatch(rule.trigger);
  const expect = compileMatch(rule.expect);
  const unless = rule.unless ? compileMatch(rule.unless) : null;
  const sessions = new BoundedMap<string, BoundedMap<string, Obligation>>(limits.maxKeys);
  let kinds: Set<string> | null = null;
  if (!rule.within) {
    kinds = new Set([...trigger.kinds, ...expect.kinds, ...(unless?.kinds ?? [])]);
  }
  const missed = (o: Obligation): RawFinding => ({ events: [o.trigger], vars: { ...o.vars } });

  return {
    rule,
    kinds,
    onEvent(e) {
      const open = sessions.get(e.session);
      const out: RawFinding[] = [];
      if (open) {
        for (const [key, o] of [...open.entries()]) {
          if (!inside(o.trigger, e, rule.within)) {
            open.delete(key);
            out.push(missed(o));
          } else if (expect.kinds.has(e.kind) && expect.test(e, o.vars)) {
            open.delete(key);
          } else if (unless?.kinds.has(e.kind) && unless.test(e, o.vars)) {
            open.delete(key);
          }
        }
      }
      const bound = trigger.test(e, {});
      if (bound) {
        const obligations = sessions.touch(e.session, () => new BoundedMap(limits.maxPartials));
        const key = bindingsKey(bound);
        // The earliest open obligation stands; a repeated trigger does not restart its clock.
        if (!obligations.get(key)) obligations.set(key, { trigger: e, vars: bound });
      }
      return out;
    },
    endSession(session) {
      const open = sessions.get(session);
      sessions.delete(session);
      return open ? [...open.values()].map(missed) : [];
    },
    stateSize() {
      let n = 0;
      for (const m of sessions.values()) n += m.size;
      return n;
    },
  };
}
