import { closeSync, linkSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * A lock file that was never filled in (written by an older version, or edited by hand) is stale
 * once it is this old: a writer fills its lock within microseconds.
 */
const UNREADABLE_GRACE_MS = 2000;

/** Linux's start time of a process (clock ticks since boot), so a reused PID is not taken for the holder. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const OWN_STAMP = (): string => `${process.pid} ${startTimeOf(process.pid) ?? '-'}\n`;

type Holder = { state: 'alive' } | { state: 'dead'; ino: number } | { state: 'gone' };

function holderOf(lockPath: string): Holder {
  let text: string;
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(lockPath);
    text = readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone' };
    throw err;
  }
  const m = /^(\d+)(?: (\S+))?\n?$/.exec(text);
  const pid = m ? Number(m[1]) : 0;
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    // Empty or garbage: no holder can be named. Stale once it is clearly not being written.
    return Date.now() - Number(stat.mtimeMs) > UNREADABLE_GRACE_MS ? { state: 'dead', ino: Number(stat.ino) } : { state: 'alive' };
  }
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return { state: 'dead', ino: Number(stat.ino) };
    return { state: 'alive' }; // EPERM: a live process of another user
  }
  const stamped = m?.[2];
  const now = startTimeOf(pid);
  // The PID is in use, but by a process that started later than the one that took the lock.
  if (stamped && stamped !== '-' && now !== undefined && now !== stamped) return { state: 'dead', ino: Number(stat.ino) };
  return { state: 'alive' };
}

/**
 * Move a stale lock aside. The rename is atomic, so of several processes that saw the same dead
 * holder only one moves it; if what it moved turns out to be a fresh lock taken in between, it is
 * put back (link fails rather than overwrite a newer one).
 */
function breakStaleLock(lockPath: string, ino: number): void {
  const aside = `${lockPath}.stale.${process.pid}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else moved it first
  }
  try {
    if (Number(statSync(aside).ino) !== ino) {
      try {
        linkSync(aside, lockPath);
      } catch {
        /* a newer lock is in place already */
      }
    }
  } finally {
    unlinkSync(aside);
  }
  removeOrphans(lockPath);
}

/** Files of writers killed between writing their PID and linking it (or while moving a stale lock). */
function removeOrphans(lockPath: string): void {
  const prefix = `${basename(lockPath)}.`;
  for (const name of readdirSync(dirname(lockPath))) {
    const m = name.startsWith(prefix) ? /^(?:(\d+)\.tmp|stale\.(\d+))$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    try {
      process.kill(Number(m[1] ?? m[2]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') unlinkSync(join(dirname(lockPath), name));
    }
  }
}

/**
 * Take the lock: the PID is written to a private file first and only then linked into place, so the
 * lock file never exists without naming its holder (link fails with EEXIST if someone holds it).
 */
function tryAcquire(lockPath: string): boolean {
  const tmp = `${lockPath}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, OWN_STAMP());
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Run `fn` holding an exclusive lock file, so the controller process and an operator's CLI never
 * interleave appends. A lock left by a dead process (or one that never named its holder) is broken.
 */
export function withFileLock<T>(lockPath: string, fn: () => T, timeoutMs = 5000): T {
  const deadline = Date.now() + timeoutMs;
  while (!tryAcquire(lockPath)) {
    const holder = holderOf(lockPath);
    if (holder.state === 'dead') {
      breakStaleLock(lockPath, holder.ino);
      continue;
    }
    if (holder.state === 'gone') continue;
    if (Date.now() > deadline) throw new Error(`${lockPath} is held by another writer`);
    Atomics.wait(pause, 0, 0, 5);
  }
  try {
    return fn();
  } finally {
    unlinkSync(lockPath);
  }
}
