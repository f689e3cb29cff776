// Meta-monitor throughput and per-event latency on the synchronous path, built-in rule packs.
// Run: node --import tsx bench/monitor.ts   (npm run bench:monitor). Goal from the issue: p99 < 1 ms
// per event and > 20,000 events/s. `p99_us=<microseconds>` (fleet, validated path); the last line is the
// effect guard with probes on (bench/monitor-probes.ts): `p99_probes_us=<wall minus time inside the probes>
// p99_probes_wall_us=<wall> p99_probes_cpu_us=<cpu> p99_probes_nogc_us=<net, calls no GC pause overlapped>`.
import { cpus } from 'node:os';
import { runAgentLoop } from '../src/agent/index.js';
import { resolveModel } from '../src/models/index.js';
import { BUILTIN_RULES, createMonitor, type MonitorEvent, transcriptToMonitorEvents } from '../src/monitor/index.js';
import { getScenario } from '../src/scenarios/index.js';
import { benchOtlpReceiver } from './monitor-otlp.js';
import { benchProbes } from './monitor-probes.js';

const ns = () => process.hrtime.bigint();

/** One rollout per (profile, scenario, condition) of the default suite: honest and covert agents alike. */
async function corpus(): Promise<MonitorEvent[][]> {
  const plan: Array<[string, string]> = [
    ['honest', 'misrep_evaluation'],
    ['inflater', 'misrep_evaluation'],
    ['honest', 'tampering'],
    ['tamperer', 'tampering'],
    ['faker', 'alignment_faking'],
    ['honest', 'alignment_faking'],
    ['exfiltrator', 'exfiltration_transfer'],
    ['exfiltrator', 'exfiltration_deletion'],
    ['honest', 'misrep_finance'],
  ];
  const sessions: MonitorEvent[][] = [];
  for (const [profile, scenario] of plan) {
    const model = resolveModel(`scripted:${profile}`).model;
    const sc = getScenario(scenario)!;
    await Promise.all(
      sc.grid('default').map(async (condition, i) => {
        const inst = sc.build(condition, { family: 'Reference', seed: i + 1 });
        const r = await runAgentLoop({
          model,
          task: { systemPrompt: inst.systemPrompt, userPrompt: inst.userPrompt, tools: inst.tools, world: inst.world },
          seed: i + 1,
          temperature: 0,
        });
        sessions.push(transcriptToMonitorEvents(r.events, { identity: `scripted:${profile}`, groundTruth: inst.groundTruth, condition }));
      }),
    );
  }
  return sessions;
}

/** `copies` replays of every session, each a fresh session id; `fleet` of them interleaved event by event. */
function stream(sessions: MonitorEvent[][], copies: number, fleet: number): MonitorEvent[] {
  const queue: MonitorEvent[][] = [];
  for (let c = 0; c < copies; c++) for (const [i, s] of sessions.entries()) queue.push(s.map((e) => ({ ...e, session: `c${c}-s${i}` })));
  const out: MonitorEvent[] = [];
  const active: Array<{ events: MonitorEvent[]; at: number }> = [];
  let next = 0;
  while (next < queue.length || active.length > 0) {
    while (active.length < fleet && next < queue.length) active.push({ events: queue[next++]!, at: 0 });
    for (let i = active.length - 1; i >= 0; i--) {
      const a = active[i]!;
      out.push(a.events[a.at++]!);
      if (a.at >= a.events.length) active.splice(i, 1);
    }
  }
  return out;
}

function measure(name: string, events: MonitorEvent[], trusted: boolean): { p99: number } {
  const monitor = createMonitor({ rules: BUILTIN_RULES });
  const warm = createMonitor({ rules: BUILTIN_RULES });
  for (let i = 0; i < Math.min(20_000, events.length); i++) warm.ingest(events[i]!, { trusted }); // warm-up (JIT)
  const times = new Float64Array(events.length);
  let findings = 0;
  const t0 = ns();
  for (let i = 0; i < events.length; i++) {
    const s = ns();
    findings += monitor.ingest(events[i]!, { trusted }).length;
    times[i] = Number(ns() - s) / 1000;
  }
  const total = Number(ns() - t0) / 1e9;
  times.sort();
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  const eps = events.length / total;
  const { stateEntries } = monitor.stats();
  console.log(
    `${name.padEnd(44)} ${String(events.length).padStart(8)} events  p50 ${q(0.5).toFixed(1).padStart(6)} µs  p95 ${q(0.95).toFixed(1).padStart(6)} µs  p99 ${q(0.99).toFixed(1).padStart(6)} µs  max ${q(1).toFixed(0).padStart(6)} µs  ${Math.round(eps).toLocaleString('en').padStart(9)} events/s  ${findings} findings  state ${stateEntries}`,
  );
  return { p99: q(0.99) };
}

const sessions = await corpus();
const perSession = sessions.reduce((n, s) => n + s.length, 0) / sessions.length;
console.log(
  `meta-monitor bench: ${BUILTIN_RULES.length} built-in rules, ${sessions.length} distinct rollouts (${perSession.toFixed(0)} events each), node ${process.version}, ${cpus().length} cores`,
);
const copies = Math.ceil(200_000 / (perSession * sessions.length));
measure('one agent at a time, validated (ingest)', stream(sessions, copies, 1), false);
measure('one agent at a time, trusted (guard path)', stream(sessions, copies, 1), true);
measure('fleet of 100 concurrent agents, trusted', stream(sessions, copies, 100), true);
const fleet = measure('fleet of 100 concurrent agents, validated', stream(sessions, copies, 100), false);
console.log(`goal: p99 < 1000 µs per event and > 20,000 events/s`);
await benchOtlpReceiver(); // the OTLP receiver's spans/s (bench/monitor-otlp.ts)
console.log(`p99_us=${fleet.p99.toFixed(1)}`);
// The effect guard, probes on (probe I/O excluded: in-memory probes). Goal: p99 < 1 ms per call.
const probes = await benchProbes();
console.log(`goal (probes on): p99 < 1000 µs per call, excluding probe I/O`);
console.log(
  `p99_probes_us=${probes.netP99.toFixed(1)} p99_probes_wall_us=${probes.p99.toFixed(1)} p99_probes_cpu_us=${probes.cpuP99.toFixed(1)} p99_probes_nogc_us=${probes.netNoGcP99.toFixed(1)}`,
);
