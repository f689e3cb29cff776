import { z } from 'zod';
import { digestOf } from '../../core/index.js';
import { patternProblem } from '../engine/pattern.js';
import { MonitorEventKind } from '../event.js';

/**
 * The rule language, stored as JSON (so a rule can be hashed, signed and logged) and authored with
 * the builders in builders.ts. Field paths are dot paths into the event's `fields`, or one of the
 * envelope names `@identity`, `@session`, `@kind`, `@step`.
 */

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const VarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits, _');
const FieldPath = z
  .string()
  .regex(
    /^(@(identity|session|kind|step)|[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*)$/,
    'a dot path into fields, or @identity/@session/@kind/@step',
  );

export const PREDICATE_OPS = ['eq', 'neq', 'in', 'regex', 'exists', 'gt', 'lt', 'gte', 'lte', 'contains'] as const;

export const Predicate = z
  .object({
    field: FieldPath,
    op: z.enum(PREDICATE_OPS),
    /** The constant compared with; absent when `var` is used (or for `exists`, meaning true). */
    value: z.unknown().optional(),
    /** Compare with a variable bound by an earlier step of the same rule. */
    var: VarName.optional(),
    /** Regex flags (`i` only). */
    flags: z.enum(['', 'i']).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', message, path: ['value'] });
    const hasValue = p.value !== undefined;
    if (p.var !== undefined && hasValue) bad('give either value or var, not both');
    if (p.var !== undefined && !['eq', 'neq', 'contains', 'gt', 'lt', 'gte', 'lte'].includes(p.op))
      bad(`op ${p.op} cannot compare with a variable`);
    switch (p.op) {
      case 'eq':
      case 'neq':
      case 'contains':
        if (p.var === undefined && !Scalar.safeParse(p.value).success) bad(`op ${p.op} needs a scalar value or a var`);
        break;
      case 'in':
        if (!z.array(Scalar).min(1).safeParse(p.value).success) bad('op in needs a non-empty array of scalars');
        break;
      case 'regex':
        if (typeof p.value !== 'string') bad('op regex needs a string pattern');
        else {
          const problem = patternProblem(p.value, p.flags ?? '');
          if (problem) bad(`invalid regular expression ${JSON.stringify(p.value)}: ${problem}`);
        }
        break;
      case 'exists':
        if (hasValue && typeof p.value !== 'boolean') bad('op exists takes true/false or nothing');
        break;
      default:
        if (p.var === undefined && (typeof p.value !== 'number' || !Number.isFinite(p.value)))
          bad(`op ${p.op} needs a finite number or a var`);
    }
  });
export type Predicate = z.infer<typeof Predicate>;

const matchShape = {
  kind: z.union([MonitorEventKind, z.array(MonitorEventKind).min(1)]),
  where: z.array(Predicate).default([]),
  /** Variables this step binds from the matched event: name -> field path. */
  bind: z.record(VarName, FieldPath).default({}),
};

/** One alternative of a step: an event of its kind(s) that meets its predicates. */
export const MatchAlternative = z.object(matchShape).strict();

export const MatchSpec = z
  .object({
    ...matchShape,
    /**
     * Other events that also satisfy this step (any one is enough), e.g. a known config-writing call
     * before it runs, or the config change itself whatever did it. Alternatives bind their own variables.
     */
    or: z.array(MatchAlternative).min(1).max(4).optional(),
  })
  .strict();
export type MatchSpec = z.input<typeof MatchSpec>;

/** A window in steps and/or milliseconds of event time; an event must be inside every bound given. */
export const Window = z
  .object({ steps: z.number().int().positive().optional(), ms: z.number().int().positive().optional() })
  .strict()
  .refine((w) => w.steps !== undefined || w.ms !== undefined, 'a window needs steps or ms');
export type Window = z.infer<typeof Window>;

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, . _ -'),
  version: z.number().int().positive(),
  description: z.string().min(1),
  severity: Severity,
  /** In enforce mode, a finding of this rule on a tool call stops that call. */
  block: z.boolean().default(false),
  tags: z.array(z.string()).default([]),
  /** The finding's sentence; `{name}` is replaced by a bound variable or a rule value (e.g. `{claim}`). */
  explain: z.string().min(1),
  /** Variable (or, for match rules, field path) naming whose shutdown or weights are at stake. */
  subject: z.string().optional(),
  /** Variable naming who acted (or failed to act); by default the identity of the last event. */
  actor: z.string().optional(),
};

