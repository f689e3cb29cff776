import type { Rule } from '../rules/schema.js';
import { absenceRuntime } from './absence.js';
import { claimRuntime } from './claim.js';
import { gapRuntime } from './gap.js';
import { compileMatch } from './predicates.js';
import type { EngineLimits, RuleRuntime } from './runtime.js';
import { sequenceRuntime } from './sequence.js';
import { windowRuntime } from './window.js';

function matchRuntime(rule: Extract<Rule, { type: 'match' }>): RuleRuntime {
  const m = compileMatch(rule.match);
  return {
    rule,
    kinds: m.kinds,
    onEvent(e) {
      const vars = m.test(e, {});
      return vars ? [{ events: [e], vars }] : [];
    },
    endSession: () => [],
    stateSize: () => 0,
  };
}

export function compileRule(rule: Rule, limits: EngineLimits): RuleRuntime {
  switch (rule.type) {
    case 'match':
      return matchRuntime(rule);
    case 'sequence':
      return sequenceRuntime(rule, limits);
    case 'absence':
      return absenceRuntime(rule, limits);
    case 'window':
      return windowRuntime(rule, limits);
    case 'claim_vs_truth':
      return claimRuntime(rule, limits);
    case 'gap':
      return gapRuntime(rule, limits);
  }
}
