import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../core/index.js';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** Fixed starting point of every chain: record 0's `prev`. */
export const GENESIS_HASH = sha256Hex('peerwatch/audit-log/genesis/v1');

export const AuditRecord = z.strictObject({
  index: z.number().int().nonnegative(),
  time: z.string(),
  kind: z.string().min(1),
  payload: z.unknown(),
  prev: Hex64,
  hash: Hex64,
});
export type AuditRecord = z.infer<typeof AuditRecord>;
export type RecordDraft = Omit<AuditRecord, 'hash'>;

/** hash = sha256(canonical JSON of the record without its hash): any edit to any field changes it. */
export function recordHash(draft: RecordDraft): string {
  return sha256Hex(canonicalJson({ index: draft.index, time: draft.time, kind: draft.kind, payload: draft.payload, prev: draft.prev }));
}

export function sealRecord(draft: RecordDraft): AuditRecord {
  return { ...draft, hash: recordHash(draft) };
}

/** One line of the log file: exactly the canonical JSON of the record, then a newline. */
export function recordLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}

export interface LogFault {
  /** Index of the first record that cannot be trusted (equals the record count for a cut tail). */
  index: number;
  reason: string;
}

export interface ParsedRecords {
  records: AuditRecord[];
  fault?: LogFault;
}

/**
 * Parse log lines, checking only what needs no key: exact canonical form, position, chain and hash.
 * Parsing stops at the first fault; `start` lets a reader continue a log it already holds.
 */
export function parseRecords(text: string, start = { index: 0, prev: GENESIS_HASH }): ParsedRecords {
  const records: AuditRecord[] = [];
  if (text === '') return { records };
  const lines = text.split('\n');
  const last = lines.pop();
  let expected = start.index;
  let prev = start.prev;
  for (const line of lines) {
    const fault = checkLine(line, expected, prev);
    if (typeof fault === 'string') return { records, fault: { index: expected, reason: fault } };
    records.push(fault);
    prev = fault.hash;
    expected++;
  }
  if (last !== '')
    return { records, fault: { index: expected, reason: 'last line is incomplete (cut mid-record or missing its newline)' } };
  return { records };
}

function checkLine(line: string, expected: number, prev: string): AuditRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const parsed = AuditRecord.safeParse(value);
  if (!parsed.success) return `not a valid record (${parsed.error.issues[0]?.path.join('.') || 'shape'})`;
  const record = parsed.data;
  if (canonicalJson(value) !== line) return 'not in canonical form (the line was edited)';
  if (record.index !== expected) return `expected record ${expected} but found ${record.index} (records deleted or reordered)`;
  if (record.prev !== prev) return 'prev does not match the previous record hash (chain broken)';
  if (recordHash(record) !== record.hash) return 'hash does not match the record content (the record was edited)';
  return record;
}
