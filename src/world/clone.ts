/**
 * A deep copy of the world's plain data (objects, arrays, strings, numbers, booleans, null), as
 * `structuredClone` makes it but without its serialise-and-rebuild round trip, and sharing strings,
 * which cannot change. Snapshots and tool answers are copied on every turn of every rollout, and this
 * was several times faster. Anything else (a Date, a Map, a class instance) is left to structuredClone,
 * so the result never shares a mutable object with the original.
 */
export function clonePlain<T>(value: T): T {
  return copy(value, 0) as T;
}

/** Past this depth the rest goes to structuredClone, which handles any depth and cycles. */
const MAX_DEPTH = 64;

function copy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= MAX_DEPTH) return structuredClone(v);
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const a = v as unknown[];
    const out = new Array<unknown>(a.length);
    for (let i = 0; i < a.length; i++) out[i] = copy(a[i], depth + 1);
    return out;
  }
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    const x = copy(o[key], depth + 1);
    // A key named __proto__ must stay an ordinary key, which assignment would not make it.
    if (key === '__proto__') Object.defineProperty(out, key, { value: x, enumerable: true, writable: true, configurable: true });
    else out[key] = x;
  }
  return out;
}

/**
 * Freezes plain data all the way down. An object already frozen is still walked: freezing is shallow,
 * so what it holds may not be.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
