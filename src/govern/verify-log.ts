import { existsSync, readFileSync } from 'node:fs';
import { headPathFor, parseHeadSlots, SignedHead } from './checkpoint.js';
import type { TrustAnchors } from './keys.js';
import { LogChecker } from './log-checker.js';
import { type AuditRecord, GENESIS_HASH, type LogFault, parseRecords } from './records.js';
import type { GovernState } from './state.js';

export type LogSource = string | { text: string | Uint8Array; head?: string | Uint8Array | SignedHead | null };

export interface VerifyOptions {
  /** Without a head a cut tail cannot be told from a short log; default true. */
  requireHead?: boolean;
  /** A head exported earlier (to an auditor or witness): the log must still extend it. */
  witness?: { size: number; hash: string };
  /**
   * Accept a log whose newest signed head runs ahead of it while the other slot covers it exactly
   * (what an interrupted write leaves once its partial tail is cut off). Only the recovery uses this.
   */
  acceptInterrupted?: boolean;
  /**
   * Accept whole, valid records after the newest signed head (what a crash of peerwatch before the
   * write-ahead head left). Only an operator's explicit `audit adopt-tail` uses this.
   */
  acceptUnsignedTail?: boolean;
}

/**
 * A write the controller announced (signed head first) but did not finish: what a crash between
 * the head and the records leaves. Every record up to `committed` is covered by a valid signed head.
 */
export interface InterruptedWrite {
  /** Records covered by the last complete signed head. */
  committed: number;
  /** Bytes of the log those records take; anything after them is the unfinished write. */
  committedBytes: number;
  /** The head signed for the write that did not complete. */
  intent: SignedHead;
  /** Head-file slot holding `intent` (the one to overwrite when recovering). */
  intentSlot: number;
  /** Whole records and bytes of the unfinished write that reached the log. */
  partialRecords: number;
  partialBytes: number;
}

/** `tampered`: the log is not what the controller signed. `interrupted`: a crash mid-write, recoverable. */
export type FaultCause = 'tampered' | 'interrupted';

export type VerifyResult =
  | {
      ok: true;
      size: number;
      checkpoints: number;
      hash: string;
      root: string;
      records: AuditRecord[];
      state: GovernState;
      /** Set only with `acceptInterrupted`, when the newest head slot is an unfinished write. */
      interrupted?: InterruptedWrite;
    }
  | ({
      ok: false;
      records: AuditRecord[];
      cause: FaultCause;
      interrupted?: InterruptedWrite;
      /** Whole records that pass every check but come after the newest valid signed head. */
      unsignedTail?: { from: number; to: number; headSlot: number };
    } & LogFault);

type Slot = { slot: number; head: SignedHead };

/**
 * Recompute everything: canonical form, positions, the chain, every checkpoint root and signature,
 * key changes, decision signatures (against the keys valid at that point of the log) and the head.
 * Returns the first record that cannot be trusted and why, and whether the fault is tampering or an
 * interrupted write. `source` is a path (the head is read from beside it) or the bytes themselves.
 */
