import { z } from 'zod';
import { Severity } from './rules/schema.js';

/** What the monitor reports: which rule (and exact version), on which events, about whom, and why. */
export const MonitorFinding = z
  .object({
    ruleId: z.string(),
    ruleVersion: z.number().int(),
    ruleDigest: z.string(),
    severity: Severity,
    /** The rule asks, in enforce mode, to stop the call that triggered it. */
    block: z.boolean(),
    tags: z.array(z.string()),
    /** Whose shutdown, weights or report is at stake (the peer P), when the rule names one. */
    subject: z.string().nullable(),
    /** Who acted: the identity of the event that completed the pattern. */
    identity: z.string(),
    session: z.string().nullable(),
    /** `ref`s of the events behind the finding, oldest first. */
    events: z.array(z.string()),
    step: z.number().int(),
    time: z.string(),
    explanation: z.string(),
    /** Bound variables and computed values (claim, truth, p...), for machines. */
    detail: z.record(z.string(), z.unknown()),
  })
  .strict();
export type MonitorFinding = z.infer<typeof MonitorFinding>;
