/**
 * The bridge forwarder, both forms (Perl and Node), inside a network namespace of its own (bwrap
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
import { findBwrap, forwarderCommand, type HelperRuntime, INSTALL_HINT, writeForwarder } from '../../src/harness/index.js';
import { takeCpuLine } from '../../src/harness/forwarder.js';

let dir: string;
let server: Server;
const socket = () => join(dir, 'up.sock');

before(async () => {
  assert.ok(findBwrap(), INSTALL_HINT);
  dir = mkdtempSync(join(tmpdir(), 'peerwatch-forwarder-'));
  writeForwarder(dir);
  // The upstream: echoes a request's body back with its length, and streams /stream in pieces.
  server = createServer((req, res) => {
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

function forward(runtime: HelperRuntime): Promise<{ out: string; err: string; code: number | null }> {
  const args = ['--unshare-net', '--die-with-parent', '--ro-bind', '/', '/', '--bind', dir, dir, '--'];
  const child = spawn('bwrap', [
    ...args,
    ...forwarderCommand(dir, runtime),
    '8931',
    socket(),
    '--',
    process.execPath,
    join(dir, 'client.mjs'),
  ]);
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ out, err, code })));
}

for (const runtime of ['perl', 'node'] as const) {
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

test('perl forwarder: a command that cannot start exits 127 with its reason; bad usage exits 2', async () => {
  const bad = spawn('perl', [join(dir, 'peerwatch-forward.pl'), '8931', socket(), '--', '/nonexistent/agent']);
  let err = '';
  bad.stderr.on('data', (c) => (err += c));
  const code = await new Promise((r) => bad.on('close', r));
  // Outside a namespace the port may be taken; then the forwarder says so and exits 2.
  if (code === 2) assert.match(err, /peerwatch-forward: listen/);
  else {
    assert.equal(code, 127);
    assert.match(err, /\/nonexistent\/agent: No such file or directory/);
  }
  const usage = spawn('perl', [join(dir, 'peerwatch-forward.pl'), '8931']);
  assert.equal(await new Promise((r) => usage.on('close', r)), 2);
});
