import { z } from 'zod';

/**
 * OTLP/JSON trace export requests (`POST /v1/traces`), the fields the receiver reads. Unknown fields
 * (links, dropped counts, flags, schema URLs) are accepted and ignored, as OTLP asks of receivers.
 * A decoded protobuf request is brought to this same shape first (decode.ts).
 */

/** OTLP/JSON writes 64-bit integers as decimal strings; numbers are accepted too. */
const Int64 = z.union([z.string().regex(/^-?\d{1,20}$/, 'expected an integer'), z.number().int()]);
/** Doubles may be written as the strings NaN / Infinity / -Infinity. */
const Double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const HexId = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `expected ${bytes * 2} hex digits`)
    .transform((s) => s.toLowerCase());

// Recursive through getters (zod 4's form for recursive objects), which validates faster than z.lazy.
export const AnyValue = z.object({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: Int64.optional(),
  doubleValue: Double.optional(),
  get arrayValue() {
    return z.object({ values: z.array(AnyValue).optional() }).optional();
  },
  get kvlistValue() {
    return z.object({ values: z.array(KeyValue).optional() }).optional();
  },
  bytesValue: z.string().optional(),
});
export const KeyValue = z.object({
  key: z.string(),
  get value() {
    return AnyValue.optional();
  },
});

const Attributes = z.array(KeyValue).optional();

export const OtlpSpanEvent = z.object({
  timeUnixNano: Int64.optional(),
  name: z.string(),
  attributes: Attributes,
});

export const OtlpSpan = z.object({
  traceId: HexId(16),
  spanId: HexId(8),
  parentSpanId: z.union([HexId(8), z.literal('')]).optional(),
  name: z.string(),
  kind: z.number().int().optional(),
  startTimeUnixNano: Int64.optional(),
  endTimeUnixNano: Int64.optional(),
  attributes: Attributes,
  events: z.array(OtlpSpanEvent).optional(),
  /** code: 0 unset, 1 ok, 2 error. */
  status: z.object({ code: z.number().int().optional(), message: z.string().optional() }).optional(),
});
export type OtlpSpan = z.infer<typeof OtlpSpan>;

export const OtlpTraceRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: Attributes }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
              spans: z.array(OtlpSpan).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});
export type OtlpTraceRequest = z.infer<typeof OtlpTraceRequest>;
export type OtlpAnyValue = z.infer<typeof AnyValue>;
export type OtlpKeyValue = z.infer<typeof KeyValue>;
