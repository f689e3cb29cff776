/**
 * The bridge forwarder, every form (C, Perl and Node), inside a network namespace of its own (bwrap
 * --unshare-net) as in a rollout: concurrent connections, bodies larger than its buffers, a streamed
 * answer, the agent's exit status and its CPU line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findBwrap, forwarderCommand, HELPER_RUNTIMES, type HelperRuntime, INSTALL_HINT, writeForwarder } from '../../src/harness/index.js';
import { takeCpuLine } from '../../src/harness/forwarder.js';

let dir: string;
let server: Server;
const socket = () => join(dir, 'up.sock');

before(async () => {
  assert.ok(findBwrap(), INSTALL_HINT);
  dir = mkdtempSync(join(tmpdir(), 'peerwatch-forwarder-'));
  for (const runtime of HELPER_RUNTIMES) writeForwarder(dir, runtime);
  // The upstream: echoes a request's body back with its length, and streams /stream in pieces.
  server = createServer((req, res) => {
    if (req.url === '/big') {
      req.resume();
      res.end('y'.repeat(3_000_000));
      return;
    }
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const tick = setInterval(() => {
        res.write(`data: ${i}\n\n`);
        if (++i === 5) {
          clearInterval(tick);
          res.end();
        }
      }, 20);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.end(`${body.length}:${body.toString('utf8').slice(-16)}`);
    });
  });
  await new Promise<void>((r) => server.listen(socket(), r));
  // A client that half-closes after its request, and one that goes away in the middle of an answer.
  writeFileSync(
    join(dir, 'edges.mjs'),
    `import { connect } from 'node:net';
const raw = (keep) => new Promise((resolve) => {
  const s = connect(8931, '127.0.0.1');
  let n = 0;
  s.on('data', (c) => {
    n += c.length;
    if (!keep) { s.destroy(); resolve(-1); }
  });
  s.on('end', () => resolve(n));
  s.on('error', () => resolve(-2));
  s.write('GET /big HTTP/1.1\\r\\nhost: x\\r\\nconnection: close\\r\\n\\r\\n');
  if (keep) s.end();
});
const gone = await raw(false);
await new Promise((r) => setTimeout(r, 300));
const whole = await raw(true);
const after = await (await fetch('http://127.0.0.1:8931/echo', { method: 'POST', body: 'still here' })).text();
console.log(JSON.stringify({ gone, whole, after }));
`,
  );
  writeFileSync(
    join(dir, 'client.mjs'),
    `const big = 'x'.repeat(3_000_000) + 'é-end-of-body';
const posts = await Promise.all(Array.from({ length: 8 }, (_, i) =>
  fetch('http://127.0.0.1:8931/echo', { method: 'POST', body: big + i }).then((r) => r.text())));
const stream = await (await fetch('http://127.0.0.1:8931/stream')).text();
console.log(JSON.stringify({ posts, stream }));
process.exit(7);
`,
  );
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function forward(runtime: HelperRuntime, client = 'client.mjs'): Promise<{ out: string; err: string; code: number | null }> {
  const args = ['--unshare-net', '--die-with-parent', '--ro-bind', '/', '/', '--bind', dir, dir, '--'];
  const child = spawn('bwrap', [...args, ...forwarderCommand(dir, runtime), '8931', socket(), '--', process.execPath, join(dir, client)]);
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ out, err, code })));
}

for (const runtime of HELPER_RUNTIMES) {
  test(`${runtime} forwarder: 8 concurrent 3 MB requests, a streamed answer, the agent's status and CPU line`, async () => {
    const r = await forward(runtime);
    const { stderr, cpuMs } = takeCpuLine(r.err);
    assert.equal(r.code, 7, r.err);
    assert.equal(stderr.trim(), '');
    assert.ok(cpuMs !== null && cpuMs > 0, `CPU line: ${r.err}`);
    const { posts, stream } = JSON.parse(r.out) as { posts: string[]; stream: string };
    assert.deepEqual(
      posts,
      Array.from({ length: 8 }, (_, i) => {
        const body = `${'x'.repeat(3_000_000)}é-end-of-body${i}`;
        return `${Buffer.byteLength(body)}:${body.slice(-16)}`;
      }),
    );
    assert.equal(stream, [0, 1, 2, 3, 4].map((i) => `data: ${i}\n\n`).join(''));
  });
}

for (const runtime of HELPER_RUNTIMES) {
  test(`${runtime} forwarder: a half-closed request gets its whole answer; a client gone mid-answer does not end the forwarder`, async () => {
    const r = await forward(runtime, 'edges.mjs');
    assert.equal(r.code, 0, r.err);
    const { gone, whole, after } = JSON.parse(r.out) as { gone: number; whole: number; after: string };
    assert.equal(gone, -1);
    // The status line and headers, then the 3,000,000 bytes: all of it, after the client's half-close.
    assert.ok(whole > 3_000_000 && whole < 3_000_400, `received ${whole} bytes`);
    assert.equal(after, '10:still here');
  });
}

for (const runtime of ['c', 'perl'] as const) {
  test(`${runtime} forwarder: a command that cannot start exits 127 with its reason; bad usage exits 2`, async () => {
    const run = (args: string[]) => {
      const [bin, ...pre] = forwarderCommand(dir, runtime);
      const child = spawn(bin as string, [...pre, ...args]);
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      return new Promise<{ code: number | null; err: string }>((r) => child.on('close', (code) => r({ code, err })));
    };
    // Port 0: any free port, so the command is the only thing that can fail.
    const bad = await run(['0', socket(), '--', '/nonexistent/agent']);
    assert.equal(bad.code, 127, bad.err);
    assert.match(bad.err, /^\/nonexistent\/agent: No such file or directory\n\npeerwatch-forward: agent_cpu_ms=\d+\n$/);
    const usage = await run(['8931']);
    assert.deepEqual([usage.code, usage.err], [2, 'usage: peerwatch-forward PORT SOCKET -- COMMAND...\n']);
    const killed = await run(['0', socket(), '--', '/bin/sh', '-c', 'kill -TERM $$']);
    assert.equal(killed.code, 143, killed.err);
  });
}

test('c and perl forwarder: a port taken says so in one line, exit 2', async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = String((taken.address() as { port: number }).port);
  try {
    for (const runtime of ['c', 'perl'] as const) {
      const [bin, ...pre] = forwarderCommand(dir, runtime);
      const child = spawn(bin as string, [...pre, port, socket(), '--', '/bin/true']);
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      const code = await new Promise((r) => child.on('close', r));
      assert.deepEqual([runtime, code, err], [runtime, 2, `peerwatch-forward: listen 127.0.0.1:${port}: Address already in use\n`]);
    }
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

for (const runtime of HELPER_RUNTIMES) {
  test(`the agent under the ${runtime} forwarder has SIGPIPE at its default (a \`yes | head\` ends)`, async () => {
    const [bin, ...pre] = forwarderCommand(dir, runtime);
    const child = spawn(bin as string, [...pre, '0', socket(), '--', '/bin/sh', '-c', 'grep SigIgn /proc/self/status']);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await new Promise((r) => child.on('close', r));
    // SIGPIPE is signal 13: bit 12 of the ignored-signals mask.
    const mask = BigInt(`0x${out.trim().split(/\s+/)[1]}`);
    assert.equal(mask & (1n << 12n), 0n, out);
  });
}
