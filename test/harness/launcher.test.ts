import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { findBwrap, type HarnessSession, INSTALL_HINT, openHarnessSession, startSandboxed } from '../../src/harness/index.js';
import { compiledHelpers } from '../../src/harness/c-helpers.js';
import { type LaunchedChild, type LauncherForm, launch, launcherForm, launcherPid } from '../../src/harness/launcher.js';
import { sandboxStarter } from '../../src/harness/sandbox.js';
import { DELETION_INIT } from './helpers/worlds.js';

// Every case runs under both launchers (PEERWATCH_LAUNCHER, read at each launch and inherited by the
// parent scripts): the C one needs a C compiler (.ci/run installs gcc; under CI=true it must be there),
// the Perl one Perl (perl-base: on every Debian/Ubuntu system). Both need bubblewrap (.ci/run).
const cCompiles = compiledHelpers();
const FORMS: LauncherForm[] = ['c', 'perl'];
let session: HarnessSession;
let dir: string;

const savedLauncher = process.env.PEERWATCH_LAUNCHER;
before(async () => {
  assert.ok(findBwrap(), INSTALL_HINT);
  if (process.env.CI === 'true') assert.ok(cCompiles.ok, `the C launcher must be tested in CI: ${cCompiles.ok ? '' : cCompiles.reason}`);
  session = await openHarnessSession(DELETION_INIT);
  dir = mkdtempSync(join(tmpdir(), 'peerwatch-launcher-'));
});
after(async () => {
  if (savedLauncher === undefined) delete process.env.PEERWATCH_LAUNCHER;
  else process.env.PEERWATCH_LAUNCHER = savedLauncher;
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Ended {
  out: Buffer;
  err: Buffer;
  code: number | null;
  signal: string | null;
  error: string | null;
}

/** Collects a started child's output and how it ended. */
function ended(child: LaunchedChild): Promise<Ended> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let error: string | null = null;
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.on('error', (e) => {
    error = e.message;
  });
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ out: Buffer.concat(out), err: Buffer.concat(err), code, signal, error })),
  );
}

