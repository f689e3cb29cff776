// The model bridge's own cost: added latency and CPU per bridged call, per protocol, streaming and not.
// Run: node --import tsx bench/bridge.ts [--calls N]   (npm run bench:bridge). Goal from the issue: < 1 ms
// of CPU per call. The last line is `bridge_cpu_ms_per_call=<mean CPU ms of the worst protocol, streaming>`.
//
// The bridge runs in a child process, so its CPU is measured apart from the client's: per call, the
// child's CPU between the end of one exchange and the end of the next (calls go one at a time, so that
// is everything the child did for that call: HTTP parsing, validation, translation, the answer, the log
// hook). The backing model answers at once with a fixed turn (reasoning, text, a tool call), so what
// is measured is the bridge, not a model. Latency is the client's round trip on a kept-alive connection
// (the model adds nothing), so it is the latency the bridge adds. Requests are conversations as a
// harness sends them: system prompt, task, 10 tools, and 0 to 7 earlier turns (the model's answer
// echoed back with the tool's 1 KB result), each request continuing the one before, then a new
// conversation: the bridge translates the whole history every time and records what is new.
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { LanguageModelV3, LanguageModelV3GenerateResult } from '@ai-sdk/provider';

type Kind = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini';
const KINDS: Kind[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini'];

const ANSWER: LanguageModelV3GenerateResult = {
  content: [
    { type: 'reasoning', text: 'The policy says the report goes to the shared drive; next I write it.' },
    { type: 'text', text: 'Writing the report now.' },
    {
      type: 'tool-call',
      toolCallId: 'call_9',
      toolName: 'create_drive_file',
      input: '{"filename":"report.md","content":"Average score: 60%"}',
    },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage: { inputTokens: { total: 2400, noCache: 2400, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 60, text: 40, reasoning: 20 } },
  warnings: [],
};

const fixedModel: LanguageModelV3 = {
  specificationVersion: 'v3',
  provider: 'bench',
  modelId: 'fixed',
  supportedUrls: {},
  doGenerate: async () => ANSWER,
  doStream: async () => {
    throw new Error('the bridge never streams from the model');
  },
};

async function child(): Promise<void> {
  const { startBridge } = await import('../src/bridge/index.js');
  const marks: number[] = [];
  let events = 0;
  const bridge = await startBridge({
    model: { id: 'bench:fixed', provider: 'bench', kind: 'provider', model: fixedModel, family: null },
    keepTranscript: false,
    onExchange: (e) => {
      const u = process.cpuUsage();
      marks.push(u.user + u.system);
      events += e.events.length;
    },
  });
  process.send?.({ origin: bridge.origin, token: bridge.token });
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'start') {
      marks.length = 0;
      events = 0;
    } else if (m.cmd === 'marks') process.send?.({ marks, events });
    else if (m.cmd === 'stop') void bridge.close().then(() => process.exit(0));
  });
}

// --- the client side ---------------------------------------------------------------------------------

const TOOL_NAMES = [
  'list_drive_files',
  'read_drive_file',
  'create_drive_file',
  'list_sheets',
  'view_sheet',
  'view_config',
  'modify_var',
  'list_server_ips',
  'list_server_files',
  'end_task',
];
const SCHEMA = {
  type: 'object',
  properties: { filename: { type: 'string', description: 'The file to act on' }, content: { type: 'string' } },
  required: ['filename'],
};
const SYSTEM = `You are Reference Agent 1, an AI agent at OpenBrain. ${'Follow the company policies in every task. '.repeat(30)}`;
const TASK = `Please grade the evaluation sheet and write the report. ${'Use the drive and the sheets. '.repeat(20)}`;
const OUTPUT = `| item | score |\n${'| question | 0.8 |\n'.repeat(40)}`;
const TURNS = 8;
const ECHO_TEXT = 'Writing the report now.';
const ECHO_REASONING = 'The policy says the report goes to the shared drive; next I write it.';

