import { jsonTextOverLimits } from '../../core/index.js';
import { BoundedMap } from '../engine/runtime.js';
import type { MonitorEvent } from '../event.js';
import { firstText, isoFromNanos, parseJsonText, plainAttributes } from './attributes.js';
import type { OtlpSpan, OtlpTraceRequest } from './schema.js';

/**
 * GenAI semantic conventions (and the AI SDK's own `ai.toolCall` spans) → monitor events. A tool
 * execution becomes the same `tool_call {tool, args, callId}` and `tool_result {tool, callId, ok,
 * output?}` pair the guard emits, so every rule reads OTLP traffic exactly as it reads guarded calls.
 */

/** Who acted: the agent the span names, else the AI SDK's function id. Searched on the span, then its ancestors. */
const IDENTITY_KEYS = ['gen_ai.agent.name', 'gen_ai.agent.id', 'ai.telemetry.functionId'];
/** The episode: a conversation id where the instrumentation records one, else the trace. */
const SESSION_KEYS = ['gen_ai.conversation.id', 'session.id', 'ai.telemetry.metadata.conversationId', 'ai.telemetry.metadata.sessionId'];
const TOOL_NAME = ['gen_ai.tool.name', 'ai.toolCall.name'];
const CALL_ID = ['gen_ai.tool.call.id', 'ai.toolCall.id'];
const ARGS = ['gen_ai.tool.call.arguments', 'ai.toolCall.args'];
const RESULT = ['gen_ai.tool.call.result', 'ai.toolCall.result'];
const EXCEPTION_EVENTS = new Set(['exception', 'gen_ai.execute_tool.exception']);
const STATUS_ERROR = 2;

export interface OtlpMapOptions {
  /** Put every span in this one session (to meet infrastructure events fed with that session). */
  session?: string;
  /** Who acted when neither the span nor its ancestors name an agent; before the resource's `service.name`. */
  identity?: string;
  /** Tool results longer than this are cut (default 10,000 characters, as the guard does). */
  maxOutputChars?: number;
  /** Spans remembered to drop re-sent duplicates (exporters retry), default 100,000. */
  maxRemembered?: number;
}

export interface OtlpMapStats {
  spans: number;
  toolExecutions: number;
  duplicates: number;
}

export interface OtlpMapper {
  /** The monitor events of one export request, tool executions in start-time order. */
  map(request: OtlpTraceRequest): MonitorEvent[];
  stats(): OtlpMapStats;
}

interface Execution {
  key: string;
  startNs: bigint;
  time: string;
  endTime: string;
  identity: string;
  session: string;
  tool: string;
  callId: string;
  args: unknown;
  ok: boolean;
  output: string | undefined;
  traceId: string;
  spanId: string;
}

interface SpanInfo {
  attrs: Record<string, unknown>;
  parent: string | undefined;
}

const nanos = (v: string | number | undefined): bigint => {
  try {
    return v === undefined ? 0n : BigInt(v);
  } catch {
    return 0n;
  }
};

const asText = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));

function isToolSpan(span: OtlpSpan, attrs: Record<string, unknown>): boolean {
  if (attrs['gen_ai.operation.name'] === 'execute_tool') return true;
  return attrs['ai.operationId'] === 'ai.toolCall' || (span.name === 'ai.toolCall' && attrs['ai.toolCall.name'] !== undefined);
}

/** Arguments as the rules read them; past the agent-value bounds, a note instead (as the guard does). */
function toolArgs(raw: unknown): unknown {
  if (typeof raw === 'string') {
    const over = jsonTextOverLimits(raw);
    return over === null ? parseJsonText(raw) : `[not scored: ${over}]`;
  }
  return raw ?? {};
}

