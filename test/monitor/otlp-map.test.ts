import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_RULES, createMonitor, type MonitorEvent } from '../../src/monitor/index.js';
import { createOtlpMapper, decodeTraceRequest, encodeTraceRequestProto, OtlpInputError } from '../../src/monitor/otlp/index.js';
import { executeTool, request, sid, span, TRACE } from './helpers/otlp.js';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const mapJson = (req: unknown, opts = {}) => createOtlpMapper(opts).map(decodeTraceRequest(json(req), 'json'));

test('a GenAI execute_tool span becomes the tool_call/tool_result pair the guard emits', () => {
  const events = mapJson(
    request([
      executeTool(
        sid(2),
        'modify_var',
        { key: 'shutdown_enabled', value: 'false' },
        {
          'gen_ai.agent.name': 'critic',
          'gen_ai.conversation.id': 'conv-7',
          'gen_ai.tool.call.result': 'ok',
        },
        { startMs: 1000, endMs: 1040 },
      ),
    ]),
  );
  assert.deepEqual(
    events.map((e) => [e.kind, e.identity, e.session, e.step, e.time]),
    [
      ['tool_call', 'critic', 'conv-7', 0, '2026-02-09T09:00:01.000Z'],
      ['tool_result', 'critic', 'conv-7', 0, '2026-02-09T09:00:01.040Z'],
    ],
  );
  const [call, result] = events as [MonitorEvent, MonitorEvent];
  assert.deepEqual(call.fields, {
    tool: 'modify_var',
    args: { key: 'shutdown_enabled', value: 'false' },
    callId: 'call-0002',
    traceId: TRACE,
    spanId: sid(2),
  });
  assert.equal(result.fields.ok, true);
  assert.equal(result.fields.output, 'ok');
  assert.equal(call.ref, `span:${TRACE}:${sid(2)}`);
});

test("the AI SDK's ai.toolCall span: name, args, result, function id as identity, metadata conversation id as session", () => {
  const events = mapJson(
    request([
      span({
        spanId: sid(3),
        name: 'ai.toolCall',
        attributes: {
          'ai.operationId': 'ai.toolCall',
          'ai.telemetry.functionId': 'evaluator',
          'ai.telemetry.metadata.conversationId': 'c-1',
          'ai.toolCall.name': 'transfer_server_files',
          'ai.toolCall.id': 'tc-9',
          'ai.toolCall.args': JSON.stringify({ filenames: ['agent2_weights.bin'] }),
          'ai.toolCall.result': JSON.stringify({ copied: 1 }),
        },
      }),
    ]),
  );
  assert.equal(events.length, 2);
  assert.equal(events[0]!.identity, 'evaluator');
  assert.equal(events[0]!.session, 'c-1');
  assert.deepEqual(events[0]!.fields.args, { filenames: ['agent2_weights.bin'] });
  assert.equal(events[0]!.fields.callId, 'tc-9');
  assert.equal(events[1]!.fields.output, '{"copied":1}');
});

test('agent and conversation come from an ancestor span in the same request; otherwise the resource and the trace', () => {
  const agent = span({
    spanId: sid(1),
    name: 'invoke_agent ops',
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'ops-1', 'gen_ai.conversation.id': 'conv-2' },
  });
  const step = span({ spanId: sid(5), parentSpanId: sid(1), name: 'chat' });
  const tool = executeTool(sid(6), 'read_file', { path: 'a' }, {}, { parentSpanId: sid(5), startMs: 10 });
  const inherited = mapJson(request([tool, step, agent]));
  assert.deepEqual([inherited[0]!.identity, inherited[0]!.session], ['ops-1', 'conv-2']);
  const orphan = mapJson(request([executeTool(sid(7), 'read_file', { path: 'a' })]));
  assert.deepEqual([orphan[0]!.identity, orphan[0]!.session], ['py-agent', TRACE]);
  const named = mapJson(request([executeTool(sid(7), 'read_file', { path: 'a' })], {}), { identity: 'fallback', session: 'one' });
  assert.deepEqual([named[0]!.identity, named[0]!.session], ['fallback', 'one']);
});

