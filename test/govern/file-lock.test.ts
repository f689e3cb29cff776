import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withFileLock } from '../../src/govern/file-lock.js';
import { tempDir } from './helpers/helpers.js';

const aged = (path: string, seconds: number) => {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
};
/** The PID of a process that has exited. */
const deadPid = (): number =>
  spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout as unknown as number;

test('the lock file always names its holder while held, and is gone afterwards', (t) => {
  const lock = join(tempDir(t), 'audit.jsonl.lock');
  const inside = withFileLock(lock, () => readFileSync(lock, 'utf8'));
  assert.match(inside, new RegExp(`^${process.pid} \\S+\\n$`));
  assert.equal(existsSync(lock), false);
  assert.deepEqual(readdirSync(join(lock, '..')), [], 'no temporary file left behind');
});

test('an empty lock (created, PID never written: a writer killed in between) is broken once it is old', (t) => {
  const lock = join(tempDir(t), 'audit.jsonl.lock');
  writeFileSync(lock, '');
  aged(lock, 10);
  assert.equal(
    withFileLock(lock, () => 'taken', 300),
    'taken',
  );
  writeFileSync(lock, 'garbage');
  aged(lock, 10);
  assert.equal(
    withFileLock(lock, () => 'taken', 300),
    'taken',
  );
  // A fresh empty lock may be a writer of an older version between its two steps: wait for it.
  writeFileSync(lock, '');
  assert.throws(() => withFileLock(lock, () => 'taken', 100), /held by another writer/);
});

test('a lock left by a dead process, or by a reused PID, is taken over; a live holder is waited for', {
  skip: existsSync('/proc/self/stat') ? false : 'process start times come from /proc (Linux)',
}, (t) => {
  const dir = tempDir(t);
  const lock = join(dir, 'audit.jsonl.lock');
  writeFileSync(lock, `${deadPid()}\n`);
  writeFileSync(`${lock}.${deadPid()}.tmp`, '1\n'); // a writer killed before linking its lock
  assert.equal(
    withFileLock(lock, () => 'taken', 300),
    'taken',
  );
  assert.deepEqual(readdirSync(dir), [], "the dead writer's temporary file was cleaned up");
  // Our own PID, but stamped with another start time: the PID was reused, the holder is gone.
  writeFileSync(lock, `${process.pid} 1\n`);
  assert.equal(
    withFileLock(lock, () => 'taken', 300),
    'taken',
  );
  // A live holder (the parent of this process, as it stamps itself) is respected.
  const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  writeFileSync(lock, `${process.ppid} ${start}\n`);
  assert.throws(() => withFileLock(lock, () => 'taken', 100), /held by another writer/);
  assert.equal(readFileSync(lock, 'utf8'), `${process.ppid} ${start}\n`, "a live holder's lock is left alone");
});