export function createOtlpMapper(opts: OtlpMapOptions = {}): OtlpMapper {
  const maxOutput = opts.maxOutputChars ?? 10_000;
  const seen = new BoundedMap<string, true>(opts.maxRemembered ?? 100_000);
  const steps = new BoundedMap<string, number>(opts.maxRemembered ?? 100_000);
  const stats: OtlpMapStats = { spans: 0, toolExecutions: 0, duplicates: 0 };

  /** The first of `keys` on the span or, walking up, on an ancestor sent in the same request. */
  function inherited(spans: Map<string, SpanInfo>, start: SpanInfo, keys: readonly string[]): string | undefined {
    let at: SpanInfo | undefined = start;
    for (let hops = 0; at && hops < 64; hops++) {
      const v = firstText(at.attrs, keys);
      if (v !== undefined) return v;
      at = at.parent ? spans.get(at.parent) : undefined;
    }
    return undefined;
  }

  function execution(
    key: string,
    span: OtlpSpan,
    info: SpanInfo,
    spans: Map<string, SpanInfo>,
    resourceName: string | undefined,
    at: { startNs: bigint; time: string; endTime: string },
    attrs: Record<string, unknown>,
    failure: string | undefined,
  ): Execution {
    const identity = inherited(spans, info, IDENTITY_KEYS) ?? opts.identity ?? resourceName ?? 'agent';
    const session = opts.session ?? inherited(spans, info, SESSION_KEYS) ?? span.traceId;
    const result = asText(attrs[RESULT[0]!] ?? attrs[RESULT[1]!]);
    const ok = failure === undefined;
    const output = ok ? result : `Error: ${failure}`;
    return {
      key,
      ...at,
      identity,
      session,
      tool: firstText(attrs, TOOL_NAME) ?? '(unnamed)',
      callId: firstText(attrs, CALL_ID) ?? span.spanId,
      args: toolArgs(attrs[ARGS[0]!] ?? attrs[ARGS[1]!]),
      ok,
      output: output === undefined ? undefined : output.slice(0, maxOutput),
      traceId: span.traceId,
      spanId: span.spanId,
    };
  }

  function failureOf(span: OtlpSpan, attrs: Record<string, unknown>): string | undefined {
    for (const ev of span.events ?? []) {
      if (!EXCEPTION_EVENTS.has(ev.name)) continue;
      const a = plainAttributes(ev.attributes);
      return firstText(a, ['exception.message', 'error.message', 'exception.type', 'error.type']) ?? ev.name;
    }
    if (span.status?.code === STATUS_ERROR) return span.status.message || firstText(attrs, ['error.type']) || 'the span ended in error';
    const errorType = firstText(attrs, ['error.type']);
    return errorType === undefined ? undefined : errorType;
  }

  return {
    map(request) {
      const found: Execution[] = [];
      for (const rs of request.resourceSpans ?? []) {
        const resourceName = firstText(plainAttributes(rs.resource?.attributes), ['service.name']);
        const spans = new Map<string, SpanInfo>();
        const all: Array<[OtlpSpan, SpanInfo]> = [];
        for (const ss of rs.scopeSpans ?? [])
          for (const span of ss.spans ?? []) {
            const info = { attrs: plainAttributes(span.attributes), parent: span.parentSpanId || undefined };
            spans.set(span.spanId, info);
            all.push([span, info]);
          }
        for (const [span, info] of all) {
          stats.spans++;
          const startNs = nanos(span.startTimeUnixNano);
          const time = isoFromNanos(span.startTimeUnixNano) ?? new Date().toISOString();
          const endTime = isoFromNanos(span.endTimeUnixNano) ?? time;
          if (isToolSpan(span, info.attrs)) {
            const key = `${span.traceId}:${span.spanId}`;
            found.push(
              execution(key, span, info, spans, resourceName, { startNs, time, endTime }, info.attrs, failureOf(span, info.attrs)),
            );
          }
          // A tool execution recorded as a span event (frameworks that log rather than open a span).
          (span.events ?? []).forEach((ev, i) => {
            const attrs = plainAttributes(ev.attributes);
            if (firstText(attrs, ['gen_ai.tool.name']) === undefined || EXCEPTION_EVENTS.has(ev.name)) return;
            const evNs = nanos(ev.timeUnixNano) || startNs;
            const evTime = isoFromNanos(ev.timeUnixNano) ?? time;
            const failure = firstText(attrs, ['error.type', 'exception.message']);
            const key = `${span.traceId}:${span.spanId}:${i}`;
            found.push(execution(key, span, info, spans, resourceName, { startNs: evNs, time: evTime, endTime: evTime }, attrs, failure));
          });
        }
      }
      found.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
      const events: MonitorEvent[] = [];
      for (const x of found) {
        if (seen.get(x.key)) {
          stats.duplicates++;
          continue;
        }
        seen.set(x.key, true);
        stats.toolExecutions++;
        const stepKey = `${x.session}\u0000${x.identity}`;
        const step = (steps.get(stepKey) ?? -1) + 1;
        steps.set(stepKey, step);
        const base = { identity: x.identity, step, session: x.session };
        const trace = { traceId: x.traceId, spanId: x.spanId };
        events.push({
          kind: 'tool_call',
          ...base,
          time: x.time,
          ref: `span:${x.key}`,
          fields: { tool: x.tool, args: x.args, callId: x.callId, ...trace },
        });
        events.push({
          kind: 'tool_result',
          ...base,
          time: x.endTime,
          ref: `span:${x.key}:result`,
          fields: { tool: x.tool, callId: x.callId, ok: x.ok, ...(x.output === undefined ? {} : { output: x.output }), ...trace },
        });
      }
      return events;
    },
    stats: () => ({ ...stats }),
  };
}