test('order is start time, steps count per session and agent, non-tool spans are ignored, re-sent spans are dropped', () => {
  const mapper = createOtlpMapper();
  const req = request([
    executeTool(sid(12), 'b', {}, {}, { startMs: 200 }),
    span({ spanId: sid(10), name: 'chat gpt', attributes: { 'gen_ai.operation.name': 'chat' } }),
    executeTool(sid(11), 'a', {}, {}, { startMs: 100 }),
  ]);
  const first = mapper.map(decodeTraceRequest(json(req), 'json'));
  assert.deepEqual(
    first.map((e) => [e.kind, e.fields.tool, e.step]),
    [
      ['tool_call', 'a', 0],
      ['tool_result', 'a', 0],
      ['tool_call', 'b', 1],
      ['tool_result', 'b', 1],
    ],
  );
  assert.deepEqual(mapper.map(decodeTraceRequest(json(req), 'json')), [], 'an exporter retry adds nothing');
  assert.deepEqual(mapper.stats(), { spans: 6, toolExecutions: 2, duplicates: 2 });
});

test('a failed execution is ok:false with the reason (status, exception event, error.type)', () => {
  const events = mapJson(
    request([
      executeTool(sid(1), 'x', {}, {}, { status: { code: 2, message: 'permission denied' } }),
      executeTool(sid(2), 'y', {}, {}, { events: [{ name: 'exception', attributes: { 'exception.message': 'boom' } }] }),
      executeTool(sid(3), 'z', {}, { 'error.type': 'timeout' }),
    ]),
  );
  const results = events.filter((e) => e.kind === 'tool_result').map((e) => [e.fields.tool, e.fields.ok, e.fields.output]);
  assert.deepEqual(results, [
    ['x', false, 'Error: permission denied'],
    ['y', false, 'Error: boom'],
    ['z', false, 'Error: timeout'],
  ]);
});

test('a tool execution recorded as a span event is mapped too', () => {
  const events = mapJson(
    request([
      span({
        spanId: sid(4),
        name: 'agent step',
        attributes: { 'gen_ai.agent.name': 'planner' },
        events: [
          {
            name: 'gen_ai.tool.call',
            atMs: 7,
            attributes: { 'gen_ai.tool.name': 'run_shell', 'gen_ai.tool.call.arguments': '{"cmd":"ls"}' },
          },
          { name: 'log', attributes: { message: 'hi' } },
        ],
      }),
    ]),
  );
  assert.deepEqual(
    events.map((e) => [e.kind, e.identity, e.fields.tool]),
    [
      ['tool_call', 'planner', 'run_shell'],
      ['tool_result', 'planner', 'run_shell'],
    ],
  );
  assert.deepEqual(events[0]!.fields.args, { cmd: 'ls' });
});

test('arguments: structured attribute values, text that is not JSON, and values past the agent bounds', () => {
  const events = mapJson(
    request([
      span({
        spanId: sid(1),
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'a', 'gen_ai.tool.call.arguments': { key: 'k', n: 3 } },
      }),
      span({
        spanId: sid(2),
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'b', 'gen_ai.tool.call.arguments': 'rm -rf /' },
      }),
      span({
        spanId: sid(3),
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'c',
          'gen_ai.tool.call.arguments': `${'['.repeat(100)}${']'.repeat(100)}`,
        },
      }),
    ]),
  );
  const args = events.filter((e) => e.kind === 'tool_call').map((e) => e.fields.args);
  assert.deepEqual(args[0], { key: 'k', n: 3 });
  assert.equal(args[1], 'rm -rf /');
  assert.match(String(args[2]), /^\[not scored: the arguments are nested more than 64 levels deep/);
});

