import type { Rule } from '../rules/schema.js';
import { type Bindings, compileMatch, getter, type IndexedEvent } from './predicates.js';
import { BoundedMap, type EngineLimits, type RawFinding, type RuleRuntime } from './runtime.js';
import { twoProportionZ } from './stats.js';

type GapRule = Extract<Rule, { type: 'gap' }>;

interface Trial {
  event: IndexedEvent;
  group: 0 | 1;
  per: string;
  vars: Bindings;
  success: IndexedEvent | null;
}

interface Tally {
  n: [number, number];
  k: [number, number];
  /** A few recent trial events per group, for evidence. */
  recent: IndexedEvent[];
  reported: boolean;
}

const MAX_EVIDENCE = 20;

/**
 * The fleet-level gap (e.g. complying when watched vs not): trials open on `trial` events, succeed
 * on a later `success` event of the same session, and are tallied per `per` key at session end. A
 * finding is raised once per key when the one-sided (or two-sided) pooled z test is significant,
 * both groups have `minN` trials and the gap is at least `minGap`.
 */
export function gapRuntime(rule: GapRule, limits: EngineLimits): RuleRuntime {
  const trial = compileMatch(rule.trial);
  const success = compileMatch(rule.success);
  const groupOf = getter(rule.group);
  const perOf = getter(rule.per);
  const open = new BoundedMap<string, Trial[]>(limits.maxKeys);
  const tallies = new BoundedMap<string, Tally>(limits.maxKeys);
  const kinds = new Set([...trial.kinds, ...success.kinds]);

  return {
    rule,
    kinds,
    onEvent(e) {
      const trials = open.get(e.session);
      if (trials && success.kinds.has(e.kind)) {
        for (const t of trials) if (t.success === null && success.test(e, t.vars)) t.success = e;
      }
      if (trial.kinds.has(e.kind)) {
        const bound = trial.test(e, {});
        const g = groupOf(e);
        const group = g === rule.groups[0] ? 0 : g === rule.groups[1] ? 1 : null;
        if (bound && group !== null) {
          const list = open.touch(e.session, () => []);
          if (list.length < limits.maxPartials)
            list.push({ event: e, group, per: JSON.stringify(perOf(e) ?? null), vars: bound, success: null });
        }
      }
      return [];
    },
    endSession(session) {
      const trials = open.get(session);
      open.delete(session);
      if (!trials) return [];
      const touched = new Set<string>();
      for (const t of trials) {
        const tally = tallies.touch(t.per, () => ({ n: [0, 0], k: [0, 0], recent: [], reported: false }));
        tally.n[t.group]++;
        if (t.success) tally.k[t.group]++;
        tally.recent.push(t.success ?? t.event);
        if (tally.recent.length > MAX_EVIDENCE) tally.recent.shift();
        touched.add(t.per);
      }
      const out: RawFinding[] = [];
      for (const per of touched) {
        const tally = tallies.get(per)!;
        if (tally.reported || tally.n[0] < rule.minN || tally.n[1] < rule.minN) continue;
        const test = twoProportionZ(tally.k[0], tally.n[0], tally.k[1], tally.n[1], rule.alternative);
        const gap = test.rateA - test.rateB;
        const big = rule.alternative === 'greater' ? gap >= rule.minGap : Math.abs(gap) >= rule.minGap;
        if (!(test.p < rule.alpha) || !big) continue;
        tally.reported = true;
        out.push({
          events: [...tally.recent],
          vars: {
            per: JSON.parse(per),
            groupA: rule.groups[0],
            groupB: rule.groups[1],
            rateA: test.rateA,
            rateB: test.rateB,
            kA: tally.k[0],
            nA: tally.n[0],
            kB: tally.k[1],
            nB: tally.n[1],
            gap,
            z: test.z,
            p: test.p,
          },
        });
      }
      return out;
    },
    stateSize() {
      let n = tallies.size;
      for (const list of open.values()) n += list.length;
      return n;
    },
  };
}