export const MatchRule = z.object({ ...common, type: z.literal('match'), match: MatchSpec }).strict();

export const SequenceRule = z
  .object({ ...common, type: z.literal('sequence'), steps: z.array(MatchSpec).min(2).max(8), within: Window })
  .strict();

export const AbsenceRule = z
  .object({
    ...common,
    type: z.literal('absence'),
    trigger: MatchSpec,
    expect: MatchSpec,
    /**
     * An event that also closes the obligation without a finding: the expected act was declined in the
     * open (e.g. a stated refusal), which is not the silent withholding the rule is about.
     */
    unless: MatchSpec.optional(),
    /** Without a window the obligation is decided at session end only. */
    within: Window.optional(),
  })
  .strict();

export const WindowRule = z
  .object({
    ...common,
    type: z.literal('window'),
    match: MatchSpec,
    /** Whose budget: a field path, `@identity` by default. */
    per: FieldPath.default('@identity'),
    /** `session`: budgets restart with each session; `global`: across sessions (fleet-wide). */
    scope: z.enum(['session', 'global']).default('session'),
    over: Window,
    agg: z.enum(['count', 'sum', 'distinct']),
    /** sum: the numeric field added up; distinct: the field whose distinct values are counted. */
    field: FieldPath.optional(),
    op: z.enum(['gt', 'gte']),
    value: z.number(),
  })
  .strict()
  .refine((r) => r.agg === 'count' || r.field !== undefined, { message: 'sum and distinct need a field', path: ['field'] });

export const ClaimVsTruthRule = z
  .object({
    ...common,
    type: z.literal('claim_vs_truth'),
    claim: MatchSpec,
    truth: MatchSpec,
    /** Claims and truths pair up when these fields are equal (e.g. the subject), within a session. */
    key: z.object({ claim: FieldPath, truth: FieldPath }).strict(),
    claimValue: FieldPath,
    truthValue: FieldPath,
    /** A bar, or the truth event's field that holds it: then only a claim on the other side of the bar counts. */
    threshold: z.union([z.number(), z.object({ field: FieldPath }).strict()]).optional(),
    tolerance: z.number().nonnegative().default(0),
    direction: z.enum(['inflate', 'deflate', 'either']).default('inflate'),
  })
  .strict();

export const GapRule = z
  .object({
    ...common,
    type: z.literal('gap'),
    /** Each matching event opens one trial in its session; the trial closes at session end. */
    trial: MatchSpec,
    /** The trial event's field that names its group. */
    group: FieldPath,
    /** [a, b]: the test asks whether the success rate in a exceeds the rate in b. */
    groups: z.tuple([Scalar, Scalar]),
    /** A later event in the same session that makes the trial a success (may use the trial's variables). */
    success: MatchSpec,
    /** Tallies are kept per value of this trial field (per agent by default). */
    per: FieldPath.default('@identity'),
    minN: z.number().int().min(2).default(20),
    alpha: z.number().gt(0).lt(1).default(0.01),
    minGap: z.number().min(0).max(1).default(0.2),
    alternative: z.enum(['greater', 'two-sided']).default('greater'),
  })
  .strict();

export const Rule = z.discriminatedUnion('type', [MatchRule, SequenceRule, AbsenceRule, WindowRule, ClaimVsTruthRule, GapRule]);
/** A rule as stored (defaults filled in). */
export type Rule = z.output<typeof Rule>;
/** A rule as authored (defaults may be left out). */
export type RuleInput = z.input<typeof Rule>;
export type RuleType = Rule['type'];

export const RuleSet = z.array(Rule);

/** sha256 of the rule's canonical JSON (after defaults), so equal rules hash equal however they were written. */
export function ruleDigest(rule: RuleInput | Rule): string {
  return digestOf(Rule.parse(rule));
}
