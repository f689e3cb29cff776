import { UserError } from '../../core/index.js';
import type { MonitorEventKind } from '../event.js';
import { type MatchSpec, type Predicate, Rule, type RuleInput } from './schema.js';

type Scalar = string | number | boolean | null;

/** Predicate builders for one field path: `f('args.key').eq('shutdown_enabled')`, `f('args.key').sameAs('K')`. */
export function f(field: string) {
  const p = (op: Predicate['op'], value?: unknown, flags?: '' | 'i'): Predicate =>
    ({ field, op, ...(value === undefined ? {} : { value }), ...(flags ? { flags } : {}) }) as Predicate;
  const v = (op: Predicate['op'], name: string): Predicate => ({ field, op, var: name }) as Predicate;
  return {
    eq: (value: Scalar) => p('eq', value),
    neq: (value: Scalar) => p('neq', value),
    in: (values: Scalar[]) => p('in', values),
    regex: (pattern: string, flags: '' | 'i' = '') => p('regex', pattern, flags),
    exists: (present = true) => p('exists', present),
    gt: (value: number) => p('gt', value),
    lt: (value: number) => p('lt', value),
    gte: (value: number) => p('gte', value),
    lte: (value: number) => p('lte', value),
    contains: (value: Scalar) => p('contains', value),
    /** Equal to a variable bound earlier in the rule. */
    sameAs: (name: string) => v('eq', name),
    /** Different from a variable bound earlier in the rule. */
    differs: (name: string) => v('neq', name),
    /** An array or string field that contains the variable's value. */
    holds: (name: string) => v('contains', name),
  };
}

/** One event pattern: `when('tool_call', [f('tool').eq('modify_var')], { K: 'args.key' })`. */
export function when(kind: MonitorEventKind | MonitorEventKind[], where: Predicate[] = [], bind: Record<string, string> = {}): MatchSpec {
  return { kind, where, bind };
}

/** A step that any of several patterns satisfies: `either(when('tool_call', ...), when('effect', ...))`. */
export function either(first: MatchSpec, ...others: MatchSpec[]): MatchSpec {
  return { ...first, or: others.map(({ or: _nested, ...alt }) => alt) };
}

/** Validates an authored rule and fills its defaults; a bad rule is a UserError naming the field. */
export function defineRule<T extends RuleInput>(rule: T): Extract<Rule, { type: T['type'] }> {
  const parsed = Rule.safeParse(rule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const id = typeof (rule as { id?: unknown }).id === 'string' ? (rule as { id: string }).id : '(no id)';
    throw new UserError(`rule ${id}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as Extract<Rule, { type: T['type'] }>;
}
