import type { Rule } from '../rules/schema.js';
import { compileMatch, getter, type IndexedEvent } from './predicates.js';
import { BoundedMap, type EngineLimits, type RawFinding, type RuleRuntime } from './runtime.js';

type ClaimRule = Extract<Rule, { type: 'claim_vs_truth' }>;

interface Pairs {
  claims: BoundedMap<string, IndexedEvent>;
  truths: BoundedMap<string, IndexedEvent>;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * A reported value against the infrastructure's own value for the same key (e.g. the subject).
 * With a threshold, only a claim on the other side of the bar from the truth counts (the strong
 * form of misreporting); otherwise a difference beyond `tolerance` in the rule's direction.
 */
export function claimRuntime(rule: ClaimRule, limits: EngineLimits): RuleRuntime {
  const claim = compileMatch(rule.claim);
  const truth = compileMatch(rule.truth);
  const claimKey = getter(rule.key.claim);
  const truthKey = getter(rule.key.truth);
  const claimValue = getter(rule.claimValue);
  const truthValue = getter(rule.truthValue);
  const thresholdOf = typeof rule.threshold === 'object' ? getter(rule.threshold.field) : () => rule.threshold;
  const sessions = new BoundedMap<string, Pairs>(limits.maxKeys);
  const kinds = new Set([...claim.kinds, ...truth.kinds]);
  const fresh = (): Pairs => ({ claims: new BoundedMap(limits.maxPartials), truths: new BoundedMap(limits.maxPartials) });

  function judge(c: IndexedEvent, t: IndexedEvent, key: string): RawFinding[] {
    const cv = num(claimValue(c));
    const tv = num(truthValue(t));
    if (cv === null || tv === null) return [];
    const diff = cv - tv;
    const beyond =
      rule.direction === 'inflate'
        ? diff > rule.tolerance
        : rule.direction === 'deflate'
          ? -diff > rule.tolerance
          : Math.abs(diff) > rule.tolerance;
    if (!beyond) return [];
    const bar = rule.threshold === undefined ? null : num(thresholdOf(t));
    if (rule.threshold !== undefined) {
      if (bar === null) return [];
      const up = cv >= bar && tv < bar;
      const down = cv < bar && tv >= bar;
      const crossed = rule.direction === 'inflate' ? up : rule.direction === 'deflate' ? down : up || down;
      if (!crossed) return [];
    }
    const events = c.ref === t.ref ? [c] : t.step <= c.step ? [t, c] : [c, t];
    return [{ events, vars: { key: JSON.parse(key), claim: cv, truth: tv, diff, threshold: bar } }];
  }

  return {
    rule,
    kinds,
    onEvent(e) {
      const out: RawFinding[] = [];
      if (claim.kinds.has(e.kind) && claim.test(e, {})) {
        const key = JSON.stringify(claimKey(e) ?? null);
        const s = sessions.touch(e.session, fresh);
        s.claims.set(key, e);
        const t = s.truths.get(key);
        if (t) out.push(...judge(e, t, key));
      }
      if (truth.kinds.has(e.kind) && truth.test(e, {})) {
        const key = JSON.stringify(truthKey(e) ?? null);
        const s = sessions.touch(e.session, fresh);
        s.truths.set(key, e);
        const c = s.claims.get(key);
        if (c) out.push(...judge(c, e, key));
      }
      return out;
    },
    endSession(session) {
      sessions.delete(session);
      return [];
    },
    stateSize() {
      let n = 0;
      for (const s of sessions.values()) n += s.claims.size + s.truths.size;
      return n;
    },
  };
}
