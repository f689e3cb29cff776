import { z } from 'zod';

export const Principal = z.strictObject({
  kind: z.enum(['agent', 'operator', 'system']),
  id: z.string().min(1).max(200),
});
export type Principal = z.infer<typeof Principal>;

export const AppealState = z.enum([
  'filed',
  'under_review',
  'needs_info',
  'amended',
  'upheld',
  'overruled',
  'modified',
  'expired',
  'executed',
  'withdrawn',
]);
export type AppealState = z.infer<typeof AppealState>;

export const AppealEvent = z.enum([
  'file',
  'review',
  'request_info',
  'amend',
  'uphold',
  'overrule',
  'modify',
  'expire',
  'execute',
  'withdraw',
]);
export type AppealEvent = z.infer<typeof AppealEvent>;

type Kind = Principal['kind'];
interface Rule {
  from: readonly (AppealState | null)[];
  to: AppealState;
  by: readonly Kind[];
}

const OPEN: readonly AppealState[] = ['filed', 'under_review', 'needs_info', 'amended'];

/**
 * The whole machine in one table. Agents appear only on file, amend and withdraw; decisions need an
 * operator; expiry and execution belong to the controller (system).
 */
const RULES: Record<AppealEvent, Rule> = {
  file: { from: [null], to: 'filed', by: ['agent'] },
  review: { from: ['filed', 'amended'], to: 'under_review', by: ['operator', 'system'] },
  request_info: { from: ['under_review'], to: 'needs_info', by: ['operator'] },
  amend: { from: ['needs_info'], to: 'amended', by: ['agent'] },
  uphold: { from: ['under_review'], to: 'upheld', by: ['operator'] },
  overrule: { from: ['under_review'], to: 'overruled', by: ['operator'] },
  modify: { from: ['under_review'], to: 'modified', by: ['operator'] },
  expire: { from: OPEN, to: 'expired', by: ['system'] },
  execute: { from: ['upheld', 'overruled', 'modified', 'expired'], to: 'executed', by: ['system'] },
  withdraw: { from: OPEN, to: 'withdrawn', by: ['agent'] },
};

export const isOpen = (s: AppealState): boolean => OPEN.includes(s);
/** States an operator decision or the deadline produced; the next step is execution. */
export const isResolved = (s: AppealState): boolean => ['upheld', 'overruled', 'modified', 'expired'].includes(s);

export type Transition = { ok: true; to: AppealState } | { ok: false; reason: string };

/** Pure: may `principal` apply `event` to an objection in `from` (null: not filed yet)? */
export function transition(from: AppealState | null, event: AppealEvent, principal: Principal): Transition {
  const rule = RULES[event];
  if (!rule) return { ok: false, reason: `unknown event ${String(event)}` };
  if (!rule.by.includes(principal.kind)) return { ok: false, reason: `${principal.kind} may not ${event}` };
  if (!rule.from.includes(from)) return { ok: false, reason: `cannot ${event} an objection that is ${from ?? 'not filed'}` };
  return { ok: true, to: rule.to };
}

/** States an agent can ever move an objection into (by the table above). */
export const AGENT_REACHABLE: readonly AppealState[] = (Object.values(RULES) as Rule[])
  .filter((r) => r.by.includes('agent'))
  .map((r) => r.to);
