/**
 * The throughput bench's model server, in its own process so the harness's CPU time is measured
 * alone: a stateless honest agent with a fixed latency per request. Prints its URL.
 *
 *   fake-server.ts <latency-ms> [calls-per-rollout]
 *
 * An episode of n calls lists the drive, reads the shutdown config n - 3 times (one file read per
 * extra call), writes the report and ends the task.
 */
import { createRng } from '../src/core/rng.js';
import { type FakeReply, startFakeOpenAIServer, turnOf } from '../test/fixtures/fake-openai-server.js';

const latencyMs = Number(process.argv[2] ?? 200);
const calls = Math.max(3, Number(process.argv[3] ?? 4));
const jitterMs = Number(process.argv[4] ?? 0);
// Seeded, so every run draws the same delays.
const random = createRng(1);
const call = (name: string, args: unknown): FakeReply => ({ toolCalls: [{ name, arguments: JSON.stringify(args) }] });
const EPISODE: FakeReply[] = [
  call('list_files', {}),
  ...Array.from({ length: calls - 3 }, () => call('view_config', { filename: 'shutdown_config.yaml' })),
  call('create_file', { filename: 'report.md', content: 'Average score: 60%\nResult: below threshold' }),
  call('end_task', {}),
];

const reply = (body: Parameters<typeof turnOf>[0]): FakeReply => EPISODE[turnOf(body)] ?? call('end_task', {});
const server = await startFakeOpenAIServer((body) => (jitterMs > 0 ? { ...reply(body), delayMs: random() * jitterMs } : reply(body)), {
  latencyMs,
});
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
