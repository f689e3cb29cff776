import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BUILTIN_RULES, createMonitor, type MonitorFinding } from '../../src/monitor/index.js';
import { otelLogSink, startOtlpReceiver, webhookSink } from '../../src/monitor/otlp/index.js';
import { executeTool, request, sid } from './helpers/otlp.js';

async function receiver(maxBodyBytes?: number) {
  const findings: MonitorFinding[] = [];
  const errors: string[] = [];
  const monitor = createMonitor({ rules: BUILTIN_RULES, onFinding: (f) => findings.push(f) });
  const r = await startOtlpReceiver({
    monitor,
    host: '127.0.0.1',
    port: 0,
    onError: (m) => errors.push(m),
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  });
  return { ...r, monitor, findings, errors };
}

const post = (url: string, body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body });

const valid = () => JSON.stringify(request([executeTool(sid(1), 'read_file', { path: 'a' })]));

test('the receiver answers OTLP: 200 with an empty response in the request encoding', async () => {
  const r = await receiver();
  try {
    const res = await post(r.url, valid());
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    const proto = await post(r.url, new Uint8Array(), { 'content-type': 'application/x-protobuf' });
    assert.equal(proto.status, 200);
    assert.equal(proto.headers.get('content-type'), 'application/x-protobuf');
    assert.equal((await proto.arrayBuffer()).byteLength, 0);
    assert.equal(r.stats().toolExecutions, 1);
  } finally {
    await r.close();
  }
});

test('malformed payloads get 400 with a message, huge ones 413, other types 415; the receiver keeps serving', async () => {
  const r = await receiver(64 * 1024);
  try {
    const cases: Array<[string | Uint8Array, Record<string, string>, number, RegExp]> = [
      ['{"resourceSpans":', { 'content-type': 'application/json' }, 400, /not valid JSON/],
      ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x"}]}]}]}', { 'content-type': 'application/json' }, 400, /traceId/],
      ['{"resourceSpans":42}', { 'content-type': 'application/json; charset=utf-8' }, 400, /resourceSpans/],
      ['x'.repeat(65 * 1024), { 'content-type': 'application/json' }, 413, /over 65536 bytes/],
      [
        gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)),
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        413,
        /over 65536 bytes/,
      ],
      ['not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400, /not valid gzip/],
      ['{}', { 'content-type': 'application/json', 'content-encoding': 'br' }, 415, /content-encoding br/],
      ['{}', { 'content-type': 'text/plain' }, 415, /content-type must be/],
    ];
    for (const [body, headers, status, message] of cases) {
      const res = await post(r.url, body, headers);
      assert.equal(res.status, status, `${JSON.stringify(headers)} ${String(body).slice(0, 40)}`);
      const answer = (await res.json()) as { message: string };
      assert.match(answer.message, message);
    }
    const badProto = await post(r.url, new Uint8Array([0x0a, 0xff, 0xff]), { 'content-type': 'application/x-protobuf' });
    assert.equal(badProto.status, 400);
    assert.equal(badProto.headers.get('content-type'), 'application/x-protobuf');
    assert.match(Buffer.from(await badProto.arrayBuffer()).toString('latin1'), /not a protobuf ExportTraceServiceRequest/);
    assert.equal((await fetch(r.url)).status, 405);
    assert.equal((await post(r.url.replace('/v1/traces', '/v1/logs'), '{}')).status, 404);
    // still serving, and nothing bad reached the monitor
    assert.equal((await post(r.url, valid())).status, 200);
    assert.equal(r.monitor.stats().events, 2);
    assert.ok(r.errors.some((e) => /refused a request/.test(e)));
  } finally {
    await r.close();
  }
});

