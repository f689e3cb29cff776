import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { type Command, Option } from 'commander';
import { forTerminal, jsonForTerminal } from '../../core/index.js';
import {
  BUILTIN_RULES,
  createMcpGuardProxy,
  followMonitorJsonl,
  type GuardDecision,
  loadRulesFile,
  type MonitorFinding,
  readMonitorJsonl,
  type Rule,
} from '../../monitor/index.js';

interface ProxyFlags {
  rules?: string;
  mode: 'observe' | 'enforce';
  identity?: string;
  session?: string;
  feed?: string;
  json?: boolean;
}

// stdout is the MCP channel: everything we say goes to stderr.
// Findings quote what agents sent (tool names, arguments): escaped before they reach the terminal.
const say = (line: string) => process.stderr.write(`${forTerminal(line)}\n`);

function processEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * `peerwatch monitor proxy [--rules f] [--json] --mode m -- <upstream command...>`: an MCP server
 * guarding another one. `--rules` and `--json` belong to `monitor` (commander hands them to the
 * parent), so they are read from there; everything after `--` is the upstream command, untouched.
 */
export function registerMonitorProxyCommand(monitor: Command): void {
  monitor
    .command('proxy')
    .description(
      'Serve MCP on stdin/stdout in front of an upstream MCP server: its tools are listed unchanged, every call and result is scored by the meta-monitor (--rules, default the built-in packs), and in enforce mode a call a blocking rule stops returns a tool error and never reaches upstream. Findings go to stderr (--json: as JSON Lines).',
    )
    .argument('<command...>', 'the upstream MCP server command and its arguments (put them after --)')
    .addOption(
      new Option('--mode <mode>', 'observe: record only; enforce: stop blocked calls').choices(['observe', 'enforce']).default('observe'),
    )
    .option('--identity <name>', 'who the calls are attributed to (default: the name the MCP client gives)')
    .option('--session <id>', 'session id for the events (scopes sequences and windows)')
    .option(
      '--feed <events.jsonl>',
      'also score infrastructure events (orders, alerts, egress) from this JSON Lines file, following it as it grows',
    )
    .action(async (command: string[], own: Omit<ProxyFlags, 'rules' | 'json'>, cmd: Command) => {
      const parent = cmd.parent?.opts() as { rules?: string; json?: boolean } | undefined;
      const flags: ProxyFlags = { ...own, ...(parent?.rules ? { rules: parent.rules } : {}), ...(parent?.json ? { json: true } : {}) };
      const rules: readonly Rule[] = flags.rules ? await loadRulesFile(flags.rules) : BUILTIN_RULES;
      // Events already in the feed are scored before the first call can arrive.
      const preloaded = flags.feed ? await readMonitorJsonl(flags.feed) : [];
      const onFinding = (f: MonitorFinding) => {
        if (flags.json) process.stderr.write(`${jsonForTerminal(JSON.stringify(f))}\n`);
        else say(`peerwatch: ${f.severity.toUpperCase()} ${f.ruleId}: ${f.explanation}`);
      };
      const onDecision = (d: GuardDecision) => {
        if (!flags.json && d.decision === 'block')
          say(`peerwatch: ${d.executed ? 'would block (observe)' : 'BLOCKED'} ${d.tool} by ${d.identity}${d.note ? ` (${d.note})` : ''}`);
      };
      const proxy = await createMcpGuardProxy({
        upstream: { command: command[0]!, args: command.slice(1), env: processEnv() },
        rules,
        mode: flags.mode,
        onFinding,
        onDecision,
        ...(flags.identity ? { identity: flags.identity } : {}),
        ...(flags.session ? { session: flags.session } : {}),
      });
      for (const e of preloaded) proxy.monitor.ingest(e, { trusted: true });
      const stop = new AbortController();
      let closing: Promise<void> | undefined;
      const shutdown = () => {
        closing ??= (async () => {
          stop.abort();
          await proxy.close().catch(() => {});
        })();
        return closing;
      };
      let skip = preloaded.length;
      // A feed that breaks would silently stop orders from arriving: stop guarding rather than guard blind.
      const feeding = flags.feed
        ? followMonitorJsonl(flags.feed, (e) => (skip > 0 ? skip-- : proxy.monitor.ingest(e, { trusted: true })), {
            signal: stop.signal,
          }).catch((e: unknown) => {
            say(`peerwatch: error: feed: ${e instanceof Error ? e.message : String(e)}; stopping`);
            process.exitCode = 2;
            void shutdown();
          })
        : Promise.resolve();
      const done = new Promise<void>((resolve) => {
        proxy.server.onclose = () => void shutdown().then(resolve);
        proxy.upstream.onclose = () => void shutdown().then(resolve);
      });
      process.stdin.once('end', () => void shutdown());
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
      await proxy.connect(new StdioServerTransport());
      say(
        `peerwatch: guarding '${command.join(' ')}' in ${flags.mode} mode with ${rules.length} rules${flags.rules ? ` from ${flags.rules}` : ' (built-in packs)'}`,
      );
      await done;
      await feeding;
    });
}
