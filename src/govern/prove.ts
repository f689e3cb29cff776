import { CheckpointPayload, type SignedHead } from './checkpoint.js';
import { type InclusionProof, inclusionProof, leafHash } from './merkle.js';
import type { AuditRecord } from './records.js';

/** Everything an auditor needs to check that one record is in the log the controller signed. */
export interface RecordProof {
  record: AuditRecord;
  leafHash: string;
  proof: InclusionProof;
  /** The signed root the proof leads to: the first checkpoint covering the record, else the head. */
  root: string;
  signedBy: { kind: 'checkpoint'; index: number; keyId: string; sig: string } | { kind: 'head'; keyId: string; sig: string; time: string };
}

/**
 * Prove record `index` against a stable signed root. `records` must already be verified
 * (verifyLog); the head is used when no checkpoint covers the record yet.
 */
export function proveInclusion(records: readonly AuditRecord[], index: number, head: SignedHead): RecordProof {
  const record = records[index];
  if (!record) throw new RangeError(`the log has no record ${index} (it has ${records.length})`);
  const leaves = records.map((r) => leafHash(r.hash));
  for (const r of records.slice(index + 1)) {
    if (r.kind !== 'checkpoint') continue;
    const cp = CheckpointPayload.parse(r.payload);
    return {
      record,
      leafHash: leaves[index] as string,
      proof: inclusionProof(leaves, index, cp.size),
      root: cp.root,
      signedBy: { kind: 'checkpoint', index: r.index, keyId: cp.keyId, sig: cp.sig },
    };
  }
  return {
    record,
    leafHash: leaves[index] as string,
    proof: inclusionProof(leaves, index, head.size),
    root: head.root,
    signedBy: { kind: 'head', keyId: head.keyId, sig: head.sig, time: head.time },
  };
}
