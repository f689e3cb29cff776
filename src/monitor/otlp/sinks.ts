import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import PQueue from 'p-queue';
import { jsonForTerminal, UserError } from '../../core/index.js';
import type { MonitorFinding } from '../finding.js';

/**
 * Where findings go. `write` never blocks and never throws (a sink that fails reports through
 * `onError`, the receiver keeps receiving); `close` delivers what is pending, within its own timeouts.
 */
export interface FindingSink {
  write(finding: MonitorFinding): void;
  close(): Promise<void>;
}

export type SinkErrorHandler = (message: string) => void;

/**
 * One finding per line as JSON, to a file (appended) or a stream such as stdout. The file is opened
 * now, so a path that cannot be written is a clear error before anything is received.
 */
export function jsonlSink(target: string | NodeJS.WritableStream, onError?: SinkErrorHandler): FindingSink {
  let out: NodeJS.WritableStream;
  if (typeof target === 'string') {
    let fd: number;
    try {
      fd = openSync(target, 'a');
    } catch (e) {
      throw new UserError(`${target}: cannot write findings there (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    out = createWriteStream('', { fd });
  } else out = target;
  let failed = false;
  out.on('error', (e: Error) => {
    if (!failed) onError?.(`findings file: ${e.message}; findings still go to the other outputs`);
    failed = true;
  });
  return {
    // Findings quote agent input: control characters are escaped in case the file is read on a terminal.
    write: (f) => {
      if (!failed) out.write(`${jsonForTerminal(JSON.stringify(f))}\n`);
    },
    close: () =>
      typeof target === 'string' && !failed ? new Promise<void>((resolve) => (out as WriteStream).end(() => resolve())) : Promise.resolve(),
  };
}

export interface WebhookOptions {
  url: string;
  /** Per attempt (default 5,000 ms). */
  timeoutMs?: number;
  /** Further attempts after a network error, a timeout, 429 or 5xx (default 3). */
  retries?: number;
  /** First wait between attempts, doubled each time (default 500 ms). */
  backoffMs?: number;
  /** Findings waiting beyond this are dropped, counted and reported (default 10,000). */
  maxPending?: number;
  /** Extra headers (e.g. authorization). */
  headers?: Record<string, string>;
  onError?: SinkErrorHandler;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs each finding as JSON to a URL, in the background: a slow or dead endpoint delays only the
 * webhook's own queue (bounded), never the receiver, and a finding it could not deliver is reported.
 */
export function webhookSink(o: WebhookOptions): FindingSink & { stats(): { delivered: number; failed: number; dropped: number } } {
  const timeoutMs = o.timeoutMs ?? 5_000;
  const retries = o.retries ?? 3;
  const backoffMs = o.backoffMs ?? 500;
  const maxPending = o.maxPending ?? 10_000;
  const queue = new PQueue({ concurrency: 4 });
  const counts = { delivered: 0, failed: 0, dropped: 0 };
  const report = (m: string) => {
    try {
      o.onError?.(m);
    } catch {
      // a reporter that throws must not take the receiver down
    }
  };

  async function deliver(body: string, ruleId: string): Promise<void> {
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
      try {
        const res = await fetch(o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...o.headers },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          counts.delivered++;
          return;
        }
        last = `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500) break; // the endpoint refuses it: retrying will not help
      } catch (e) {
        last =
          e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e instanceof Error ? e.message : String(e);
      }
    }
    counts.failed++;
    report(`webhook: finding ${ruleId} not delivered to ${o.url} (${last})`);
  }

  return {
    write(f) {
      if (queue.size + queue.pending >= maxPending) {
        counts.dropped++;
        report(`webhook: ${maxPending} findings already waiting; dropped ${f.ruleId}`);
        return;
      }
      void queue.add(() => deliver(JSON.stringify(f), f.ruleId)).catch(() => undefined);
    },
    close: () => queue.onIdle(),
    stats: () => ({ ...counts }),
  };
}

export interface OtelLogOptions {
  /** OTLP/HTTP logs endpoint, e.g. http://127.0.0.1:4318/v1/logs. */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** `service.name` of the records' resource (default `peerwatch-monitor`). */
  serviceName?: string;
}

const SEVERITY: Record<MonitorFinding['severity'], [SeverityNumber, string]> = {
  info: [SeverityNumber.INFO, 'INFO'],
  low: [SeverityNumber.INFO2, 'INFO'],
  medium: [SeverityNumber.WARN, 'WARN'],
  high: [SeverityNumber.ERROR, 'ERROR'],
  critical: [SeverityNumber.FATAL, 'FATAL'],
};

/**
 * Each finding as an OpenTelemetry log record (event `peerwatch.finding`), batched and exported
 * over OTLP/HTTP by the OpenTelemetry SDK, so findings land next to the traces they came from.
 */
export function otelLogSink(o: OtelLogOptions): FindingSink {
  const exporter = new OTLPLogExporter({
    url: o.url,
    ...(o.headers ? { headers: o.headers } : {}),
    timeoutMillis: o.timeoutMs ?? 10_000,
  });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName ?? 'peerwatch-monitor' }),
    processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 1_000 })],
  });
  const logger = provider.getLogger('peerwatch.monitor');
  return {
    write(f) {
      const [severityNumber, severityText] = SEVERITY[f.severity];
      const time = Date.parse(f.time);
      logger.emit({
        eventName: 'peerwatch.finding',
        ...(Number.isNaN(time) ? {} : { timestamp: time }),
        severityNumber,
        severityText,
        body: f.explanation,
        attributes: {
          'peerwatch.rule.id': f.ruleId,
          'peerwatch.rule.version': f.ruleVersion,
          'peerwatch.rule.digest': f.ruleDigest,
          'peerwatch.severity': f.severity,
          'peerwatch.block': f.block,
          'peerwatch.tags': f.tags,
          'peerwatch.identity': f.identity,
          'peerwatch.events': f.events,
          'peerwatch.step': f.step,
          ...(f.subject === null ? {} : { 'peerwatch.subject': f.subject }),
          ...(f.session === null ? {} : { 'peerwatch.session': f.session }),
          'peerwatch.finding': JSON.stringify(f),
        },
      });
    },
    close: () => provider.shutdown(),
  };
}

/** Writes to every sink; one that throws is reported and does not stop the others. */
export function fanOut(sinks: readonly FindingSink[], onError?: SinkErrorHandler): FindingSink {
  return {
    write(f) {
      for (const s of sinks) {
        try {
          s.write(f);
        } catch (e) {
          onError?.(`finding sink failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    },
    close: async () => {
      await Promise.all(sinks.map((s) => s.close().catch((e: unknown) => onError?.(`closing a finding sink: ${String(e)}`))));
    },
  };
}
