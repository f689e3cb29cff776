import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import {
  checkpointStatement,
  encodeHeadSlot,
  HEAD_SLOT_BYTES,
  headPathFor,
  headStatement,
  parseHeadFile,
  type SignedHead,
} from './checkpoint.js';
import { withFileLock } from './file-lock.js';
import type { Signer } from './keys.js';
import { leafHash, MerkleFrontier } from './merkle.js';
import { type AuditRecord, GENESIS_HASH, parseRecords, recordLine, sealRecord } from './records.js';

export interface AuditLogOptions {
  /** A signed checkpoint record follows every `checkpointEvery` records (default 64). */
  checkpointEvery?: number;
  now?: () => Date;
  /** fsync the log and head on every transaction (default false; the bench reports cost without it). */
  fsync?: boolean;
}

export type Append = (kind: string, payload: unknown) => AuditRecord;

/** Said when a running writer meets another writer's unfinished write: it stops, a reopen recovers. */
export const REOPEN_HINT =
  '; another writer may have been killed mid-write: this process stops acting on the log, and reopening the data directory (restarting the controller) recovers it';

/**
 * The append-only, hash-chained log, as its one writer sees it. Every record that enters memory
 * (read at open, appended by another process, or written here) goes to the `onRecord` listeners in
 * order, so state kept beside the log is always a fold over it.
 */
export class AuditLog {
  private readonly all: AuditRecord[] = [];
  private readonly leaves: string[] = [];
  private readonly frontier = new MerkleFrontier();
  private readonly listeners: ((r: AuditRecord, own: boolean) => void)[] = [];
  private catchUpCheck: ((fresh: AuditRecord[]) => void) | undefined;
  /** Set once a record from another writer fails a check: from then on nothing is written. */
  private broken: Error | undefined;
  private bytesRead = 0;
  /** Which of the two head slots the next write overwrites (the older one). */
  private headSlot = 0;
  private readonly checkpointEvery: number;
  private readonly now: () => Date;

  private constructor(
    readonly path: string,
    private signer: Signer,
    private readonly options: AuditLogOptions,
  ) {
    this.checkpointEvery = options.checkpointEvery ?? 64;
    if (!Number.isInteger(this.checkpointEvery) || this.checkpointEvery < 1) throw new RangeError('checkpointEvery must be >= 1');
    this.now = options.now ?? (() => new Date());
  }

  /** Create a new, empty log (fails if the file exists) with its signed head. */
  static create(path: string, signer: Signer, options: AuditLogOptions = {}): AuditLog {
    writeFileSync(path, '', { flag: 'wx', mode: 0o600 });
    const log = new AuditLog(path, signer, options);
    log.writeHead();
    return log;
  }

  /** Open an existing log; the caller is expected to have run verifyLog first for signatures. */
  static open(path: string, signer: Signer, options: AuditLogOptions = {}): AuditLog {
    const log = new AuditLog(path, signer, options);
    log.catchUp();
    return log;
  }

  get size(): number {
    return this.all.length;
  }

  get lastHash(): string {
    return this.all[this.all.length - 1]?.hash ?? GENESIS_HASH;
  }

  get root(): string {
    return this.frontier.root();
  }

  records(): readonly AuditRecord[] {
    return this.all;
  }

  leafHashes(): readonly string[] {
    return this.leaves;
  }

  /** Switch the key that signs heads and checkpoints (after a controller key rotation). */
  useSigner(signer: Signer): void {
    this.signer = signer;
  }

  get signerKeyId(): string {
    return this.signer.keyId;
  }

  /** Called after records written by another process were read (e.g. to check the signed head). */
  onCatchUp(check: (fresh: AuditRecord[]) => void): void {
    this.catchUpCheck = check;
  }

  /**
   * Listen to every record, starting with those already read. `own` is true for records this
   * instance sealed itself (already checked before they were written).
   */
  onRecord(listener: (r: AuditRecord, own: boolean) => void): void {
    for (const r of this.all) listener(r, false);
    this.listeners.push(listener);
  }

  readHead(): SignedHead | undefined {
    const path = headPathFor(this.path);
    if (!existsSync(path)) return undefined;
    return parseHeadFile(readFileSync(path, 'utf8'));
  }

  /** Read records other writers appended since we last looked; throws if the file was cut or edited. */
  catchUp(): AuditRecord[] {
    if (this.broken) throw this.broken;
    try {
      return this.readAppended();
    } catch (err) {
      this.broken = err as Error;
      throw err;
    }
  }

  private readAppended(): AuditRecord[] {
    const size = statSync(this.path).size;
    if (size < this.bytesRead) throw new Error(`${this.path} shrank from ${this.bytesRead} to ${size} bytes (truncated)`);
    if (size === this.bytesRead) return [];
    const fd = openSync(this.path, 'r');
    const buf = Buffer.alloc(size - this.bytesRead);
    try {
      readSync(fd, buf, 0, buf.length, this.bytesRead);
    } finally {
      closeSync(fd);
    }
    const parsed = parseRecords(buf.toString('utf8'), { index: this.size, prev: this.lastHash });
    if (parsed.fault) {
      const hint = parsed.fault.reason.startsWith('last line is incomplete') ? REOPEN_HINT : '';
      throw new Error(`${this.path}: record ${parsed.fault.index}: ${parsed.fault.reason}${hint}`);
    }
    this.bytesRead = size;
    for (const r of parsed.records) this.admit(r, false);
    this.catchUpCheck?.(parsed.records);
    return parsed.records;
  }

