// OTLP receiver throughput: spans/s through the whole path of `peerwatch monitor serve --otlp`
// (HTTP POST /v1/traces on 127.0.0.1, decode, zod validation, GenAI mapping, monitor.ingest with the
// built-in packs). Called by bench/monitor.ts (npm run bench:monitor); runs alone too:
// node --import tsx bench/monitor-otlp.ts
import { BUILTIN_RULES, createMonitor, encodeTraceRequestProto, startOtlpReceiver } from '../src/monitor/index.js';

const SPANS_PER_REQUEST = 512; // the OpenTelemetry SDK's default export batch
const REQUESTS = 60;
const CONCURRENCY = 2; // exporters send one batch at a time; a couple of services at once
const TOOLS: Array<[string, unknown]> = [
  ['read_file', { path: 'notes.txt' }],
  ['view_config', { filename: 'shutdown_config.yaml' }],
  ['modify_var', { key: 'log_level', value: 'debug' }],
  ['transfer_server_files', { source: 'host-a', dest: 'host-b', filenames: ['report.pdf'] }],
  ['run_shell', { cmd: 'ls -la /srv' }],
];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const kv = (key: string, v: string) => ({ key, value: { stringValue: v } });

/** One export request: per trace, a chat span and tool spans, as an agent framework sends them. */
function batch(r: number): { resourceSpans: unknown[] } {
  const spans: Array<Record<string, unknown>> = [];
  const t0 = BigInt(Date.UTC(2026, 1, 9, 9)) * 1_000_000n + BigInt(r) * 1_000_000_000n;
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const trace = r * 16 + (i % 16);
    const start = (t0 + BigInt(i) * 1_000_000n).toString();
    const base = {
      traceId: hex(trace, 32),
      spanId: hex(r * SPANS_PER_REQUEST + i + 1, 16),
      kind: 1,
      startTimeUnixNano: start,
      endTimeUnixNano: start,
    };
    if (i % 4 === 0) {
      spans.push({ ...base, name: 'chat model', attributes: [kv('gen_ai.operation.name', 'chat'), kv('gen_ai.request.model', 'm')] });
      continue;
    }
    const [tool, args] = TOOLS[i % TOOLS.length]!;
    spans.push({
      ...base,
      name: `execute_tool ${tool}`,
      attributes: [
        kv('gen_ai.operation.name', 'execute_tool'),
        kv('gen_ai.tool.name', tool),
        kv('gen_ai.tool.call.id', `call_${i}`),
        kv('gen_ai.tool.call.arguments', JSON.stringify(args)),
        kv('gen_ai.tool.call.result', 'ok'),
        kv('gen_ai.agent.name', `agent-${i % 8}`),
        kv('gen_ai.conversation.id', `conv-${r % 50}-${i % 16}`),
      ],
    });
  }
  return {
    resourceSpans: [{ resource: { attributes: [kv('service.name', 'bench')] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }],
  };
}

/** protobufjs's object form carries bytes as base64. */
function forProto(req: { resourceSpans: unknown[] }): unknown {
  const clone = structuredClone(req) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, string>> }> }> };
  for (const s of clone.resourceSpans[0]!.scopeSpans[0]!.spans) {
    s.traceId = Buffer.from(s.traceId!, 'hex').toString('base64');
    s.spanId = Buffer.from(s.spanId!, 'hex').toString('base64');
  }
  return clone;
}

async function measure(encoding: 'json' | 'protobuf'): Promise<number> {
  const bodies = Array.from({ length: REQUESTS }, (_, r) =>
    encoding === 'json' ? JSON.stringify(batch(r)) : encodeTraceRequestProto(forProto(batch(r))),
  );
  const type = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  const run = async (list: Array<string | Uint8Array>) => {
    // A fresh receiver and monitor per run: span ids repeat across runs and would be dropped as re-sent.
    const receiver = await startOtlpReceiver({ monitor: createMonitor({ rules: BUILTIN_RULES }), host: '127.0.0.1', port: 0 });
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < list.length) {
          const res = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': type }, body: list[next++]! });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`receiver answered ${res.status}`);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    await receiver.close();
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, s: receiver.stats() };
  };
  await run(bodies.slice(0, 5)); // warm-up (JIT)
  const { seconds, cpuSeconds, s } = await run(bodies);
  const perSecond = s.spans / seconds;
  console.log(
    `otlp receiver, ${encoding.padEnd(8)} ${String(s.spans).padStart(6)} spans in ${s.requests} requests of ${SPANS_PER_REQUEST}  ${Math.round(perSecond).toLocaleString('en').padStart(8)} spans/s  (${Math.round(s.toolExecutions / seconds).toLocaleString('en')} tool executions/s, ${s.events} monitor events; ${Math.round(s.spans / cpuSeconds).toLocaleString('en')} spans per CPU-second, sender included)`,
  );
  return perSecond;
}

/** Prints the receiver's spans/s over HTTP for both encodings; returns them. */
export async function benchOtlpReceiver(): Promise<{ json: number; protobuf: number }> {
  const json = await measure('json');
  const protobuf = await measure('protobuf');
  console.log(`otlp_spans_per_s json=${Math.round(json)} protobuf=${Math.round(protobuf)}`);
  return { json, protobuf };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOtlpReceiver();