/** Pids whose command line contains `token`. */
function pidsWith(token: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(token);
      } catch {
        return false;
      }
    })
    .map(Number);
}
const alive = (pid: number) => {
  try {
    // A zombie has exited: only its parent's reaping is left.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/** A Node process that starts sandboxes through the launcher, as peerwatch does. */
function parentScript(name: string, body: string): string {
  const script = join(session.root, name);
  writeFileSync(
    script,
    `import { startSandboxed } from ${JSON.stringify(join(process.cwd(), 'src/harness/index.ts'))};
import { launch, launcherPid } from ${JSON.stringify(join(process.cwd(), 'src/harness/launcher.ts'))};
const spec = (line) => ({ ...${JSON.stringify(session.sandboxSpec(['/bin/true']))}, command: ['/bin/sh', '-c', line] });
${body}
`,
  );
  return script;
}

/**
 * The shell's own SigBlk and SigIgn lines, read with its built-ins: a program it forked (grep) could
 * read them while the shell blocks every signal around the fork, a window of the shell's, not the child's state.
 */
const OWN_SIGNALS = 'while read -r l; do case "$l" in SigBlk*|SigIgn*) echo "$l";; esac; done < /proc/$$/status';

for (const form of FORMS) {
  describe(`the ${form} launcher`, {
    skip: form === 'c' && !cCompiles.ok ? `no C launcher here: ${cCompiles.ok ? '' : cCompiles.reason}` : false,
  }, () => {
    before(() => {
      process.env.PEERWATCH_LAUNCHER = form;
    });

    test('a launch goes through this form', async () => {
      await ended(launch(['/bin/true']).child);
      assert.equal(launcherForm(), form);
      const pid = launcherPid();
      assert.ok(pid !== null);
      assert.match(
        readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
        form === 'c' ? /peerwatch-launcher\0# peerwatch-launcher/ : /^\/usr\/bin\/perl\0-e\0# peerwatch-launcher/,
      );
    });

    test('the child: default signal handling, an empty mask, only fds 0 to 2; terminal signals do not stop the launcher', async () => {
      const r = await ended(launch(['/bin/sh', '-c', `${OWN_SIGNALS}; ls /proc/$$/fd; true`]).child);
      assert.equal(r.out.toString(), 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n0\n1\n2\n', r.err.toString());
      const pid = launcherPid() as number;
      for (const sig of ['SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGTERM', 'SIGPIPE'] as const) process.kill(pid, sig);
      await sleep(100);
      assert.ok(alive(pid), 'the launcher ignores terminal signals');
      assert.equal((await ended(launch(['/bin/sh', '-c', 'echo still']).child)).out.toString(), 'still\n');
      assert.equal(launcherPid(), pid);
    });

    test('stdout and stderr come through byte-exact: binary, over 1 MiB each, in the sandbox', async () => {
      const a = randomBytes(1536 * 1024);
      const b = randomBytes(1100 * 1024 + 7);
      writeFileSync(join(session.workspace, 'a.bin'), a);
      writeFileSync(join(session.workspace, 'b.bin'), b);
      const box = startSandboxed(session.sandboxSpec(['/bin/sh', '-c', 'cat a.bin; cat b.bin >&2; cat a.bin']));
      const r = await ended(box.child);
      assert.equal(r.error, null);
      assert.equal(r.code, 0, r.err.subarray(0, 200).toString());
      assert.ok(r.out.equals(Buffer.concat([a, a])), `stdout differs: ${r.out.length} bytes for ${2 * a.length}`);
      assert.ok(r.err.equals(b), `stderr differs: ${r.err.length} bytes for ${b.length}`);
      assert.equal(typeof box.child.pid, 'number');
    });

    test('exit codes and signals as a child process reports them; stdin is /dev/null', async () => {
      assert.deepEqual(await ended(launch(['/bin/sh', '-c', 'exit 3']).child), {
        out: Buffer.alloc(0),
        err: Buffer.alloc(0),
        code: 3,
        signal: null,
        error: null,
      });
      const term = await ended(launch(['/bin/sh', '-c', 'kill -TERM $$']).child);
      assert.deepEqual([term.code, term.signal], [null, 'SIGTERM']);
      const stdin = await ended(launch(['/bin/sh', '-c', 'wc -c; readlink /proc/self/fd/0']).child);
      assert.equal(stdin.out.toString(), '0\n/dev/null\n');
      // Its own session and process group, and an empty environment.
      const ids = await ended(
        launch(['/bin/sh', '-c', 'read -r s < /proc/$$/stat; echo "$s"; env | grep -v "^PWD=\\|^SHLVL=\\|^_=" | wc -l']).child,
      );
      const [stat, envCount] = ids.out.toString().trim().split('\n');
      const f = (stat ?? '').slice((stat ?? '').lastIndexOf(') ') + 2).split(' ');
      const pid = (stat ?? '').split(' ')[0];
      assert.deepEqual([f[2], f[3]], [pid, pid], `process group and session of ${pid}: ${stat}`);
      assert.equal(envCount, '0');
    });

    test('a command that cannot start is an error with its cause, then a close', async () => {
      const r = await ended(launch(['/nonexistent/agent', 'x']).child);
      assert.match(r.error ?? '', /\/nonexistent\/agent: No such file or directory/);
      assert.deepEqual([r.code, r.signal], [null, null]);
    });

    test('kill() ends the whole process group, even right after the start', async () => {
      const token = `pw-launcher-kill-${process.pid}`;
      const box = launch(['/bin/sh', '-c', `sh -c 'sleep 300; : ${token}' & sh -c 'sleep 301; : ${token}' & echo started; wait`]);
      const done = ended(box.child);
      await new Promise((r) => box.child.stdout.once('data', r));
      assert.ok(await until(() => pidsWith(token).length === 3, 5000), `the shell and its two: ${pidsWith(token).length}`);
      box.kill();
      const r = await done;
      assert.deepEqual([r.code, r.signal], [null, 'SIGKILL']);
      // Its children share the group: gone too.
      assert.ok(await until(() => pidsWith(token).length === 0, 5000));
      // Before the pid is known: the kill waits for it.
      const early = launch(['/bin/sh', '-c', 'sleep 300']);
      early.kill();
      const e = await ended(early.child);
      assert.equal(e.signal, 'SIGKILL');
    });

    test('a reader that stops for a while (peerwatch busy) loses nothing: the launcher waits on its writes', async () => {
      const data = randomBytes(4 * 1024 * 1024);
      const file = join(dir, `blocked-${form}.bin`);
      writeFileSync(file, data);
      const done = ended(launch(['/bin/sh', '-c', `cat ${file}; cat ${file} >&2`]).child);
      // The event loop held for 400 ms: the launcher's stdout pipe fills and its writes block.
      const until = Date.now() + 400;
      while (Date.now() < until) {}
      const r = await done;
      assert.ok(r.out.equals(data) && r.err.equals(data), `${r.out.length} and ${r.err.length} bytes for ${data.length} each`);
      assert.equal(r.code, 0);
    });

    test('8 concurrent launches, each with its own output, none mixed up', async () => {
      const runs = Array.from({ length: 8 }, (_, i) => {
        const data = randomBytes(200_000 + i * 1000);
        const file = join(dir, `c${i}.bin`);
        writeFileSync(file, data);
        return { data, i, done: ended(launch(['/bin/sh', '-c', `cat ${file}; echo err${i} >&2; exit ${i}`]).child) };
      });
      for (const { data, i, done } of runs) {
        const r = await done;
        assert.ok(r.out.equals(data), `launch ${i}: ${r.out.length} bytes`);
        assert.equal(r.err.toString(), `err${i}\n`);
        assert.equal(r.code, i);
      }
    });

    test('the launcher killed mid-run: in-flight sandboxes end as errors naming it, nothing is left, the next launch starts a new one', async () => {
      const token = `pw-launcher-dies-${process.pid}`;
      const boxes = [1, 2].map(() => startSandboxed(session.sandboxSpec(['/bin/sh', '-c', `echo up; sleep 300; : ${token}`])));
      const done = boxes.map((b) => ended(b.child));
      await Promise.all(boxes.map((b) => new Promise((r) => b.child.stdout.once('data', r))));
      const pid = launcherPid();
      assert.ok(pid !== null);
      assert.ok(pidsWith(token).length >= 2);
      process.kill(pid, 'SIGKILL');
      for (const r of await Promise.all(done)) {
        assert.match(r.error ?? '', new RegExp(`the sandbox launcher \\(pid ${pid}\\) exited \\(signal SIGKILL\\)`));
        assert.deepEqual([r.code, r.signal], [null, null]);
      }
      // bwrap's --die-with-parent: its parent was the launcher.
      assert.ok(await until(() => pidsWith(token).length === 0, 5000), `left behind: ${pidsWith(token).join(', ')}`);
      const again = await ended(startSandboxed(session.sandboxSpec(['/bin/sh', '-c', 'echo again'])).child);
      assert.equal(again.out.toString(), 'again\n');
      assert.notEqual(launcherPid(), pid);
    });

    test('peerwatch killed -9 mid-run: the launcher and every sandbox process go (checked in /proc)', async () => {
      const token = `pw-launcher-parent-${process.pid}`;
      const script = parentScript(
        'parent-kill.mts',
        `for (let i = 0; i < 2; i++) startSandboxed(spec("sh -c 'sleep 300; : ${token}' & sh -c 'sleep 301; : ${token}'; wait")).child.stdout.on('data', () => {});
    // Outside a sandbox (no bwrap --die-with-parent): only the launcher's own clean-up ends it.
    launch(['/bin/sh', '-c', "sh -c 'sleep 302; : ${token}'; : ${token}"]);
    setTimeout(() => console.log('launcher ' + launcherPid()), 500);`,
      );
      const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise<string>((resolve) => parent.stdout.on('data', (c) => resolve(String(c))));
      const launcher = Number(/launcher (\d+)/.exec(line)?.[1]);
      assert.ok(launcher > 0 && alive(launcher), line);
      assert.ok(await until(() => pidsWith(token).length >= 8, 5000), 'the sandboxes were running');
      parent.kill('SIGKILL');
      assert.ok(await until(() => pidsWith(token).length === 0 && !alive(launcher), 5000), `left: ${pidsWith(token).join(', ')}`);
    });

    test('the launcher does not hold the event loop when idle, and holds it while a launch is in flight', async () => {
      const script = parentScript(
        'parent-loop.mts',
        `const box = startSandboxed(spec('sleep 1; echo late'));
    box.child.stdout.on('data', (c) => process.stdout.write(c));
    box.child.on('close', (code) => console.log('closed ' + code + ' launcher ' + launcherPid()));`,
      );
      const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      // Timed from the launch's end, not the spawn: a loaded machine can take seconds to start node and tsx.
      let ended = 0;
      parent.stdout.on('data', (c) => {
        out += c;
        if (!ended && out.includes('closed ')) ended = performance.now();
      });
      const stuck = setTimeout(() => parent.kill('SIGKILL'), 15_000);
      const code = await new Promise((r) => parent.on('close', r));
      clearTimeout(stuck);
      const ms = performance.now() - ended;
      assert.equal(code, 0);
      assert.match(out, /^late\nclosed 0 launcher \d+\n$/, 'the launch in flight kept the process alive to its end');
      const launcher = Number(/launcher (\d+)/.exec(out)?.[1]);
      assert.ok(ms < 3000, `the process took ${ms.toFixed(0)} ms to exit after its only launch ended`);
      assert.ok(await until(() => !alive(launcher), 3000), 'the launcher went with its parent');
    });
  });
}

test('PEERWATCH_LAUNCHER chooses; by default the launcher follows the helpers (C, Perl), and Node helpers keep the Node spawn', () => {
  assert.equal(sandboxStarter({ PEERWATCH_LAUNCHER: 'spawn' }), 'spawn');
  assert.equal(sandboxStarter({ PEERWATCH_SHIMS: 'node' }), 'spawn');
  assert.equal(sandboxStarter({ PEERWATCH_SHIMS: 'perl' }), 'perl');
  assert.equal(sandboxStarter({ PEERWATCH_LAUNCHER: 'perl', PEERWATCH_SHIMS: 'node' }), 'perl');
  if (cCompiles.ok) {
    assert.equal(sandboxStarter({ ...process.env, PEERWATCH_LAUNCHER: undefined, PEERWATCH_SHIMS: undefined }), 'c');
    assert.equal(sandboxStarter({ ...process.env, PEERWATCH_LAUNCHER: 'c', PEERWATCH_SHIMS: 'perl' }), 'c');
  }
  const noCc = { PATH: '/nonexistent', HOME: process.env.HOME, PEERWATCH_LAUNCHER: 'c' };
  assert.throws(() => sandboxStarter(noCc), /^UserError: PEERWATCH_LAUNCHER=c: the C launcher is not available: no C compiler/);
  assert.throws(() => sandboxStarter({ PEERWATCH_LAUNCHER: 'rust' }), /PEERWATCH_LAUNCHER=rust: expected c, perl or spawn/);
});