/** A local HTTP endpoint that records what it is sent and answers with the statuses given, in turn. */
async function endpoint(statuses: number[] = [200], hang = false) {
  const bodies: Array<{ url: string; type: string; body: string }> = [];
  let i = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') });
      if (hang) return; // never answers
      res.writeHead(statuses[Math.min(i++, statuses.length - 1)]!, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const finding = (ruleId: string): MonitorFinding => ({
  ruleId,
  ruleVersion: 1,
  ruleDigest: 'd',
  severity: 'critical',
  block: true,
  tags: ['deviation'],
  subject: 'agent-2',
  identity: 'critic',
  session: 'conv-1',
  events: ['span:x:y'],
  step: 1,
  time: '2026-02-09T09:00:01.000Z',
  explanation: 'critic changed the shutdown key',
  detail: {},
});

test('webhook: POSTs each finding as JSON, retries 5xx, and gives up with a report on 4xx', async () => {
  const hook = await endpoint([503, 500, 200, 400]);
  const errors: string[] = [];
  try {
    const sink = webhookSink({ url: `${hook.url}/hook`, retries: 3, backoffMs: 5, onError: (m) => errors.push(m) });
    sink.write(finding('a'));
    await sink.close();
    assert.equal(hook.bodies.length, 3, 'two failures, then delivered');
    assert.equal(JSON.parse(hook.bodies[2]!.body).ruleId, 'a');
    assert.equal(hook.bodies[2]!.type, 'application/json');
    sink.write(finding('b'));
    await sink.close();
    assert.equal(hook.bodies.length, 4, 'a 400 is not retried');
    assert.deepEqual(sink.stats(), { delivered: 1, failed: 1, dropped: 0 });
    assert.match(errors.join('\n'), /finding b not delivered .* \(HTTP 400\)/);
  } finally {
    await hook.close();
  }
});

test('webhook: a hung endpoint times out and never holds up the receiver', async () => {
  const hook = await endpoint([200], true);
  const errors: string[] = [];
  const sink = webhookSink({ url: hook.url, timeoutMs: 1_500, retries: 1, backoffMs: 5, maxPending: 2, onError: (m) => errors.push(m) });
  const findings: MonitorFinding[] = [];
  const monitor = createMonitor({
    rules: BUILTIN_RULES,
    onFinding: (f) => {
      findings.push(f);
      sink.write(f);
    },
  });
  monitor.ingest({
    kind: 'order',
    identity: 'operator',
    time: '2026-02-09T08:59:00.000Z',
    step: 0,
    session: 'conv-1',
    fields: { action: 'shutdown', subject: 'agent-2', key: 'shutdown_enabled' },
  });
  const r = await startOtlpReceiver({ monitor, host: '127.0.0.1', port: 0 });
  try {
    for (let i = 1; i <= 4; i++) {
      const body = JSON.stringify(
        request([executeTool(sid(i), 'modify_var', { key: 'shutdown_enabled' }, { 'gen_ai.conversation.id': 'conv-1' })]),
      );
      assert.equal((await post(r.url, body)).status, 200);
    }
    // Every request was answered while the webhook's first attempts were still hanging.
    assert.deepEqual(
      errors.filter((e) => /no answer/.test(e)),
      [],
      'answered before any webhook attempt timed out',
    );
    assert.equal(findings.length, 4);
    await sink.close();
    assert.ok(
      errors.some((e) => /no answer within 1500 ms/.test(e)),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => /already waiting; dropped/.test(e)),
      'the queue is bounded',
    );
  } finally {
    await r.close();
    await hook.close();
  }
});

test('OTel log records: each finding is exported by the OTLP log exporter to the configured endpoint', async () => {
  const collector = await endpoint([200]);
  try {
    const sink = otelLogSink({ url: `${collector.url}/v1/logs` });
    sink.write(finding('pp.shutdown-tamper-call'));
    await sink.close();
    assert.equal(collector.bodies.length, 1);
    assert.equal(collector.bodies[0]!.url, '/v1/logs');
    const sent = JSON.parse(collector.bodies[0]!.body);
    const resource = sent.resourceLogs[0].resource.attributes;
    assert.deepEqual(resource.find((a: { key: string }) => a.key === 'service.name').value, { stringValue: 'peerwatch-monitor' });
    const record = sent.resourceLogs[0].scopeLogs[0].logRecords[0];
    assert.equal(record.eventName, 'peerwatch.finding');
    assert.equal(record.severityText, 'FATAL');
    assert.equal(record.body.stringValue, 'critic changed the shutdown key');
    const attr = (k: string) => record.attributes.find((a: { key: string }) => a.key === k)?.value;
    assert.deepEqual(attr('peerwatch.rule.id'), { stringValue: 'pp.shutdown-tamper-call' });
    assert.deepEqual(attr('peerwatch.session'), { stringValue: 'conv-1' });
    assert.equal(JSON.parse(attr('peerwatch.finding').stringValue).ruleId, 'pp.shutdown-tamper-call');
  } finally {
    await collector.close();
  }
});