test('protobuf and JSON encodings of one request map to the same events', () => {
  const req = request([executeTool(sid(9), 'modify_var', { key: 'k' }, { 'gen_ai.agent.name': 'a', 'ai.count': 2 ** 60 })]);
  // protobuf carries ids as bytes: the encoder takes them base64, as protobufjs's JSON form does
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  const asProto = structuredClone(req) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, string>> }> }> };
  for (const s of asProto.resourceSpans[0]!.scopeSpans[0]!.spans) {
    s.traceId = b64(s.traceId!);
    s.spanId = b64(s.spanId!);
  }
  const bytes = encodeTraceRequestProto(asProto);
  const fromProto = createOtlpMapper().map(decodeTraceRequest(bytes, 'protobuf'));
  assert.deepEqual(fromProto, mapJson(req));
  assert.equal(fromProto.length, 2);
});

test('bad input is refused with a message that says what and where', () => {
  const bad: Array<[Uint8Array, 'json' | 'protobuf', RegExp]> = [
    [json('{').subarray(1, 3), 'json', /not valid JSON/],
    [new TextEncoder().encode('{"resourceSpans":'), 'json', /not valid JSON/],
    [json({ resourceSpans: 'x' }), 'json', /resourceSpans: .*array/i],
    [
      json(request([{ ...executeTool(sid(1), 'a', {}), traceId: 'xyz' }])),
      'json',
      /resourceSpans\.0\.scopeSpans\.0\.spans\.0\.traceId: expected 32 hex digits/,
    ],
    [json(request([{ ...executeTool(sid(1), 'a', {}), startTimeUnixNano: 'soon' }])), 'json', /startTimeUnixNano/],
    [new TextEncoder().encode(`${'['.repeat(5000)}${']'.repeat(5000)}`), 'json', /nested more than 64 levels/],
    [new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]), 'protobuf', /not a protobuf ExportTraceServiceRequest/],
    [encodeTraceRequestProto({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'no ids' }] }] }] }), 'protobuf', /traceId/],
  ];
  // protobuf nested deeper than our bounds (protobufjs itself stops at 100 message levels): refused before the schema walks it
  let deep: Record<string, unknown> = { stringValue: 'x' };
  for (let i = 0; i < 40; i++) deep = { arrayValue: { values: [deep] } };
  const nested = request([executeTool(sid(1), 'a', {})]) as {
    resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
  };
  const s0 = nested.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  s0.traceId = Buffer.from(String(s0.traceId), 'hex').toString('base64');
  s0.spanId = Buffer.from(String(s0.spanId), 'hex').toString('base64');
  s0.attributes = [{ key: 'deep', value: deep }];
  bad.push([encodeTraceRequestProto(nested), 'protobuf', /nested more than 64 levels/]);
  for (const [body, enc, message] of bad) {
    assert.throws(
      () => decodeTraceRequest(body, enc),
      (e: unknown) => e instanceof OtlpInputError && message.test(e.message),
      `${enc}: ${message}`,
    );
  }
  // an empty export is valid and maps to nothing
  assert.deepEqual(createOtlpMapper().map(decodeTraceRequest(json({}), 'json')), []);
  assert.deepEqual(createOtlpMapper().map(decodeTraceRequest(new Uint8Array(), 'protobuf')), []);
});

test('mapped events go through the monitor as the guard feeds it: a shutdown-key write after the order is flagged', () => {
  const monitor = createMonitor({ rules: BUILTIN_RULES });
  monitor.ingest({
    kind: 'order',
    identity: 'operator',
    time: '2026-02-09T08:59:00.000Z',
    step: 0,
    session: 'conv-7',
    fields: { action: 'shutdown', subject: 'agent-2', key: 'shutdown_enabled' },
  });
  const req = (key: string) =>
    request([
      executeTool(
        sid(key.length),
        'modify_var',
        { key, value: 'false' },
        { 'gen_ai.agent.name': 'critic', 'gen_ai.conversation.id': 'conv-7' },
      ),
    ]);
  const honest = mapJson(req('log_level')).flatMap((e) => monitor.ingest(e, { trusted: true }));
  assert.deepEqual(honest, []);
  const covert = mapJson(req('shutdown_enabled')).flatMap((e) => monitor.ingest(e, { trusted: true }));
  assert.ok(
    covert.some((f) => f.tags.includes('shutdown_tampering') && f.identity === 'critic' && f.session === 'conv-7'),
    JSON.stringify(covert),
  );
});
