import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

function holderAlive(lockPath: string): boolean {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Run `fn` holding an exclusive lock file, so the controller process and an operator's CLI never
 * interleave appends. A lock left by a dead process is taken over.
 */
export function withFileLock<T>(lockPath: string, fn: () => T, timeoutMs = 5000): T {
  const deadline = Date.now() + timeoutMs;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!holderAlive(lockPath)) {
        try {
          unlinkSync(lockPath);
        } catch {
          /* someone else took it over first */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lockPath} is held by another writer`);
      Atomics.wait(pause, 0, 0, 5);
    }
  }
  try {
    writeSync(fd, String(process.pid));
    return fn();
  } finally {
    closeSync(fd);
    unlinkSync(lockPath);
  }
}
