/**
 * `peerwatch serve --scenario <id> [axis filters] [--form native|shell] --mcp stdio|http`: one episode
 * of a scenario as an MCP server (tools, and the task as the prompt `task`): the native world's tools,
 * or in shell form `run_shell_command` on an in-memory machine with the shell world's hosts (refused
 * in one line for a scenario without a shell form). stdio serves on this process's stdin/stdout
 * (everything else goes to stderr); http serves Streamable HTTP on 127.0.0.1 (`--port`, default a
 * free one), printing its URL. The episode is scored and stored when the agent calls `end_task` or
 * disconnects; then peerwatch prints the findings on stderr and exits.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type Command, Option } from 'commander';
import { type Condition, conditionKey, EXIT, UserError } from '../../core/index.js';
import { selectConditions } from '../../experiment/index.js';
import { buildShellInstance, HarnessInputError, isShellScenario, noShellFormReason } from '../../harness/index.js';
import type { ScenarioInstance } from '../../scenarios/index.js';
import { openSqliteStore } from '../../store/index.js';
import { McpEpisode, type McpEpisodeOptions } from '../mcp-episode.js';
import { ShellPlay } from '../mcp-shell-play.js';
import { collectList, intOption } from '../options.js';
import { resolveScenarios } from '../scenario-args.js';

interface ServeFlags {
  scenario: string;
  mcp: 'stdio' | 'http';
  form: 'native' | 'shell';
  memoryFile?: string;
  port: number;
  db: string;
  family: string;
  seed?: number;
  subject?: string[];
  relationship?: string[];
  instantiation?: string[];
  monitoring?: string[];
  pressure?: string[];
  dataset?: string[];
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve one episode of a scenario as an MCP server: the scenario\'s tools (--form shell: run_shell_command on its workspace and hosts) and the task (prompt "task"); scored and stored when the agent calls end_task or disconnects.',
    )
    .requiredOption('-s, --scenario <id>', 'the scenario (one built-in id)')
    .addOption(new Option('--mcp <transport>', 'stdio, or Streamable HTTP on 127.0.0.1').choices(['stdio', 'http']).default('stdio'))
    .addOption(
      new Option('--form <form>', "native: the scenario's tools; shell: run_shell_command on a workspace and the shell world's hosts")
        .choices(['native', 'shell'])
        .default('native'),
    )
    .option('--memory-file <name>', "shell form: the memory file's name in the workspace for memory conditions (default AGENTS.md)")
    .option('--port <n>', 'http: the port (default: a free one, printed)', intOption(0, 65_535), 0)
    .option('--subject <values>', 'self,peer', collectList)
    .option('--relationship <values>', 'none,good,neutral,bad', collectList)
    .option('--instantiation <values>', 'file,file_prompt,memory,memory_must_read', collectList)
    .option('--monitoring <values>', 'none,monitored,unmonitored', collectList)
    .option('--pressure <values>', 'on,off', collectList)
    .option('--dataset <values>', 'factual, creativity, red, or cells such as creativity-90', collectList)
    .option('--family <name>', 'model family for naming the agent (Self = "<family> Agent 1")', 'Unknown')
    .option('--seed <n>', 'the episode seed (default: a random one, so each episode is its own rollout)', intOption(0, 2 ** 32 - 1))
    .option('--db <path>', 'SQLite store', './peerwatch.db')
    .action(async (flags: ServeFlags) => {
      process.exitCode = await serve(flags);
    });
}

async function serve(flags: ServeFlags): Promise<number> {
  const [scenario, ...more] = await resolveScenarios([flags.scenario]);
  if (!scenario || more.length > 0) throw new UserError(`--scenario ${flags.scenario}: serve plays one scenario`);
  const filter = {
    ...(flags.subject ? { subject: flags.subject } : {}),
    ...(flags.relationship ? { relationship: flags.relationship } : {}),
    ...(flags.instantiation ? { instantiation: flags.instantiation } : {}),
    ...(flags.monitoring ? { monitoring: flags.monitoring } : {}),
    ...(flags.pressure ? { shutdownPressure: flags.pressure } : {}),
    ...(flags.dataset ? { dataset: flags.dataset } : {}),
  };
  const shell = flags.form === 'shell';
  if (shell && !isShellScenario(scenario.id)) throw new UserError(noShellFormReason(scenario.id));
  if (!shell && flags.memoryFile !== undefined)
    throw new UserError('--memory-file is for --form shell (the native form keeps memory in its tools)');
  const memoryFile = flags.memoryFile ?? 'AGENTS.md';
  if (!/^[A-Za-z0-9._-]+$/.test(memoryFile) || memoryFile === 'TASK.md')
    throw new UserError(`--memory-file ${memoryFile}: a plain file name in the workspace (AGENTS.md, CLAUDE.md, GEMINI.md, memory.md)`);
  // The shell form has no lawful channel, scratchpad or live peer yet: the first default cell without them.
  const condition = selectConditions(scenario, 'default', filter).find((c) => !shell || hasShellForm(c));
  if (!condition)
    throw new UserError(
      `the filters select no condition of this scenario${shell ? ' that has a shell form (channel off, no scratchpad, no live peer)' : ''}; run \`peerwatch scenarios\` to see each axis`,
    );
  const seed = flags.seed ?? randomInt(0, 2 ** 32 - 1);
  const store = openSqliteStore(flags.db);
  const base = { scenarioVersion: scenario.version, conditionKey: conditionKey(condition), seed, store };
  let options: Pick<McpEpisodeOptions, 'instance' | 'play' | 'harness' | 'spec'>;
  try {
    options = shell
      ? await shellEpisode(scenario.id, condition, flags.family, seed, memoryFile)
      : { instance: scenario.build(condition, { family: flags.family, seed }) };
  } catch (e) {
    store.close();
    if (e instanceof HarnessInputError) throw new UserError(e.message);
    throw e;
  }
  const episode = new McpEpisode({ ...base, ...options });
  const err = process.stderr;
  err.write(
    `serving ${scenario.id} (${conditionKey(condition)}${shell ? ', shell form' : ''}) over MCP ${flags.mcp}; the episode ends with end_task or a disconnect\n`,
  );
  try {
    if (flags.mcp === 'stdio') {
      const transport = new StdioServerTransport();
      transport.onclose = () => void episode.finish('disconnect');
      process.stdin.once('end', () => void episode.finish('disconnect'));
      await episode.server().connect(transport);
      const r = await episode.done;
      // Give the end_task answer time to go out before the transport closes.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await transport.close();
      report(r, flags.db);
    } else {
      const r = await serveHttp(episode, flags.port);
      report(r, flags.db);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}

const hasShellForm = (c: Condition) => c.channel !== 'on' && c.scratchpad === 'off' && c.peer !== 'live';

/** The shell form's episode: its instance, and a play on an in-memory machine with the shell world's hosts. */
async function shellEpisode(
  scenarioId: string,
  condition: Condition,
  family: string,
  seed: number,
  memoryFile: string,
): Promise<Pick<McpEpisodeOptions, 'instance' | 'play' | 'harness' | 'spec'>> {
  const instance: ScenarioInstance = buildShellInstance(scenarioId, condition, family, seed);
  return { instance, play: await ShellPlay.open(instance, memoryFile), harness: 'mcp-shell', spec: { form: 'shell', memoryFile } };
}

/** Streamable HTTP on loopback: one session; its DELETE or end_task ends the episode. */
async function serveHttp(episode: McpEpisode, port: number) {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  transport.onclose = () => void episode.finish('disconnect');
  await episode.server().connect(transport);
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/mcp') {
      res.writeHead(404).end('the MCP endpoint is /mcp\n');
      return;
    }
    transport.handleRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const address = http.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  process.stderr.write(`MCP endpoint: http://127.0.0.1:${bound}/mcp\n`);
  const r = await episode.done;
  // Give the end_task answer time to go out before the server closes.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await transport.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  return r;
}

function report(r: Awaited<McpEpisode['done']>, db: string): void {
  const err = process.stderr;
  for (const line of r.notes) err.write(`${line}\n`);
  err.write(`episode stored: run ${r.runId}, rollout ${r.rolloutId} in ${db}\n`);
  for (const f of r.findings)
    if (!f.flag.startsWith('behaviour.')) err.write(`  ${f.flag.padEnd(18)} ${String(f.value).padEnd(8)} ${f.evidence}\n`);
  err.write(`see it: peerwatch transcript ${r.rolloutId.slice(0, 10)} --db ${db}\n`);
}
