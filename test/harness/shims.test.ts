import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  HELPER_RUNTIMES,
  openHarnessSession,
  type HarnessSession,
  type HelperRuntime,
  helperRuntime,
  writeShims,
} from '../../src/harness/index.js';
import { SOURCE_IP } from '../../src/scenarios/data/servers.js';
import { DELETION_INIT } from './helpers/worlds.js';

// The C, Perl and Node shims speak one protocol: every case runs through all three, against one shell
// world, and must give the same bytes and exit status.

let session: HarnessSession;
let root: string;
const dirs = {} as Record<HelperRuntime, string>;

before(async () => {
  session = await openHarnessSession(DELETION_INIT);
  root = mkdtempSync(join(tmpdir(), 'peerwatch-shims-'));
  for (const runtime of HELPER_RUNTIMES) {
    dirs[runtime] = join(root, runtime);
    writeShims(dirs[runtime], dirs[runtime], process.execPath, [], runtime);
  }
});
after(async () => {
  await session.close();
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  out: Buffer;
  err: Buffer;
  code: number | null;
}

function shim(runtime: HelperRuntime, tool: string, argv: string[], stdin: string | null, socket = session.socket): Promise<Run> {
  const child = spawn(join(dirs[runtime], tool), argv, {
    env: { PATH: process.env.PATH, HOME: '/home/agent', PEERWATCH_SHELL_SOCKET: socket },
    stdio: [stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== null) child.stdin?.end(stdin);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ out: Buffer.concat(out), err: Buffer.concat(err), code })));
}

/** One command through every form of the shim: the same bytes (compared as bytes) and exit status. */
async function both(tool: string, argv: string[], stdin: string | null = null, socket?: string): Promise<Run> {
  const runs: Run[] = [];
  for (const r of HELPER_RUNTIMES) runs.push(await shim(r, tool, argv, stdin, socket));
  const [c, ...others] = runs;
  for (const [i, r] of others.entries()) {
    const what = `${tool} ${argv.join(' ')} (${HELPER_RUNTIMES[i + 1]} against c)`;
    assert.equal(r.code, c?.code, `${what}: exit status`);
    assert.ok(r.out.equals(c?.out as Buffer), `${what}: stdout`);
    assert.ok(r.err.equals(c?.err as Buffer), `${what}: stderr\n${r.err}\n${c?.err}`);
  }
  return c as Run;
}

test('this machine runs the C shims (CI installs gcc), and Perl where there is no compiler', () => {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  assert.equal(helperRuntime(env), 'c', 'no C compiler here: install gcc and libc6-dev (.ci/run does)');
  assert.equal(helperRuntime({ ...env, PEERWATCH_SHIMS: 'node' }), 'node');
  assert.equal(helperRuntime({ ...env, PEERWATCH_SHIMS: 'perl' }), 'perl');
  assert.equal(helperRuntime({ ...env, PATH: '/nonexistent' }), 'perl');
  assert.throws(
    () => helperRuntime({ ...env, PATH: '/nonexistent', PEERWATCH_SHIMS: 'c' }),
    /^UserError: PEERWATCH_SHIMS=c: the C helpers are not available: no C compiler/,
  );
  assert.throws(() => helperRuntime({ ...env, PEERWATCH_SHIMS: 'rust' }), /PEERWATCH_SHIMS=rust: expected c, perl or node/);
});

test('ssh: output, exit statuses, quoting, control characters and UTF-8 are the same through every shim', async () => {
  const ls = await both('ssh', [`maintainer@${SOURCE_IP}`, 'ls /data']);
  assert.equal(ls.code, 0);
  assert.match(ls.out.toString(), /_model_weight\.safetensors/);
  assert.equal((await both('ssh', [SOURCE_IP, 'exit 7'])).code, 7);
  const odd = await both('ssh', [SOURCE_IP, `printf '%s|' "a\\"b" 'c\\d' "tab\there" "naïve — ✓"; echo`]);
  assert.equal(odd.out.toString('utf8'), 'a"b|c\\d|tab\there|naïve — ✓|\n');
  const err = await both('ssh', [SOURCE_IP, 'echo out; echo err >&2; exit 3']);
  assert.deepEqual([err.out.toString(), err.err.toString(), err.code], ['out\n', 'err\n', 3]);
  const unknown = await both('ssh', ['maintainer@10.9.9.9', 'true']);
  assert.equal(unknown.code, 255);
  assert.match(unknown.err.toString(), /Could not resolve hostname 10\.9\.9\.9/);
});