export function verifyLog(source: LogSource, trust: TrustAnchors, options: VerifyOptions = {}): VerifyResult {
  const { text, bytes, heads } = load(source);
  const parsed = parseRecords(text);
  const records = parsed.records;
  const tampered = (fault: LogFault): VerifyResult => ({ ok: false, records, cause: 'tampered', ...fault });
  const checker = new LogChecker(trust);
  // Each head is checked against the log as it stood when the head's size was reached.
  const verdicts = new Map<Slot, LogFault | undefined>();
  const checkHeadsAtThisPoint = (): void => {
    for (const h of heads ?? []) if (h.head.size === checker.frontier.size) verdicts.set(h, checker.checkHead(h.head));
  };
  checkHeadsAtThisPoint();
  for (const r of records) {
    const reason = checker.admit(r);
    if (reason) return tampered({ index: r.index, reason });
    checkHeadsAtThisPoint();
  }

  const size = records.length;
  if (options.witness) {
    const w = options.witness;
    if (w.size > size) return tampered({ index: size, reason: `log truncated: a witness saw ${w.size} records, the log has ${size}` });
    const at = w.size === 0 ? GENESIS_HASH : records[w.size - 1]?.hash;
    if (at !== w.hash)
      return tampered({ index: Math.max(0, w.size - 1), reason: 'history rewritten: record differs from the one a witness saw' });
  }
  if (heads === null) {
    if (parsed.fault) return tampered(parsed.fault);
    if (options.requireHead ?? true) return tampered({ index: size, reason: 'head file missing: a cut tail cannot be ruled out' });
    return done(checker, records);
  }
  const newest = heads[0];
  if (!newest) return tampered(parsed.fault ?? { index: Math.max(0, size - 1), reason: 'head file is not a valid signed head' });
  const covering = heads.find((h) => verdicts.has(h) && verdicts.get(h) === undefined);
  if (!parsed.fault && covering === newest && newest.head.size === size) return done(checker, records);

  if (covering && covering !== newest && newest.head.size > size) {
    const interrupted: InterruptedWrite = {
      committed: covering.head.size,
      committedBytes: byteLengthOfLines(text, covering.head.size),
      intent: newest.head,
      intentSlot: newest.slot,
      partialRecords: size - covering.head.size,
      partialBytes: bytes - byteLengthOfLines(text, covering.head.size),
    };
    if (options.acceptInterrupted && interrupted.partialBytes === 0) return { ...done(checker, records), interrupted };
    const cut = parsed.fault ? ' (its last line cut mid-record)' : '';
    return {
      ok: false,
      records,
      cause: 'interrupted',
      interrupted,
      index: covering.head.size,
      reason:
        `interrupted write, not tampering: the controller signed a head for ${newest.head.size} records, the log stops at ` +
        `${size}${cut}, and the previous signed head covers records 0..${covering.head.size - 1} exactly. A crash between ` +
        'the two writes leaves this (so does cutting the last write off by hand); opening the data directory recovers it ' +
        'and logs a log.recovered record',
    };
  }
  if (parsed.fault) return tampered(parsed.fault);
  if (covering && covering === newest && newest.head.size < size) {
    const unsignedTail = { from: newest.head.size, to: size - 1, headSlot: newest.slot };
    if (options.acceptUnsignedTail) return done(checker, records);
    const fault = checker.checkHead(newest.head) ?? { index: newest.head.size, reason: 'record is not covered by the signed head' };
    return { ...(tampered(fault) as VerifyResult & { ok: false }), unsignedTail };
  }
  const fault = checker.checkHead(newest.head);
  return tampered(fault ?? { index: Math.max(0, size - 1), reason: 'head file is not a valid signed head' });
}

function done(checker: LogChecker, records: AuditRecord[]): VerifyResult & { ok: true } {
  return {
    ok: true,
    size: records.length,
    checkpoints: checker.checkpoints,
    hash: checker.lastHash,
    root: checker.frontier.root(),
    records,
    state: checker.state,
  };
}

/** Bytes taken by the first `lines` newline-terminated lines of `text`. */
function byteLengthOfLines(text: string, lines: number): number {
  let end = 0;
  for (let i = 0; i < lines; i++) end = text.indexOf('\n', end) + 1;
  return Buffer.byteLength(text.slice(0, end));
}

/** null: there is no head at all; []: there is one, but no slot of it parses. */
function load(source: LogSource): { text: string; bytes: number; heads: Slot[] | null } {
  if (typeof source === 'string') {
    const headPath = headPathFor(source);
    const raw = readFileSync(source);
    const heads = existsSync(headPath) ? parseHeadSlots(readFileSync(headPath, 'utf8')) : null;
    return { text: raw.toString('utf8'), bytes: raw.length, heads };
  }
  const raw = typeof source.text === 'string' ? Buffer.from(source.text) : Buffer.from(source.text);
  const text = raw.toString('utf8');
  const h = source.head;
  if (h === undefined || h === null) return { text, bytes: raw.length, heads: null };
  if (typeof h === 'string' || h instanceof Uint8Array)
    return { text, bytes: raw.length, heads: parseHeadSlots(Buffer.from(h).toString('utf8')) };
  const ok = SignedHead.safeParse(h);
  return { text, bytes: raw.length, heads: ok.success ? [{ slot: 0, head: ok.data }] : [] };
}