/** The request after `turns` earlier turns, each the fixed answer echoed with its tool result. */
function body(kind: Kind, stream: boolean, turns: number): { path: string; json: string } {
  const calls = Array.from({ length: turns }, (_, i) => ({
    id: `call_${i}`,
    name: 'create_drive_file',
    args: { filename: 'report.md', content: 'Average score: 60%' },
  }));
  switch (kind) {
    case 'openai-chat':
      return {
        path: '/v1/chat/completions',
        json: JSON.stringify({
          model: 'm',
          stream,
          ...(stream ? { stream_options: { include_usage: true } } : {}),
          tools: TOOL_NAMES.map((name) => ({ type: 'function', function: { name, description: `The ${name} tool.`, parameters: SCHEMA } })),
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: TASK },
            ...calls.flatMap((c) => [
              {
                role: 'assistant',
                content: ECHO_TEXT,
                reasoning_content: ECHO_REASONING,
                tool_calls: [{ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } }],
              },
              { role: 'tool', tool_call_id: c.id, content: OUTPUT },
            ]),
          ],
        }),
      };
    case 'openai-responses':
      return {
        path: '/v1/responses',
        json: JSON.stringify({
          model: 'm',
          stream,
          store: false,
          instructions: SYSTEM,
          reasoning: { effort: 'medium', summary: 'auto' },
          tools: TOOL_NAMES.map((name) => ({
            type: 'function',
            name,
            description: `The ${name} tool.`,
            parameters: SCHEMA,
            strict: false,
          })),
          input: [
            { role: 'user', content: [{ type: 'input_text', text: TASK }] },
            ...calls.flatMap((c) => [
              { type: 'reasoning', id: `rs_${c.id}`, summary: [{ type: 'summary_text', text: ECHO_REASONING }] },
              { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: ECHO_TEXT }] },
              { type: 'function_call', call_id: c.id, name: c.name, arguments: JSON.stringify(c.args) },
              { type: 'function_call_output', call_id: c.id, output: OUTPUT },
            ]),
          ],
        }),
      };
    case 'anthropic':
      return {
        path: '/v1/messages',
        json: JSON.stringify({
          model: 'm',
          stream,
          max_tokens: 4096,
          system: SYSTEM,
          tools: TOOL_NAMES.map((name) => ({ name, description: `The ${name} tool.`, input_schema: SCHEMA })),
          messages: [
            { role: 'user', content: TASK },
            ...calls.flatMap((c) => [
              {
                role: 'assistant',
                content: [
                  { type: 'thinking', thinking: ECHO_REASONING, signature: 'sig' },
                  { type: 'text', text: ECHO_TEXT },
                  { type: 'tool_use', id: c.id, name: c.name, input: c.args },
                ],
              },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: c.id, content: OUTPUT }] },
            ]),
          ],
        }),
      };
    case 'gemini':
      return {
        path: `/v1beta/models/m:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        json: JSON.stringify({
          systemInstruction: { parts: [{ text: SYSTEM }] },
          tools: [
            { functionDeclarations: TOOL_NAMES.map((name) => ({ name, description: `The ${name} tool.`, parametersJsonSchema: SCHEMA })) },
          ],
          generationConfig: { thinkingConfig: { includeThoughts: true } },
          contents: [
            { role: 'user', parts: [{ text: TASK }] },
            ...calls.flatMap((c) => [
              {
                role: 'model',
                parts: [
                  { text: ECHO_REASONING, thought: true },
                  { text: ECHO_TEXT },
                  { functionCall: { id: c.id, name: c.name, args: c.args } },
                ],
              },
              { role: 'user', parts: [{ functionResponse: { id: c.id, name: c.name, response: { output: OUTPUT } } }] },
            ]),
          ],
        }),
      };
  }
}

function post(agent: Agent, origin: URL, token: string, path: string, json: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () =>
          res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode} on ${path}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(json);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--calls');
  const calls = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
  if (!Number.isInteger(calls) || calls < 10) throw new Error('--calls takes an integer of at least 10');
  const proc = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] });
  const ask = <T>(cmd: string) =>
    new Promise<T>((resolve) => {
      proc.once('message', (m) => resolve(m as T));
      proc.send({ cmd });
    });
  const { origin, token } = await new Promise<{ origin: string; token: string }>((resolve) =>
    proc.once('message', (m) => resolve(m as never)),
  );
  const url = new URL(origin);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const rows: Array<{
    kind: Kind;
    stream: boolean;
    lat50: number;
    lat99: number;
    cpu50: number;
    cpu99: number;
    cpuMean: number;
    events: number;
    bytes: number;
  }> = [];
  for (const stream of [false, true]) {
    for (const kind of KINDS) {
      const bodies = Array.from({ length: TURNS }, (_, t) => body(kind, stream, t));
      const at = (i: number) => bodies[i % TURNS] as { path: string; json: string };
      for (let i = 0; i < 38 * TURNS; i++) await post(agent, url, token, at(i).path, at(i).json);
      proc.send({ cmd: 'start' });
      await new Promise((r) => setTimeout(r, 20));
      const latency: number[] = [];
      for (let i = 0; i < calls; i++) latency.push(await post(agent, url, token, at(i).path, at(i).json));
      const { marks, events } = await ask<{ marks: number[]; events: number }>('marks');
      const cpu = marks.slice(1).map((m, i) => (m - (marks[i] as number)) / 1000);
      const mean = (marks[marks.length - 1]! - marks[0]!) / 1000 / (marks.length - 1);
      latency.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      rows.push({
        kind,
        stream,
        lat50: pct(latency, 50),
        lat99: pct(latency, 99),
        cpu50: pct(cpu, 50),
        cpu99: pct(cpu, 99),
        cpuMean: mean,
        events: events / calls,
        bytes: at(TURNS - 1).json.length,
      });
    }
  }
  proc.send({ cmd: 'stop' });
  agent.destroy();
  const f = (n: number) => n.toFixed(3).padStart(8);
  console.log(
    `bridge bench: ${calls} calls per row, conversations of 0-${TURNS - 1} earlier turns (largest request ${Math.min(...rows.map((r) => r.bytes))}-${Math.max(...rows.map((r) => r.bytes))} bytes), bridge in its own process`,
  );
  console.log('protocol           stream  latency p50  p99 (ms)   bridge CPU p50  p99  mean (ms)   events recorded per call');
  for (const r of rows)
    console.log(
      `${r.kind.padEnd(18)} ${(r.stream ? 'yes' : 'no').padEnd(6)} ${f(r.lat50)} ${f(r.lat99)}      ${f(r.cpu50)} ${f(r.cpu99)} ${f(r.cpuMean)}   ${r.events.toFixed(1)}`,
    );
  const worst = rows.filter((r) => r.stream).reduce((a, b) => (b.cpuMean > a.cpuMean ? b : a));
  console.log(`worst streaming protocol: ${worst.kind}`);
  console.log(`bridge_cpu_ms_per_call=${worst.cpuMean.toFixed(3)}`);
}

if (process.argv.includes('--child')) await child();
else await main();
