import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real PostgreSQL and Redis servers for the tests that need them, each in a temp directory on a free
 * 127.0.0.1 port, stopped and removed by `stop()`. Without the binaries a suite skips with one line
 * (`skipReason`); under CI=true it runs and fails with the reason instead, never skipping silently.
 */

export interface RunningServer {
  url: string;
  stop: () => void;
}

/** A server a test can take away (as a crash would) and bring back on the same port with its data. */
export interface RestartableServer extends RunningServer {
  halt: () => void | Promise<void>;
  resume: () => void | Promise<void>;
}

const PG_DIRS = ['/usr/lib/postgresql'];

function pgBin(name: string): string | undefined {
  for (const root of PG_DIRS) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const p = join(root, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  const onPath = ['/usr/local/bin', '/usr/bin'].map((d) => join(d, name)).find((p) => existsSync(p));
  return onPath;
}

function redisBin(): string | undefined {
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
}

const HOW = {
  postgres: "install Debian's postgresql (apt-get install -y postgresql) to run it",
  redis: "install Debian's redis-server (apt-get install -y redis-server) to run it",
};

/** The one line a suite skips with, or false when it can run (always false under CI=true: then a missing server fails). */
export function skipReason(...needs: Array<'postgres' | 'redis'>): string | false {
  if (process.env.CI === 'true') return false;
  for (const n of needs) {
    const found = n === 'postgres' ? pgBin('initdb') && pgBin('pg_ctl') : redisBin();
    if (!found) return `no ${n === 'postgres' ? 'PostgreSQL' : 'redis-server'} on this machine: ${HOW[n]}`;
  }
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` system user. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
}

/** A fresh cluster (trust auth, fsync off: test data only) with one database `peerwatch`. */
export async function startPostgres(): Promise<RestartableServer> {
  const initdb = pgBin('initdb');
  const pgCtl = pgBin('pg_ctl');
  if (!initdb || !pgCtl) throw new Error(`PostgreSQL is needed by this suite but not installed: ${HOW.postgres}`);
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const exec = (cmd: string, args: string[]) => {
    const [c, a] = asServerUser(cmd, args);
    execFileSync(c, a, { stdio: 'pipe' });
  };
  exec(initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  exec(pgCtl, [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  const psql = pgBin('psql');
  if (psql) exec(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'CREATE DATABASE peerwatch', 'postgres']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${psql ? 'peerwatch' : 'postgres'}`,
    // A restart that ends every connection (fast shutdown). Not `immediate`: with fsync and
    // synchronous_commit off (above) a crash may lose transactions the server already acknowledged.
    halt: () => exec(pgCtl, ['-D', data, '-m', 'fast', 'stop']),
    resume: () => exec(pgCtl, ['-D', data, '-w', '-l', join(dir, 'log'), '-o', opts, 'start']),
    stop: () => {
      try {
        exec(pgCtl, ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Another empty database in the same cluster (one per test keeps tests apart). */
export function createDatabase(url: string, name: string): string {
  const psql = pgBin('psql');
  if (!psql) throw new Error('psql is needed to create a test database');
  const u = new URL(url);
  const [c, a] = asServerUser(psql, ['-h', u.hostname, '-p', u.port, '-U', 'postgres', '-c', `CREATE DATABASE "${name}"`, 'postgres']);
  execFileSync(c, a, { stdio: 'pipe' });
  u.pathname = `/${name}`;
  return u.toString();
}

async function accepting(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A redis-server on a free port. `persistent` keeps the data in an append-only file synced on every
 * write, so `halt()` (SIGKILL) and `resume()` lose nothing, as a production Redis with AOF would.
 */
export async function startRedis(opts: { persistent?: boolean } = {}): Promise<RestartableServer> {
  const bin = redisBin();
  if (!bin) throw new Error(`redis-server is needed by this suite but not installed: ${HOW.redis}`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  args.push(...(opts.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(bin, args, { stdio: 'ignore' });
    if (!(await accepting(port, 10_000))) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    halt: kill,
    resume: launch,
    stop: () => {
      child?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
