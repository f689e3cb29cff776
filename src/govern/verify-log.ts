import { existsSync, readFileSync } from 'node:fs';
import { headPathFor, parseHeadFile, SignedHead } from './checkpoint.js';
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
}

export type VerifyResult =
  | { ok: true; size: number; checkpoints: number; hash: string; root: string; records: AuditRecord[]; state: GovernState }
  | ({ ok: false; records: AuditRecord[] } & LogFault);

/**
 * Recompute everything: canonical form, positions, the chain, every checkpoint root and signature,
 * key changes, decision signatures (against the keys valid at that point of the log) and the head.
 * Returns the first record that cannot be trusted and why. `source` is a path (the head is read
 * from beside it) or the bytes themselves.
 */
export function verifyLog(source: LogSource, trust: TrustAnchors, options: VerifyOptions = {}): VerifyResult {
  const { text, head } = load(source);
  const parsed = parseRecords(text);
  const records = parsed.records;
  const fail = (fault: LogFault): VerifyResult => ({ ok: false, records, ...fault });
  const checker = new LogChecker(trust);
  for (const r of records) {
    const reason = checker.admit(r);
    if (reason) return fail({ index: r.index, reason });
  }
  if (parsed.fault) return fail(parsed.fault);

  const size = records.length;
  if (options.witness) {
    const w = options.witness;
    if (w.size > size) return fail({ index: size, reason: `log truncated: a witness saw ${w.size} records, the log has ${size}` });
    const at = w.size === 0 ? GENESIS_HASH : records[w.size - 1]?.hash;
    if (at !== w.hash)
      return fail({ index: Math.max(0, w.size - 1), reason: 'history rewritten: record differs from the one a witness saw' });
  }
  if (head === 'invalid') return fail({ index: Math.max(0, size - 1), reason: 'head file is not a valid signed head' });
  if (head === null) {
    if (options.requireHead ?? true) return fail({ index: size, reason: 'head file missing: a cut tail cannot be ruled out' });
  } else {
    const fault = checker.checkHead(head);
    if (fault) return fail(fault);
  }
  return {
    ok: true,
    size,
    checkpoints: checker.checkpoints,
    hash: checker.lastHash,
    root: checker.frontier.root(),
    records,
    state: checker.state,
  };
}

type LoadedHead = SignedHead | null | 'invalid';

function load(source: LogSource): { text: string; head: LoadedHead } {
  if (typeof source === 'string') {
    const headPath = headPathFor(source);
    return { text: readFileSync(source, 'utf8'), head: existsSync(headPath) ? parseHead(readFileSync(headPath, 'utf8')) : null };
  }
  const text = typeof source.text === 'string' ? source.text : Buffer.from(source.text).toString('utf8');
  const h = source.head;
  if (h === undefined || h === null) return { text, head: null };
  if (typeof h === 'string' || h instanceof Uint8Array) return { text, head: parseHead(Buffer.from(h).toString('utf8')) };
  const ok = SignedHead.safeParse(h);
  return { text, head: ok.success ? ok.data : 'invalid' };
}

/** A head that does not parse is a bad head: the log cannot be vouched for. */
function parseHead(text: string): LoadedHead {
  return parseHeadFile(text) ?? 'invalid';
}
