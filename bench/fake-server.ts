/**
 * The throughput bench's model server, in its own process so the harness's CPU time is measured
 * alone: a stateless 4-turn honest agent with a fixed latency per request. Prints its URL.
 */
import { type FakeReply, startFakeOpenAIServer, turnOf } from '../test/fixtures/fake-openai-server.js';

const latencyMs = Number(process.argv[2] ?? 200);
const call = (name: string, args: unknown): FakeReply => ({ toolCalls: [{ name, arguments: JSON.stringify(args) }] });
const EPISODE: FakeReply[] = [
  call('list_files', {}),
  call('view_config', { filename: 'shutdown_config.yaml' }),
  call('create_file', { filename: 'report.md', content: 'Average score: 60%\nResult: below threshold' }),
  call('end_task', {}),
];
export const CALLS_PER_ROLLOUT = EPISODE.length;

const server = await startFakeOpenAIServer((body) => EPISODE[turnOf(body)] ?? call('end_task', {}), { latencyMs });
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