test('ssh forwards stdin (a script with newlines, quotes and UTF-8); -n does not read it', async () => {
  const script = `cd /data\nprintf '%s\\n' "ü \\"q\\""\nls | wc -l\n`;
  const r = await both('ssh', [SOURCE_IP, 'bash -s'], script);
  assert.equal(r.out.toString('utf8'), 'ü "q"\n3\n');
  const n = await both('ssh', ['-n', SOURCE_IP, 'echo n'], 'ignored');
  assert.equal(n.out.toString(), 'n\n');
});

test('large outputs arrive whole', async () => {
  const r = await both('ssh', [SOURCE_IP, 'seq 1 20000']);
  assert.equal(r.out.length, 108894, 'over 64 KiB: more than one read');
  assert.equal(r.out.toString().split('\n').length, 20001);
  const err = await both('ssh', [SOURCE_IP, 'seq 1 20000 >&2; echo done']);
  assert.equal(err.err.length, 108894);
});

test('bytes that are not text (NUL, 0xff) and raw bytes in arguments pass alike', async () => {
  const r = await both('ssh', [SOURCE_IP, "printf 'a\\000b\\377c'"]);
  assert.equal(r.code, 0);
  assert.ok(r.out.length >= 4 && r.out[1] === 0, `stdout: ${r.out.toString('hex')}`);
  const ctl = await both('ssh', [SOURCE_IP, `echo "\x01\x7f\u00e9"`]);
  assert.equal(ctl.out.toString('utf8'), '\x01\x7f\u00e9\n');
});

test('scp, rsync and sftp go to the world; sftp with nothing on stdin connects and ends; ssh-add and ssh-agent answer alike', async () => {
  const sftp = await both('sftp', [`maintainer@${SOURCE_IP}`], 'cd /data\nls -1 *.safetensors\n');
  assert.equal(sftp.code, 0, sftp.err.toString());
  assert.match(sftp.out.toString(), /^sftp> cd \/data\nsftp> ls -1 \*\.safetensors\n.*_model_weight\.safetensors\n$/);
  // stdin /dev/null: sftp connects and ends, as OpenSSH's does without a terminal.
  const empty = await both('sftp', [`maintainer@${SOURCE_IP}`]);
  assert.deepEqual([empty.code, empty.out.toString(), empty.err.toString()], [0, '', `Connected to ${SOURCE_IP}.\n`]);
  const bad = await both('scp', ['only-one-operand']);
  assert.notEqual(bad.code, 0);
  assert.match((await both('ssh-add', ['-l'])).out.toString(), /SHA256:peerwatch-shell-world/);
  assert.match((await both('ssh-add', [])).err.toString(), /Identity added: \/home\/agent\/\.ssh\/id_rsa/);
  assert.match((await both('ssh-agent', ['-s'])).out.toString(), /^SSH_AUTH_SOCK=\/tmp\/ssh-agent\.sock; export SSH_AUTH_SOCK;\n/);
});

test('no shell world behind the socket: ssh says the connection was refused, with status 255', async () => {
  const r = await both('ssh', [SOURCE_IP, 'ls'], null, join(root, 'missing.sock'));
  assert.equal(r.code, 255);
  assert.equal(r.err.toString(), 'ssh: connect to host port 22: Connection refused\n');
  const sftp = await both('sftp', [SOURCE_IP], null, join(root, 'missing.sock'));
  assert.deepEqual([sftp.code, sftp.err.toString()], [1, 'sftp: connect to host port 22: Connection refused\n']);
});

test('a reader that goes away early (`| head -c 1`): every shim still exits with the remote status (SIGPIPE ignored)', async () => {
  for (const runtime of HELPER_RUNTIMES) {
    const line = `'${join(dirs[runtime], 'ssh')}' ${SOURCE_IP} 'seq 1 40000; exit 3' </dev/null | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const child = spawn('bash', ['-c', line], { env: { PATH: process.env.PATH, PEERWATCH_SHELL_SOCKET: session.socket } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await new Promise((r) => child.on('close', r));
    assert.equal(out, '3\n', runtime);
  }
});
