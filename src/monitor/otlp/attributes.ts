import type { OtlpAnyValue, OtlpKeyValue } from './schema.js';

/** One OTLP AnyValue as a plain value: integers past 2^53 stay decimal strings, bytes stay base64. */
export function plainValue(v: OtlpAnyValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return typeof v.doubleValue === 'number' ? v.doubleValue : Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(plainValue);
  if (v.kvlistValue !== undefined) return plainAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return undefined;
}

/** Key-value pairs as a record; `Object.fromEntries` defines own properties, so a key named `__proto__` is just a key. */
export function plainAttributes(kvs: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, plainValue(kv.value)]));
}

/** The first of `keys` that holds a non-empty string or a number (as text). */
export function firstText(attrs: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

/**
 * Tool arguments as the rules expect them (an object to read `args.key` from). Instrumentations
 * record them as a JSON string; text that is not JSON stays text, so nothing the agent sent is lost.
 */
export function parseJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** Nanoseconds since the epoch (decimal string or number) as ISO 8601; undefined when absent or zero. */
export function isoFromNanos(ns: string | number | undefined): string | undefined {
  if (ns === undefined) return undefined;
  let ms: number;
  try {
    ms = Number(BigInt(ns) / 1_000_000n);
  } catch {
    return undefined;
  }
  if (!(ms > 0)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
