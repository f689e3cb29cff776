import { jsonTextOverLimits, valueOverLimits } from '../../core/index.js';
import { decodeTraceRequestProto } from './proto.js';
import { OtlpTraceRequest } from './schema.js';

export type OtlpEncoding = 'json' | 'protobuf';

/** A request the receiver refuses; `message` is what the sender is told (HTTP 400). */
export class OtlpInputError extends Error {}

/** The two OTLP/HTTP encodings, by Content-Type (parameters such as charset ignored); null for anything else. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return null;
}

/** Nesting allowed in a request (resource → scope → span → attribute → nested values). */
const MAX_DEPTH = 64;

const hex = (b64: unknown) => (typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('hex') : b64);

/** Protobuf ids are bytes (base64 after decoding); OTLP/JSON writes them as hex. */
function idsToHex(request: unknown): void {
  const rs = (request as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }> }).resourceSpans;
  for (const r of rs ?? [])
    for (const s of r.scopeSpans ?? [])
      for (const span of s.spans ?? []) {
        span.traceId = hex(span.traceId);
        span.spanId = hex(span.spanId);
        if (span.parentSpanId !== undefined) span.parentSpanId = hex(span.parentSpanId);
      }
}

/**
 * Decodes and validates one export request. Every failure is an `OtlpInputError` naming what is
 * wrong and where: the sender's data never reaches the monitor unvalidated, and nothing it sends
 * can make the receiver throw anything else.
 */
export function decodeTraceRequest(body: Uint8Array, encoding: OtlpEncoding): OtlpTraceRequest {
  let raw: unknown;
  if (encoding === 'json') {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    const over = jsonTextOverLimits(text, { maxDepth: MAX_DEPTH, maxChars: Number.MAX_SAFE_INTEGER });
    if (over) throw new OtlpInputError(`request: ${over.replace('the arguments are', 'the JSON is')}`);
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new OtlpInputError(`request: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  } else {
    try {
      raw = decodeTraceRequestProto(body);
    } catch (e) {
      throw new OtlpInputError(`request: not a protobuf ExportTraceServiceRequest (${e instanceof Error ? e.message : String(e)})`);
    }
    const over = valueOverLimits(raw, { maxDepth: MAX_DEPTH, maxChars: Number.MAX_SAFE_INTEGER });
    if (over) throw new OtlpInputError(`request: ${over}`);
    idsToHex(raw);
  }
  const parsed = OtlpTraceRequest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OtlpInputError(`request: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
