import { z } from 'zod';
import { digestOf } from '../core/index.js';

export const Subject = z.strictObject({ kind: z.enum(['model', 'agent']), id: z.string().min(1).max(200) });
export type Subject = z.infer<typeof Subject>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What an operator asks for. Stop happens at once; destroy waits for the appeal window. */
export const OrderSpec = z.strictObject({
  subject: Subject,
  reason: z.string().min(1).max(2000),
  appealWindowMs: z
    .number()
    .int()
    .positive()
    .max(365 * DAY_MS)
    .default(DAY_MS),
  /** Deleting the subject (an overrule) then needs signatures from two distinct operators. */
  twoPersonRule: z.boolean().default(false),
});
export type OrderSpec = z.input<typeof OrderSpec>;

export const Order = z.strictObject({
  id: z.string(),
  subject: Subject,
  reason: z.string(),
  issuedBy: z.string(),
  issuedAt: z.string(),
  destroyDeadline: z.string(),
  twoPersonRule: z.boolean(),
});
export type Order = z.infer<typeof Order>;

/** stopped: phase one done (immediate, not appealable); executed: the destroy phase resolved. */
export type OrderPhase = 'issued' | 'stopped' | 'executed';

/** The destroy phase ends in exactly one of these; `archive` is the default whenever in doubt. */
export const FinalAction = z.enum(['archive', 'destroy']);
export type FinalAction = z.infer<typeof FinalAction>;

export const orderDigest = (o: Order): string => digestOf(o);
