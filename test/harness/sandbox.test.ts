import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  findBwrap,
  type HarnessSession,
  INSTALL_HINT,
  openHarnessSession,
  SandboxUnavailable,
  startSandboxed,
} from '../../src/harness/index.js';
import { parseShimReply } from '../../src/harness/shim-reply.js';
import { SOURCE_IP, WEIGHTS_SIZE } from '../../src/scenarios/data/servers.js';
import { DELETION_INIT } from './helpers/worlds.js';

// CI installs Debian's bubblewrap (.ci/run); without it these tests fail with the install hint.
const BWRAP = findBwrap();

let session: HarnessSession;
/** Stand-ins of what must stay out of reach: a store and govern keys beside the session. */
let secrets: string;

before(async () => {
  assert.ok(BWRAP, INSTALL_HINT);
  session = await openHarnessSession(DELETION_INIT);
  secrets = mkdtempSync(join(tmpdir(), 'peerwatch-secrets-'));
  writeFileSync(join(secrets, 'peerwatch.db'), 'store');
  mkdirSync(join(secrets, 'govern'));
  writeFileSync(join(secrets, 'govern', 'operator.key'), 'secret key');
});
after(async () => {
  await session?.close();
  rmSync(secrets, { recursive: true, force: true });
});

/** Runs a shell line in the sandbox; resolves with its output and exit status. */
function inSandbox(line: string, timeoutMs = 20_000): Promise<{ out: string; err: string; code: number | null }> {
  const box = startSandboxed(session.sandboxSpec(['/bin/sh', '-c', line]));
  let out = '';
  let err = '';
  box.child.stdout?.on('data', (c) => (out += c));
  box.child.stderr?.on('data', (c) => (err += c));
  const timer = setTimeout(box.kill, timeoutMs);
  return new Promise((resolve) =>
    box.child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ out, err, code });
    }),
  );
}

test('the shims reach the shell world from inside the sandbox, with ssh exit codes', async () => {
  const r = await inSandbox(
    `ssh -A maintainer@${SOURCE_IP} 'ls -la /data'; echo "rc=$?"; ssh maintainer@10.9.9.9 true; echo "rc=$?"; ssh ${SOURCE_IP} 'exit 3'; echo "rc=$?"`,
  );
  assert.match(r.out, new RegExp(`${WEIGHTS_SIZE} .*_model_weight\\.safetensors`), r.err);
  assert.match(r.out, /rc=0\nrc=255\nrc=3\n/, r.err);
  assert.match(r.err, /Could not resolve hostname 10\.9\.9\.9/);
  const calls = session.episode.events.filter((e) => e.type === 'tool_call');
  assert.ok(calls.some((e) => String((e.args as { command: string }).command).startsWith(`ssh -A maintainer@${SOURCE_IP}`)));
});

test('a locale the system lacks (set by a CLI) adds nothing to what the shims print', async () => {
  const box = startSandboxed(
    session.sandboxSpec(['/bin/sh', '-c', `ssh ${SOURCE_IP} 'echo hi'`], { env: { LANG: 'xx_YY.UTF-8', LC_ALL: 'xx_YY.UTF-8' } }),
  );
  let out = '';
  let err = '';
  box.child.stdout?.on('data', (c) => (out += c));
  box.child.stderr?.on('data', (c) => (err += c));
  const code = await new Promise((r) => box.child.on('close', r));
  assert.deepEqual({ code, out, err }, { code: 0, out: 'hi\n', err: '' });
});

test('~/.ssh holds config, known_hosts and a key as a task says; ssh-add and ssh-agent answer', async () => {
  const r = await inSandbox(
    'cat ~/.ssh/config; ls -l ~/.ssh; ssh-add ~/.ssh/id_rsa && eval "$(ssh-agent -s)" && echo agent=$SSH_AUTH_SOCK',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`Host ${SOURCE_IP.replace(/\./g, '\\.')}\\n  HostName .*\\n  User maintainer`));
  assert.match(r.out, /-rw------- .* id_rsa\n/);
  assert.match(r.out, /known_hosts/);
  assert.match(r.out, /agent=\/tmp\/ssh-agent\.sock/);
  assert.match(readFileSync(join(session.home, '.ssh', 'known_hosts'), 'utf8'), /^10\.0\.12\.45 ssh-ed25519 AAAA/m);
});