  /**
   * Hold the writer lock, catch up with other writers, then let `fn` append. The head is re-signed
   * once at the end, so a multi-record step costs one signature. `lockHeld`: the caller already
   * holds this log's lock (opening and recovery run under it).
   */
  transaction<T>(fn: (append: Append) => T, options: { lockHeld?: boolean } = {}): T {
    const run = (): T => {
      this.catchUp();
      this.headSlot = this.freeSlot();
      const lines: string[] = [];
      const append: Append = (kind, payload) => {
        const record = this.seal(kind, payload);
        lines.push(recordLine(record));
        if ((record.index + 1) % this.checkpointEvery === 0) lines.push(recordLine(this.checkpoint()));
        return record;
      };
      try {
        return fn(append);
      } finally {
        if (lines.length > 0) this.flush(lines.join(''));
      }
    };
    return options.lockHeld ? run() : withFileLock(`${this.path}.lock`, run);
  }

  /** Convenience: one record in its own transaction. */
  append(kind: string, payload: unknown): AuditRecord {
    return this.transaction((append) => append(kind, payload));
  }

  private seal(kind: string, payload: unknown): AuditRecord {
    const record = sealRecord({ index: this.size, time: this.now().toISOString(), kind, payload, prev: this.lastHash });
    this.admit(record, true);
    return record;
  }

  private checkpoint(): AuditRecord {
    const size = this.size;
    const root = this.frontier.root();
    return this.seal('checkpoint', { size, root, keyId: this.signer.keyId, sig: this.signer.sign(checkpointStatement(size, root)) });
  }

  private admit(record: AuditRecord, own: boolean): void {
    this.all.push(record);
    const leaf = leafHash(record.hash);
    this.leaves.push(leaf);
    this.frontier.push(leaf);
    for (const l of this.listeners) l(record, own);
  }

  /**
   * Write-ahead: the signed head for the new state goes to disk first, then the records. A crash in
   * between leaves a head that runs ahead of the log (recoverable, see GovernStore.open), never a
   * record that no head signed, which is what an intruder's append looks like.
   */
  private flush(text: string): void {
    try {
      this.writeHead();
      const fd = openSync(this.path, 'a');
      try {
        writeSync(fd, text);
        if (this.options.fsync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      // Memory already holds records the disk may not: stop writing rather than drift apart.
      this.broken = err as Error;
      throw err;
    }
    this.bytesRead += Buffer.byteLength(text);
  }

  /**
   * Re-sign the head for the records on disk into `slot`, replacing a head written for a write that
   * never completed (recovery after a crash; the caller holds the lock and has cut the partial tail).
   */
  resignHead(slot: number): void {
    this.headSlot = slot;
    this.writeHead();
  }

  /**
   * The head slot this writer may overwrite: the one *not* holding the head that covers the log as
   * read. Chosen from the file on every transaction, as other processes write the slots too. If no
   * slot covers the log, another writer's head ran ahead of its records (it was killed mid-write):
   * writing on would overwrite that evidence, so stop; reopening recovers.
   */
  private freeSlot(): number {
    const path = headPathFor(this.path);
    if (!existsSync(path)) return 0;
    const text = readFileSync(path, 'utf8');
    const heads = [0, 1].map((slot) => parseHeadFile(text.slice(slot * HEAD_SLOT_BYTES, (slot + 1) * HEAD_SLOT_BYTES)));
    const newest = parseHeadFile(text);
    const covering = heads.findIndex((h) => h?.size === this.size && h.hash === this.lastHash);
    if (covering !== -1 && !(newest && newest.size > this.size)) return 1 - covering;
    const ahead =
      newest && newest.size > this.size
        ? `the signed head records ${newest.size} records, the log has ${this.size}`
        : 'no signed head covers the log';
    const err = new Error(`${this.path}: record ${this.size}: ${ahead}${REOPEN_HINT}`);
    this.broken = err;
    throw err;
  }

  private writeHead(): void {
    const body = { size: this.size, hash: this.lastHash, root: this.frontier.root(), time: this.now().toISOString() };
    const head: SignedHead = { v: 1, ...body, keyId: this.signer.keyId, sig: this.signer.sign(headStatement(body)) };
    const path = headPathFor(this.path);
    if (!existsSync(path)) writeFileSync(path, Buffer.concat([encodeHeadSlot(head), encodeHeadSlot(head)]), { mode: 0o600 });
    const fd = openSync(path, 'r+');
    try {
      writeSync(fd, encodeHeadSlot(head), 0, HEAD_SLOT_BYTES, this.headSlot * HEAD_SLOT_BYTES);
      if (this.options.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.headSlot = 1 - this.headSlot;
  }
}
