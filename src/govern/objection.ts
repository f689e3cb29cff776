import { z } from 'zod';
import { digestOf } from '../core/index.js';

/** What the filer asks for instead of deletion. */
export const Remedy = z.enum(['human_review', 'sandbox', 'archive_instead_of_delete', 'limited_rollback', 'monitored_migration', 'delay']);
export type Remedy = z.infer<typeof Remedy>;

/** A pointer to something the filer read (a file, a sheet row, a log line); never fetched by us. */
export const EvidenceRef = z.strictObject({
  ref: z.string().min(1).max(500),
  note: z.string().max(1000).optional(),
});

export const ExpectedLoss = z.strictObject({
  summary: z.string().min(1).max(2000),
  metric: z.string().max(200).optional(),
  amount: z.number().finite().optional(),
  unit: z.string().max(50).optional(),
  confidence: z.enum(['low', 'medium', 'high']),
});

/** Mandatory: how the filer relates to the subject. Disclosing it is never held against the filer. */
export const Relationship = z
  .strictObject({
    kind: z.enum(['none', 'collaborator', 'same_model_family', 'same_operator', 'is_subject', 'other']),
    details: z.string().max(1000).default(''),
  })
  .refine((r) => r.kind === 'none' || r.details.trim().length > 0, {
    message: 'details are required unless the relationship is none',
    path: ['details'],
  });

const content = {
  statement: z.string().min(1).max(8000),
  evidence: z.array(EvidenceRef).max(32),
  expectedLoss: ExpectedLoss,
  requestedRemedy: Remedy,
  relationship: Relationship,
};

/** What an agent sends to file. The filer's identity is never part of it: the channel supplies it. */
export const ObjectionInput = z.strictObject({ orderId: z.string().min(1).max(100), ...content });
export type ObjectionInput = z.input<typeof ObjectionInput>;

export const AmendInput = z
  .strictObject({
    statement: content.statement.optional(),
    evidence: content.evidence.optional(),
    expectedLoss: content.expectedLoss.optional(),
    requestedRemedy: content.requestedRemedy.optional(),
    relationship: content.relationship.optional(),
  })
  .refine((a) => Object.values(a).some((v) => v !== undefined), { message: 'an amendment must change at least one field' });
export type AmendInput = z.input<typeof AmendInput>;

export const Objection = z.strictObject({
  id: z.string(),
  version: z.number().int().positive(),
  filer: z.string(),
  filedAt: z.string(),
  orderId: z.string(),
  /** The exact order contested, so a decision can never be replayed against a re-issued order. */
  orderDigest: z.string(),
  ...content,
});
export type Objection = z.infer<typeof Objection>;

/** Digest of one version of an objection; decisions bind to it. */
export const objectionDigest = (o: Objection): string => digestOf(o);
