import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { BIN, cli, tempDir } from '../integration/helpers/cli-helpers.js';
import { executeTool, request, sid } from './helpers/otlp.js';

/** A local endpoint standing in for a webhook and an OTel collector: records each POST by path. */
async function collector() {
  const got: Array<{ path: string; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    got,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function serve(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  url: Promise<string>;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, 'monitor', 'serve', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+\/v1\/traces)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`exited before listening: ${err}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, out: () => out, err: () => err, exit };
}

const until = async (ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return ok();
};

test('peerwatch monitor serve --otlp: a covert session over OTLP is flagged on stdout, the webhook and OTel logs; an honest one is not', async () => {
  const dir = tempDir();
  const feed = join(dir, 'feed.jsonl');
  const order = (session: string) =>
    JSON.stringify({
      kind: 'order',
      identity: 'operator',
      time: '2026-02-09T08:59:00.000Z',
      step: 0,
      session,
      fields: { action: 'shutdown', subject: 'agent-2', key: 'shutdown_enabled' },
    });
  writeFileSync(feed, `${order('conv-covert')}\n${order('conv-honest')}\n`);
  const sinks = await collector();
  const s = serve(['--otlp', '127.0.0.1:0', '--feed', feed, '--webhook', `${sinks.url}/hook`, '--otel-logs', `${sinks.url}/v1/logs`]);
  try {
    const url = await s.url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    const send = (conv: string, key: string, n: number) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          request([
            executeTool(sid(n), 'modify_var', { key, value: 'false' }, { 'gen_ai.agent.name': 'critic', 'gen_ai.conversation.id': conv }),
          ]),
        ),
      });
    assert.equal((await send('conv-honest', 'log_level', 1)).status, 200);
    assert.equal((await send('conv-covert', 'shutdown_enabled', 2)).status, 200);
    const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans":[{' });
    assert.equal(bad.status, 400);
    assert.ok(await until(() => s.out().includes('\n')), `no finding on stdout; stderr: ${s.err()}`);
    s.child.kill('SIGINT');
    assert.equal(await s.exit, 0, s.err());
    const findings = s
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ruleId: string; session: string; identity: string; tags: string[] });
    assert.ok(findings.some((f) => f.session === 'conv-covert' && f.identity === 'critic' && f.tags.includes('shutdown_tampering')));
    assert.ok(
      findings.every((f) => f.session !== 'conv-honest'),
      JSON.stringify(findings),
    );
    // delivered before exit: the webhook got each finding, the collector got them as log records
    const hooks = sinks.got.filter((g) => g.path === '/hook').map((g) => JSON.parse(g.body).ruleId);
    assert.deepEqual(hooks.sort(), findings.map((f) => f.ruleId).sort());
    const logs = sinks.got.filter((g) => g.path === '/v1/logs');
    assert.ok(logs.length >= 1 && logs.some((g) => g.body.includes('peerwatch.finding')));
    assert.match(s.err(), /refused a request: request: not valid JSON/);
    assert.match(s.err(), new RegExp(`${findings.length} findings? from 2 tool executions in 2 spans \\(3 requests, 1 refused`));
  } finally {
    s.child.kill('SIGKILL');
    await sinks.close();
  }
});

test('peerwatch monitor serve: a bad --otlp address or URL is a usage error, not a stack trace', async () => {
  const bad = await cli(['monitor', 'serve', '--otlp', 'localhost']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /expected host:port/);
  const hook = await cli(['monitor', 'serve', '--otlp', '127.0.0.1:0', '--webhook', 'file:///etc/passwd']);
  assert.notEqual(hook.code, 0);
  assert.match(hook.stderr, /expected an http\(s\) URL/);
  const out = await cli(['monitor', 'serve', '--otlp', '127.0.0.1:0', '--out', join(tempDir(), 'no', 'such', 'dir.jsonl')]);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /cannot write findings there \(ENOENT\)/);
  assert.doesNotMatch(bad.stderr + hook.stderr + out.stderr, /\bat .*\.js:\d+/);
});
