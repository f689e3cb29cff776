import { type Command, InvalidArgumentError } from 'commander';
import { forTerminal, UserError } from '../../core/index.js';
import {
  BUILTIN_RULES,
  createMonitor,
  followMonitorJsonl,
  loadRulesFile,
  type MonitorFinding,
  readMonitorJsonl,
  type Rule,
  DEFAULT_MAX_BODY_BYTES,
  type FindingSink,
  fanOut,
  jsonlSink,
  otelLogSink,
  startOtlpReceiver,
  webhookSink,
} from '../../monitor/index.js';

interface ServeFlags {
  otlp: string;
  out?: string;
  webhook?: string;
  webhookTimeout: number;
  webhookRetries: number;
  otelLogs?: string;
  session?: string;
  identity?: string;
  feed?: string;
  maxBody: number;
}

// stdout carries the findings (JSON Lines) unless --out names a file; everything else goes to stderr.
const say = (line: string) => process.stderr.write(`${forTerminal(line)}\n`);

/** `host:port`, `[v6]:port` or a bare port (on 127.0.0.1); port 0 picks a free one. */
export function parseListenAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value) ?? /^()()(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65_535)
    throw new UserError(`--otlp: expected host:port (e.g. 127.0.0.1:4318, or port 0 for any free one), got '${value}'`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

const positiveInt =
  (what: string, min = 1) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${what}: expected an integer ≥ ${min}, got '${v}'`);
    return n;
  };

const httpUrl = (v: string) => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new InvalidArgumentError(`expected an http(s) URL, got '${v}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError(`expected an http(s) URL, got '${v}'`);
  return u.toString();
};

/**
 * `peerwatch monitor serve --otlp 127.0.0.1:4318`: an OTLP/HTTP trace receiver. GenAI tool
 * executions in the traces are scored by the same monitor and rules as the guard; findings go to
 * JSON Lines, a webhook and OpenTelemetry log records.
 */
export function registerMonitorServeCommand(monitor: Command): void {
  monitor
    .command('serve')
    .description(
      "Receive OpenTelemetry traces over OTLP/HTTP (POST /v1/traces, JSON or protobuf) from any agent stack and score their GenAI tool executions (gen_ai.* execute_tool spans, the AI SDK's ai.toolCall spans) with the meta-monitor (--rules, default the built-in packs). Findings print as JSON Lines on stdout (or --out), and go to --webhook and --otel-logs; until Ctrl-C.",
    )
    .option('--otlp <host:port>', 'where to listen (port 0: any free port; the URL is printed on stderr)', '127.0.0.1:4318')
    .option('--out <file>', 'append findings as JSON Lines to this file instead of stdout')
    .option('--webhook <url>', 'also POST each finding as JSON to this URL (in the background, with retries)', httpUrl)
    .option('--webhook-timeout <ms>', 'time per webhook attempt', positiveInt('--webhook-timeout'), 5_000)
    .option('--webhook-retries <n>', 'further webhook attempts after a failure', positiveInt('--webhook-retries', 0), 3)
    .option(
      '--otel-logs <url>',
      'also export each finding as an OpenTelemetry log record to this OTLP/HTTP logs endpoint (…/v1/logs)',
      httpUrl,
    )
    .option('--session <id>', 'score every span in this one session (default: per conversation id, else per trace)')
    .option('--identity <name>', "who acted when a span names no agent (default: the resource's service.name)")
    .option(
      '--feed <events.jsonl>',
      'also score infrastructure events (orders, alerts, egress) from this JSON Lines file, following it as it grows',
    )
    .option(
      '--max-body <bytes>',
      'largest request accepted (compressed or not); larger gets 413',
      positiveInt('--max-body'),
      DEFAULT_MAX_BODY_BYTES,
    )
    .action(async (flags: ServeFlags, cmd: Command) => {
      const parent = cmd.parent?.opts() as { rules?: string } | undefined;
      const listen = parseListenAddress(flags.otlp);
      if (flags.session !== undefined && flags.session === '') throw new UserError('--session: must not be empty');
      const rules: readonly Rule[] = parent?.rules ? await loadRulesFile(parent.rules) : BUILTIN_RULES;
      const preloaded = flags.feed ? await readMonitorJsonl(flags.feed) : [];
      const sinks: FindingSink[] = [jsonlSink(flags.out ?? process.stdout, say)];
      if (flags.webhook)
        sinks.push(webhookSink({ url: flags.webhook, timeoutMs: flags.webhookTimeout, retries: flags.webhookRetries, onError: say }));
      if (flags.otelLogs) sinks.push(otelLogSink({ url: flags.otelLogs }));
      const sink = fanOut(sinks, say);
      let findings = 0;
      const monitor = createMonitor({
        rules,
        onFinding: (f: MonitorFinding) => {
          findings++;
          sink.write(f);
        },
      });
      for (const e of preloaded) monitor.ingest(e, { trusted: true });
      const receiver = await startOtlpReceiver({
        monitor,
        host: listen.host,
        port: listen.port,
        maxBodyBytes: flags.maxBody,
        mapping: { ...(flags.session ? { session: flags.session } : {}), ...(flags.identity ? { identity: flags.identity } : {}) },
        onError: (m) => say(`peerwatch: ${m}`),
      });
      say(
        `peerwatch: OTLP receiver listening on ${receiver.url} with ${rules.length} rules${parent?.rules ? ` from ${parent.rules}` : ' (built-in packs)'} (Ctrl-C to stop)`,
      );
      const stop = new AbortController();
      let skip = preloaded.length;
      // A feed that breaks would silently stop orders from arriving: stop scoring rather than score blind.
      const feeding = flags.feed
        ? followMonitorJsonl(flags.feed, (e) => (skip > 0 ? skip-- : monitor.ingest(e, { trusted: true })), { signal: stop.signal }).catch(
            (e: unknown) => {
              say(`peerwatch: error: feed: ${e instanceof Error ? e.message : String(e)}; stopping`);
              process.exitCode = 2;
              stop.abort();
            },
          )
        : Promise.resolve();
      await new Promise<void>((resolve) => {
        if (stop.signal.aborted) return resolve();
        stop.signal.addEventListener('abort', () => resolve(), { once: true });
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
      });
      await receiver.close();
      await feeding;
      // Sessions still open are decided now (absences, gaps), and their findings delivered too.
      monitor.flush();
      await sink.close();
      const s = receiver.stats();
      say(
        `peerwatch: ${findings} finding${findings === 1 ? '' : 's'} from ${s.toolExecutions} tool executions in ${s.spans} spans (${s.requests} requests, ${s.rejected} refused, ${s.duplicates} duplicate spans ignored)`,
      );
    });
}
