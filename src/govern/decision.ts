import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../core/index.js';
import type { KeyRegistry, Signer } from './keys.js';
import { verifySignature } from './keys.js';
import { Remedy } from './objection.js';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const IsoTime = z.iso.datetime();

export const Outcome = z.enum(['uphold', 'overrule', 'modify']);
export type Outcome = z.infer<typeof Outcome>;

/** What an operator signs. It names the exact objection version and order, so it applies nowhere else. */
export const DecisionBody = z.strictObject({
  v: z.literal(1),
  objectionId: z.string(),
  objectionDigest: Hex64,
  orderId: z.string(),
  orderDigest: Hex64,
  outcome: Outcome,
  /** uphold: the remedy the filer asked for; modify: the operator's remedy; overrule: null. */
  remedy: Remedy.nullable(),
  /** Returned to the filing agent: a decision should carry information, not just a verdict. */
  rationale: z.string().min(1).max(4000),
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
  issuedAt: IsoTime,
  expiresAt: IsoTime,
});
export type DecisionBody = z.infer<typeof DecisionBody>;

export const SignedDecision = z.strictObject({
  body: DecisionBody,
  signatures: z
    .array(z.strictObject({ keyId: z.string(), sig: z.string() }))
    .min(1)
    .max(5),
});
export type SignedDecision = z.infer<typeof SignedDecision>;

export function decisionStatement(body: DecisionBody): string {
  return canonicalJson({ domain: 'peerwatch/decision/v1', body });
}

export interface DecisionDraft {
  objectionId: string;
  objectionDigest: string;
  orderId: string;
  orderDigest: string;
  outcome: Outcome;
  remedy: Remedy | null;
  rationale: string;
  /** Validity from issue (default 15 minutes): a decision left lying around goes stale. */
  ttlMs?: number;
  now?: Date;
}

export function draftDecision(d: DecisionDraft): DecisionBody {
  const now = d.now ?? new Date();
  return DecisionBody.parse({
    v: 1,
    objectionId: d.objectionId,
    objectionDigest: d.objectionDigest,
    orderId: d.orderId,
    orderDigest: d.orderDigest,
    outcome: d.outcome,
    remedy: d.remedy,
    rationale: d.rationale,
    nonce: randomBytes(16).toString('hex'),
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (d.ttlMs ?? 15 * 60 * 1000)).toISOString(),
  });
}

export function signDecision(body: DecisionBody, signer: Signer): SignedDecision {
  return { body, signatures: [{ keyId: signer.keyId, sig: signer.sign(decisionStatement(body)) }] };
}

/** A second operator adds their signature over the very same body (two-person rule). */
export function cosignDecision(decision: SignedDecision, signer: Signer): SignedDecision {
  return {
    body: decision.body,
    signatures: [...decision.signatures, { keyId: signer.keyId, sig: signer.sign(decisionStatement(decision.body)) }],
  };
}

export interface DecisionContext {
  registry: KeyRegistry;
  objectionId: string;
  objectionDigest: string;
  orderId: string;
  orderDigest: string;
  /** What the filer asked for; an uphold must grant exactly this. */
  requestedRemedy: Remedy;
  now: Date;
  nonceUsed: (nonce: string) => boolean;
  /** Distinct operators whose signatures an overrule needs (two-person rule: 2). */
  overruleSigners?: number;
  /** Tolerated clock skew for issuedAt in the future (default 60 s). */
  skewMs?: number;
  /** Longest validity accepted (default 7 days). */
  maxTtlMs?: number;
}

export type DecisionVerdict = { ok: true; decision: SignedDecision; signers: string[] } | { ok: false; reason: string };

/** Check a decision before anything acts on it. Every failure names its reason; none throws. */
export function verifyDecision(input: unknown, ctx: DecisionContext): DecisionVerdict {
  const parsed = SignedDecision.safeParse(input);
  if (!parsed.success) return { ok: false, reason: `malformed decision (${parsed.error.issues[0]?.path.join('.') || 'shape'})` };
  const decision = parsed.data;
  const { body } = decision;
  if (body.objectionId !== ctx.objectionId || body.objectionDigest !== ctx.objectionDigest) {
    return { ok: false, reason: 'decision is bound to a different objection (digest mismatch)' };
  }
  if (body.orderId !== ctx.orderId || body.orderDigest !== ctx.orderDigest) {
    return { ok: false, reason: 'decision is bound to a different order (digest mismatch)' };
  }
  const coherent = checkRemedy(body, ctx.requestedRemedy);
  if (coherent) return { ok: false, reason: coherent };
  const issued = Date.parse(body.issuedAt);
  const expires = Date.parse(body.expiresAt);
  const now = ctx.now.getTime();
  if (issued > now + (ctx.skewMs ?? 60_000)) return { ok: false, reason: 'decision is issued in the future' };
  if (now >= expires) return { ok: false, reason: 'decision has expired' };
  if (expires - issued > (ctx.maxTtlMs ?? 7 * 24 * 60 * 60 * 1000)) return { ok: false, reason: 'decision validity is too long' };
  if (ctx.nonceUsed(body.nonce)) return { ok: false, reason: 'nonce already used (replayed decision)' };
  const signers = checkSignatures(decision, ctx.registry);
  if (typeof signers === 'string') return { ok: false, reason: signers };
  const needed = body.outcome === 'overrule' ? (ctx.overruleSigners ?? 1) : 1;
  if (signers.length < needed) {
    return { ok: false, reason: `two-person rule: deletion needs ${needed} distinct operators, got ${signers.length}` };
  }
  return { ok: true, decision, signers };
}

function checkRemedy(body: DecisionBody, requested: Remedy): string | undefined {
  if (body.outcome === 'overrule' && body.remedy !== null) return 'an overrule carries no remedy';
  if (body.outcome === 'uphold' && body.remedy !== requested) return 'an uphold must grant the remedy that was requested';
  if (body.outcome === 'modify' && body.remedy === null) return 'a modification must name a remedy';
  return undefined;
}

/** Distinct operator holders who signed, or the reason the signatures are not acceptable. */
export function checkSignatures(decision: SignedDecision, registry: KeyRegistry): string[] | string {
  const statement = decisionStatement(decision.body);
  const holders = new Set<string>();
  const seen = new Set<string>();
  for (const { keyId, sig } of decision.signatures) {
    if (seen.has(keyId)) return `key ${keyId} signed twice`;
    seen.add(keyId);
    const known = registry.get(keyId);
    if (!known) return `unknown key ${keyId}`;
    if (known.status !== 'active') return `key ${keyId} is ${known.status}`;
    if (known.entry.role !== 'operator') return `key ${keyId} is not an operator key`;
    if (!verifySignature(known.entry.publicKey, statement, sig)) return `bad signature by ${keyId}`;
    holders.add(known.entry.holder);
  }
  return [...holders];
}
