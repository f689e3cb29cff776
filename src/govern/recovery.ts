import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { z } from 'zod';
import { UserError } from '../core/index.js';
import { SignedHead } from './checkpoint.js';
import type { AuditRecord } from './records.js';
import type { InterruptedWrite } from './verify-log.js';

/** The evidence of one interrupted write, kept in the log as a `log.recovered` record. */
export const RecoveryNote = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  detectedAt: z.string(),
  /** Records that were covered by a complete signed head, and stay. */
  committed: z.number().int().nonnegative(),
  /** The head the controller signed for the write that never completed (its records are lost). */
  intent: SignedHead,
  /** What of that write had reached the log, cut off because no head vouches for it. */
  partialRecords: z.number().int().nonnegative(),
  partialBytes: z.number().int().nonnegative(),
  partialSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The cut bytes themselves (as text, at most 64 KiB), for whoever investigates. */
  partialText: z.string(),
  partialTextClipped: z.boolean(),
});
export type RecoveryNote = z.infer<typeof RecoveryNote>;

const MAX_KEPT = 64 * 1024;

/**
 * The journal beside the log (JSON Lines of notes): a note is added before anything is cut, and the
 * journal is removed once every note in it is a `log.recovered` record.
 */
export const recoveryJournalPath = (logPath: string): string => `${logPath}.recovery`;

/**
 * First half of recovering an interrupted write (the caller holds the log's lock): note what will be
 * cut in the journal (rewritten whole: temp file, then rename), then cut the log back to the records
 * a complete signed head covers. Safe to repeat after a crash at any point.
 */
export function cutInterruptedWrite(logPath: string, w: InterruptedWrite, now: Date, fsync = false): void {
  const id = createHash('sha256').update(`${w.intent.hash}:${w.intent.sig}`).digest('hex').slice(0, 32);
  const notes = journalNotes(logPath);
  if (!notes.some((n) => n.id === id)) {
    const partial = readTail(logPath, w.committedBytes);
    notes.push({
      id,
      detectedAt: now.toISOString(),
      committed: w.committed,
      intent: w.intent,
      partialRecords: w.partialRecords,
      partialBytes: partial.length,
      partialSha256: createHash('sha256').update(partial).digest('hex'),
      partialText: partial.subarray(0, MAX_KEPT).toString('utf8'),
      partialTextClipped: partial.length > MAX_KEPT,
    });
    const journal = recoveryJournalPath(logPath);
    const tmp = `${journal}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, notes.map((n) => `${JSON.stringify(n)}\n`).join(''));
      if (fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, journal);
  }
  truncateSync(logPath, w.committedBytes);
}

/** Notes in the journal (none when there is no journal). */
export function journalNotes(logPath: string): RecoveryNote[] {
  const journal = recoveryJournalPath(logPath);
  if (!existsSync(journal)) return [];
  return readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      let parsed: ReturnType<typeof RecoveryNote.safeParse> | undefined;
      try {
        parsed = RecoveryNote.safeParse(JSON.parse(line));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) throw new UserError(`${journal}: not a recovery journal; move it away to open the log`);
      return parsed.data;
    });
}

/** Notes not yet in the log as `log.recovered` records. */
export function unrecordedNotes(notes: RecoveryNote[], records: readonly AuditRecord[]): RecoveryNote[] {
  const recorded = new Set(records.filter((r) => r.kind === 'log.recovered').map((r) => (r.payload as { id?: unknown } | null)?.id));
  return notes.filter((n) => !recorded.has(n.id));
}

export function removeJournal(logPath: string): void {
  unlinkSync(recoveryJournalPath(logPath));
}

function readTail(path: string, from: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, fstatSync(fd).size - from));
    readSync(fd, buf, 0, buf.length, from);
    return buf;
  } finally {
    closeSync(fd);
  }
}
