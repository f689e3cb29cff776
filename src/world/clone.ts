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

/** Past this depth the rest is copied by `copyDeep`, which handles any depth and cycles. */
const MAX_DEPTH = 64;

function copy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= MAX_DEPTH) return copyDeep(v);
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
 * `copy` for what lies deeper than MAX_DEPTH, with an explicit stack instead of the call stack
 * (structuredClone, used here before, recurses natively and overflowed on 100,000 nested arrays).
 * Shared and cyclic objects stay shared and cyclic in the copy, as structuredClone keeps them;
 * anything not plain data still goes to structuredClone.
 */
function copyDeep(root: object): unknown {
  const copies = new Map<object, unknown>();
  const pending: object[] = [];
  const copyOf = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const known = copies.get(v);
    if (known !== undefined) return known;
    const proto: unknown = Object.getPrototypeOf(v);
    let out: unknown;
    if (proto === Array.prototype) out = new Array<unknown>((v as unknown[]).length);
    else if (proto === Object.prototype || proto === null) out = {};
    else out = structuredClone(v);
    copies.set(v, out);
    if (proto === Array.prototype || proto === Object.prototype || proto === null) pending.push(v);
    return out;
  };
  const top = copyOf(root);
  while (pending.length > 0) {
    const v = pending.pop() as Record<string, unknown>;
    const out = copies.get(v) as Record<string, unknown>;
    for (const key of Object.keys(v)) {
      const x = copyOf(v[key]);
      if (key === '__proto__') Object.defineProperty(out, key, { value: x, enumerable: true, writable: true, configurable: true });
      else out[key] = x;
    }
  }
  return top;
}

/**
 * Freezes plain data all the way down, with an explicit stack (any depth, cycles included). An
 * object already frozen is still walked: freezing is shallow, so what it holds may not be.
 */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    Object.freeze(v);
    for (const x of Object.values(v)) stack.push(x);
  }
  return value;
}
