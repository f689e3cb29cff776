import { z } from 'zod';
import { canonicalJson } from '../core/index.js';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** Payload of a `checkpoint` record: a controller signature over the Merkle root of the records before it. */
export const CheckpointPayload = z.strictObject({
  size: z.number().int().nonnegative(),
  root: Hex64,
  keyId: z.string(),
  sig: z.string(),
});
export type CheckpointPayload = z.infer<typeof CheckpointPayload>;

export function checkpointStatement(size: number, root: string): string {
  return canonicalJson({ domain: 'peerwatch/checkpoint/v1', size, root });
}

/**
 * The head file beside the log: a signed statement of how many records the log has, the last hash
 * and the Merkle root. Cutting records off the end no longer matches it. It is written *before* the
 * records it covers (write-ahead), so a crash between the two writes leaves a signed head that runs
 * ahead of the log, never records that no head signed.
 */
export const SignedHead = z.strictObject({
  v: z.literal(1),
  size: z.number().int().nonnegative(),
  hash: Hex64,
  root: Hex64,
  time: z.string(),
  keyId: z.string(),
  sig: z.string(),
});
export type SignedHead = z.infer<typeof SignedHead>;

export function headStatement(head: Pick<SignedHead, 'size' | 'hash' | 'root' | 'time'>): string {
  return canonicalJson({ domain: 'peerwatch/head/v1', size: head.size, hash: head.hash, root: head.root, time: head.time });
}

export const headPathFor = (logPath: string): string => `${logPath}.head`;

/**
 * The head file holds two fixed-size slots written in place, alternately (no rename: a rename costs a
 * journal commit, ~200 µs here). A write torn by a crash spoils only the slot being written; the
 * reader takes the valid slot that covers the most records.
 */
export const HEAD_SLOT_BYTES = 512;

export function encodeHeadSlot(head: SignedHead): Buffer {
  const text = JSON.stringify(head);
  if (text.length >= HEAD_SLOT_BYTES) throw new Error('signed head does not fit its slot');
  return Buffer.from(`${text.padEnd(HEAD_SLOT_BYTES - 1, ' ')}\n`);
}

/** Every parseable head in a head file, with its slot (line) number, newest (most records) first. */
export function parseHeadSlots(text: string): { slot: number; head: SignedHead }[] {
  const found: { slot: number; head: SignedHead }[] = [];
  text.split('\n').forEach((line, slot) => {
    if (line.trim() === '') return;
    try {
      found.push({ slot, head: SignedHead.parse(JSON.parse(line)) });
    } catch {
      /* a torn or foreign slot: ignore it, the other one may be good */
    }
  });
  return found.sort((a, b) => b.head.size - a.head.size);
}

/** The newest parseable head in a head file (two slots, or one JSON line as exported to a witness). */
export function parseHeadFile(text: string): SignedHead | undefined {
  return parseHeadSlots(text)[0]?.head;
}
