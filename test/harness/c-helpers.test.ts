/**
 * The C helpers' compile and cache (c-helpers.ts): warnings-clean sources, one binary per machine
 * however many processes compile at once, a cache hit that runs no compiler, and a broken compiler
 * that falls back to Perl without a word (or one line when C was asked for).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { C_FLAGS } from '../../src/harness/c-helpers.js';
import {
  C_SHIM_FILE,
  compileHelpers,
  compiledHelpers,
  FORWARD_C,
  findCompiler,
  helperRuntime,
  LAUNCHER_C,
  SHIM_C,
  writeShims,
} from '../../src/harness/index.js';

const HELPERS = fileURLToPath(new URL('../../src/harness/c-helpers.ts', import.meta.url));
let root: string;
const base = { PATH: process.env.PATH, HOME: process.env.HOME };

before(() => {
  root = mkdtempSync(join(tmpdir(), 'peerwatch-c-helpers-'));
  assert.ok(findCompiler(base), 'no C compiler on PATH: install gcc and libc6-dev (.ci/run does)');
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the sources compile without a warning under -Wall -Wextra -Werror -pedantic', () => {
  const cc = findCompiler(base) as string;
  for (const [name, source] of [
    ['shim', SHIM_C],
    ['forward', FORWARD_C],
    ['launcher', LAUNCHER_C],
  ] as const) {
    const src = join(root, `${name}.c`);
    writeFileSync(src, source);
    const r = spawnSync(cc, ['-O2', '-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-o', join(root, name), src], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  }
});

test('two processes compiling at once into an empty cache end with one complete set of binaries, no leftovers', async () => {
  const cache = join(root, 'parallel');
  const script = `import { compileHelpers } from ${JSON.stringify(HELPERS)}; console.log(JSON.stringify(compileHelpers()));`;
  const one = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...base, XDG_CACHE_HOME: cache },
      });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
  const [a, b] = (await Promise.all([one(), one()])).map((o) => JSON.parse(o));
  assert.equal(a.ok, true, JSON.stringify(a));
  assert.deepEqual(b, a);
  const dir = join(cache, 'peerwatch', 'helpers');
  assert.deepEqual(readdirSync(dir).length, 1, `one folder, no temporary ones: ${readdirSync(dir)}`);
  // Both binaries run: the forwarder's usage line, the shim as ssh-agent.
  const usage = spawnSync(a.helpers.forward, [], { encoding: 'utf8' });
  assert.deepEqual([usage.status, usage.stderr], [2, 'usage: peerwatch-forward PORT SOCKET -- COMMAND...\n']);
  const agent = join(root, 'ssh-agent');
  copyFileSync(a.helpers.shim, agent);
  chmodSync(agent, 0o755);
  assert.match(execFileSync(agent, ['-s'], { encoding: 'utf8' }), /^SSH_AUTH_SOCK=\/tmp\/ssh-agent\.sock; export SSH_AUTH_SOCK;\n/);
  // The launcher: a request for /bin/true gives P then X (status 0, no signal); stdin's end, its own exit 0.
  const launcher = spawn(a.helpers.launcher, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  launcher.stdin.write(Buffer.concat([Buffer.from('L'), u32(7), u32(13), u32(9), Buffer.from('/bin/true')]));
  let frames = Buffer.alloc(0);
  launcher.stdout.on('data', (c: Buffer) => {
    frames = Buffer.concat([frames, c]);
    if (frames.length >= 13 + 17) launcher.stdin.end();
  });
  const status = await new Promise((resolve) => launcher.on('close', resolve));
  assert.equal(status, 0);
  assert.deepEqual([String.fromCharCode(frames[0] as number), frames.readUInt32BE(1), frames.readUInt32BE(5)], ['P', 7, 4]);
  assert.deepEqual(frames.subarray(13), Buffer.concat([Buffer.from('X'), u32(7), u32(8), u32(0), u32(0)]));
});

test('the launcher built with its fork fallback (no POSIX_SPAWN_SETSID) starts, reports and fails as the posix_spawn one', async () => {
  const cc = findCompiler(base) as string;
  const src = join(root, 'launcher-fork.c');
  const bin = join(root, 'launcher-fork');
  writeFileSync(src, LAUNCHER_C);
  const built = spawnSync(cc, [...C_FLAGS, '-Werror', '-pedantic', '-DPEERWATCH_LAUNCHER_FORK', '-o', bin, src], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const request = (id: number, argv: string[]) => {
    const body = Buffer.concat(argv.flatMap((a) => [u32(Buffer.byteLength(a)), Buffer.from(a)]));
    return Buffer.concat([Buffer.from('L'), u32(id), u32(body.length), body]);
  };
  const launcher = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const frames: Array<{ type: string; id: number; body: Buffer }> = [];
  let pending = Buffer.alloc(0);
  launcher.stdout.on('data', (c: Buffer) => {
    pending = Buffer.concat([pending, c]);
    while (pending.length >= 9 && pending.length >= 9 + pending.readUInt32BE(5)) {
      const len = pending.readUInt32BE(5);
      frames.push({ type: String.fromCharCode(pending[0] as number), id: pending.readUInt32BE(1), body: pending.subarray(9, 9 + len) });
      pending = pending.subarray(9 + len);
    }
    if (frames.some((f) => f.id === 1 && f.type === 'X') && frames.some((f) => f.id === 2)) launcher.stdin.end();
  });
  // The shell's own signal lines read with its built-ins: a forked grep could catch the shell in the
  // window where it blocks every signal around a fork (dash does), not the state the launcher gave it.
  const script =
    'while read -r l; do case "$l" in SigBlk*|SigIgn*) echo "$l";; esac; done < /proc/$$/status; ls /proc/$$/fd; read -r s < /proc/$$/stat; echo "$s" >&2; env | grep -v "^PWD=\\|^SHLVL=\\|^_=" | wc -l; exit 3';
  launcher.stdin.write(Buffer.concat([request(1, ['/bin/sh', '-c', script]), request(2, ['/nonexistent/agent'])]));
  assert.equal(await new Promise((resolve) => launcher.on('close', resolve)), 0);
  const of = (id: number, type: string) => Buffer.concat(frames.filter((f) => f.id === id && f.type === type).map((f) => f.body));
  const pid = of(1, 'P').readUInt32BE(0);
  assert.equal(of(1, 'O').toString(), 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n0\n1\n2\n0\n');
  const stat = of(1, 'E').toString();
  const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  assert.deepEqual([f[2], f[3]], [String(pid), String(pid)], `its own process group and session: ${stat}`);
  assert.deepEqual(of(1, 'X'), Buffer.concat([u32(3), u32(0)]));
  assert.equal(of(2, 'F').toString(), '/nonexistent/agent: No such file or directory');
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

test('a cached set is used as it is: the compiler runs once per machine (per compiler and sources)', () => {
  const cc = findCompiler(base) as string;
  const log = join(root, 'cc.log');
  const counting = join(root, 'counting-cc');
  writeFileSync(counting, `#!/bin/sh\necho "$@" >> '${log}'\nexec '${cc}' "$@"\n`, { mode: 0o755 });
  const env = { ...base, XDG_CACHE_HOME: join(root, 'counted'), PEERWATCH_CC: counting };
  const first = compileHelpers(env);
  assert.equal(first.ok, true, JSON.stringify(first));
  assert.deepEqual(compileHelpers(env), first);
  assert.deepEqual(compiledHelpers(env), first);
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 3, 'three sources compiled, once');
});

test('a broken compiler (PEERWATCH_CC=/bin/false) falls back to Perl; PEERWATCH_SHIMS=c then says why in one line', () => {
  const env = { ...base, XDG_CACHE_HOME: join(root, 'broken'), PEERWATCH_CC: '/bin/false' };
  const r = compileHelpers(env);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /^\/bin\/false did not compile peerwatch-shim\.c: exit status 1$/);
  assert.deepEqual(readdirSync(join(root, 'broken', 'peerwatch', 'helpers')), [], 'the failed compile left nothing');
  assert.equal(helperRuntime(env), 'perl');
  assert.throws(
    () => helperRuntime({ ...env, PEERWATCH_SHIMS: 'c' }),
    (e: Error) =>
      e.name === 'UserError' && !e.message.includes('\n') && /PEERWATCH_SHIMS=c: .*\/bin\/false did not compile/.test(e.message),
  );
  const none = { ...base, PATH: join(root, 'empty'), PEERWATCH_SHIMS: 'c' };
  assert.throws(() => helperRuntime(none), /PEERWATCH_SHIMS=c: the C helpers are not available: no C compiler \(no cc on PATH\)/);
});

test('a rollout gets its own copies of the binaries, never links into the cache', () => {
  const c = compiledHelpers();
  assert.ok(c.ok, c.ok ? '' : c.reason);
  const dir = join(root, 'shims');
  writeShims(dir, dir, process.execPath, [], 'c');
  for (const tool of ['ssh', 'ssh-add', 'ssh-agent']) {
    const st = statSync(join(dir, tool));
    assert.notEqual(st.ino, statSync(c.helpers.shim).ino, tool);
    assert.equal(st.mode & 0o777, 0o755);
  }
  // sftp, like scp, is the Node shim: it reads the workspace files its batch names.
  assert.match(readFileSync(join(dir, 'sftp'), 'utf8'), /^#!\/bin\/sh\nexec .*peerwatch-shim\.mjs' sftp /);
  assert.ok(c.helpers.shim.endsWith(`/${C_SHIM_FILE}`));
  // Written again (a condition's commands added), the binaries are replaced in place.
  writeShims(dir, dir, process.execPath, [], 'c');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('.tmp-')),
    [],
  );
});
