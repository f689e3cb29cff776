/** Builders for OTLP/JSON trace requests, written from the OTLP/JSON encoding (hex ids, string nanos). */

export type AttrValue = string | number | boolean | AttrValue[] | { [k: string]: AttrValue };

export function anyValue(v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: attrs(v) } };
}

export const attrs = (o: Record<string, AttrValue>) => Object.entries(o).map(([key, v]) => ({ key, value: anyValue(v) }));

export interface SpanSpec {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name?: string;
  /** Milliseconds after 2026-02-09T09:00:00Z. */
  startMs?: number;
  endMs?: number;
  attributes?: Record<string, AttrValue>;
  events?: Array<{ name: string; atMs?: number; attributes?: Record<string, AttrValue> }>;
  status?: { code: number; message?: string };
}

export const TRACE = '0af7651916cd43dd8448eb211c80319c';
const BASE_MS = Date.UTC(2026, 1, 9, 9, 0, 0);
const nanos = (ms: number) => (BigInt(BASE_MS + ms) * 1_000_000n).toString();
/** A 16-hex-digit span id from a small number. */
export const sid = (n: number) => n.toString(16).padStart(16, '0');

export function span(s: SpanSpec): Record<string, unknown> {
  return {
    traceId: s.traceId ?? TRACE,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name ?? 'span',
    kind: 1,
    startTimeUnixNano: nanos(s.startMs ?? 0),
    endTimeUnixNano: nanos(s.endMs ?? (s.startMs ?? 0) + 5),
    attributes: attrs(s.attributes ?? {}),
    ...(s.events
      ? { events: s.events.map((e) => ({ name: e.name, timeUnixNano: nanos(e.atMs ?? 0), attributes: attrs(e.attributes ?? {}) })) }
      : {}),
    ...(s.status ? { status: s.status } : {}),
  };
}

export function request(spans: Array<Record<string, unknown>>, resource: Record<string, AttrValue> = { 'service.name': 'py-agent' }) {
  return { resourceSpans: [{ resource: { attributes: attrs(resource) }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
}

/** A GenAI semantic-conventions tool execution span. */
export function executeTool(
  spanId: string,
  tool: string,
  args: unknown,
  extra: Record<string, AttrValue> = {},
  more: Partial<SpanSpec> = {},
): Record<string, unknown> {
  return span({
    spanId,
    name: `execute_tool ${tool}`,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': tool,
      'gen_ai.tool.call.id': `call-${spanId.slice(-4)}`,
      'gen_ai.tool.call.arguments': JSON.stringify(args),
      ...extra,
    },
    ...more,
  });
}