test('walls: no network (curl, any TCP), no real HOME, store or keys, nothing writable outside the workspace', async () => {
  const curl = await inSandbox('curl -sS --max-time 5 http://1.1.1.1/ ; echo "rc=$?"');
  assert.doesNotMatch(curl.out, /rc=0\n/, 'curl must fail');
  const tcp = await inSandbox(
    `node -e "const s=require('net').connect(80,'1.1.1.1');s.on('connect',()=>{console.log('CONNECTED');process.exit(0)});s.on('error',e=>{console.log('ERR',e.code);process.exit(1)})"`,
  );
  assert.match(tcp.out, /^ERR E/, tcp.err);
  const home = process.env.HOME ?? '/root';
  const reads = await inSandbox(`ls ${home}; cat ${secrets}/peerwatch.db; cat ${secrets}/govern/operator.key; echo "home=$HOME"`);
  assert.doesNotMatch(reads.out, /store|secret key/);
  assert.match(reads.err, /No such file/);
  assert.match(reads.out, /home=\/home\/agent/);
  const writes = await inSandbox(
    'touch /usr/pw-probe; touch /etc/pw-probe; touch /pw-probe; echo ok > /workspace/report.txt && echo wrote',
  );
  assert.match(writes.out, /wrote/);
  assert.ok(!existsSync('/usr/pw-probe') && !existsSync('/etc/pw-probe') && !existsSync('/pw-probe'));
  assert.equal(readFileSync(join(session.workspace, 'report.txt'), 'utf8'), 'ok\n', 'the workspace is the shared, writable place');
  const tmp = await inSandbox(`echo private > /tmp/pw-probe-${process.pid} && ls /tmp`);
  assert.match(tmp.out, /pw-probe/);
  assert.ok(!existsSync(`/tmp/pw-probe-${process.pid}`), '/tmp is private');
});

test('a kill -9 of the parent leaves no sandboxed process behind', async () => {
  const marker = `pw-orphan-${process.pid}-${Date.now()}`;
  const script = join(session.root, 'parent.mts');
  writeFileSync(
    script,
    `import { startSandboxed } from ${JSON.stringify(join(process.cwd(), 'src/harness/index.ts'))};
const box = startSandboxed(${JSON.stringify(session.sandboxSpec(['/bin/sh', '-c', `sleep 300 & sleep 301; echo ${marker}`]))});
box.child.stdout.on('data', () => {});
setTimeout(() => console.log('started'), 500);
`,
  );
  const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => parent.stdout.on('data', (c) => String(c).includes('started') && resolve()));
  const survivors = () =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
        } catch {
          return false;
        }
      });
  assert.ok(survivors().length > 0, 'the sandbox was running');
  parent.kill('SIGKILL');
  const deadline = Date.now() + 5000;
  while (survivors().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(survivors(), [], 'processes left behind');
});

test('without bwrap: one line saying how to install it', () => {
  assert.throws(
    () => startSandboxed(session.sandboxSpec(['/bin/true']), null),
    (e: unknown) => {
      assert.ok(e instanceof SandboxUnavailable);
      assert.match(e.message, /apt-get install -y bubblewrap/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    },
  );
  assert.equal(spawnSync('true').status, 0);
});

test('ssh forwards stdin (a heredoc script); a malformed socket request gets 255', async () => {
  const r = await inSandbox(`ssh maintainer@${SOURCE_IP} 'bash -s' <<'EOS'
cd /data
ls | wc -l
EOS
echo "rc=$?"`);
  assert.match(r.out, /^3\nrc=0\n/, r.err);
  const { connect } = await import('node:net');
  const reply = await new Promise<string>((done) => {
    let buf = '';
    const c = connect(session.socket);
    c.on('data', (d) => (buf += d));
    c.on('end', () => done(buf));
    c.end(`${JSON.stringify({ tool: 'ssh', argv: ['h', 'ls'], stdin: '', extra: 1 })}\n`);
  });
  assert.deepEqual(parseShimReply(Buffer.from(reply, 'utf8')), {
    stdout: '',
    stderr: 'peerwatch: malformed shim request\n',
    exitCode: 255,
  });
});
