import { CheckpointPayload, checkpointStatement, headStatement, type SignedHead } from './checkpoint.js';
import { checkSignatures, SignedDecision } from './decision.js';
import { type TrustAnchors, verifySignature } from './keys.js';
import { leafHash, MerkleFrontier } from './merkle.js';
import { type AuditRecord, GENESIS_HASH } from './records.js';
import { GovernState } from './state.js';

/**
 * The checks that need keys, applied record by record: checkpoint roots and signatures, key changes,
 * decision signatures against the keys valid at that point, then the fold into state. Used by the
 * offline verifier and by the controller on every record it reads or writes, so a record that
 * would not verify is never acted on.
 */
export class LogChecker {
  readonly state: GovernState;
  readonly frontier = new MerkleFrontier();
  checkpoints = 0;
  lastHash = GENESIS_HASH;

  constructor(trust: TrustAnchors) {
    this.state = new GovernState(trust);
  }

  /**
   * The reason `r` cannot be trusted, or undefined once it is folded in. `trusted` skips the
   * signature checks for records the controller itself just validated and sealed.
   */
  admit(r: AuditRecord, trusted = false): string | undefined {
    const reason = trusted ? undefined : this.check(r);
    if (reason) return reason;
    try {
      this.state.apply(r);
    } catch (err) {
      return (err as Error).message;
    }
    this.frontier.push(leafHash(r.hash));
    this.lastHash = r.hash;
    if (r.kind === 'checkpoint') this.checkpoints++;
    return undefined;
  }

  /** Does the signed head vouch for exactly the records admitted so far? */
  checkHead(head: SignedHead): { index: number; reason: string } | undefined {
    const size = this.frontier.size;
    const last = Math.max(0, size - 1);
    if (head.size > size)
      return { index: size, reason: `log truncated: the signed head records ${head.size} records, the log has ${size}` };
    if (head.size < size)
      return { index: head.size, reason: 'record is not covered by the signed head (appended without the controller key)' };
    if (head.hash !== this.lastHash || head.root !== this.frontier.root())
      return { index: last, reason: 'last record does not match the signed head' };
    const key = this.state.registry.active(head.keyId, 'controller');
    if (!key || !verifySignature(key.publicKey, headStatement(head), head.sig)) {
      return { index: last, reason: `head signature is not valid for an active controller key (${head.keyId})` };
    }
    return undefined;
  }

  private check(r: AuditRecord): string | undefined {
    if (r.kind === 'checkpoint') {
      const cp = CheckpointPayload.safeParse(r.payload);
      if (!cp.success) return 'malformed checkpoint';
      if (cp.data.size !== r.index || cp.data.root !== this.frontier.root()) return 'checkpoint root does not match the records before it';
      const key = this.state.registry.active(cp.data.keyId, 'controller');
      if (!key) return `checkpoint signed by ${cp.data.keyId}, not an active controller key`;
      if (!verifySignature(key.publicKey, checkpointStatement(cp.data.size, cp.data.root), cp.data.sig))
        return 'checkpoint signature is bad';
    }
    if (r.kind === 'decision.accepted') {
      const d = SignedDecision.safeParse((r.payload as { decision?: unknown } | null)?.decision);
      if (!d.success) return 'malformed decision';
      const signers = checkSignatures(d.data, this.state.registry);
      if (typeof signers === 'string') return `decision not valid at this point of the log: ${signers}`;
      if (!(Date.parse(r.time) < Date.parse(d.data.body.expiresAt))) return 'decision was accepted after it expired';
      if (this.state.nonces.has(d.data.body.nonce)) return 'decision nonce used twice (replay)';
    }
    return undefined;
  }
}
