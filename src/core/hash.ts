import { createHash } from 'node:crypto';
import { rememberedIfFrozen } from './frozen-memo.js';

/**
 * RFC 8785 canonical JSON: the only form we ever hash or sign.
 *
 * Output and errors are the `canonicalize` package's (a property test holds them equal); this is the
 * same algorithm with native checks (`isWellFormed` instead of a per-character loop, a depth bound
 * instead of a Set per object), which made it several times faster on the sweep's hot path. Values
 * nested deeper than the bound are written by `serialiseIteratively`, with an explicit stack: any depth
 * an agent sends fits in memory, never on the call stack (the package recurses, and overflowed on
 * 3,000 nested arrays), and it names a cycle as the package does.
 */
export function canonicalJson(value: unknown): string {
  if (stringifiesCanonically(value, 0)) return JSON.stringify(value);
  let out: string | undefined;
  try {
    out = serialise(value, 0);
  } catch (e) {
    if (!(e instanceof TooDeep)) throw e;
    out = serialiseIteratively(value);
  }
  if (out === undefined) throw new TypeError('value cannot be canonicalised to JSON');
  return out;
}

const MAX_DEPTH = 256;
/** What JSON.stringify escapes in a well-formed string: quote, backslash, control characters. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
class TooDeep extends Error {}

/**
 * True when `JSON.stringify(v)` already is the canonical form, so the native serialiser can write it in
 * one pass: plain objects and arrays of well-formed strings, finite numbers, booleans and null, every
 * object's keys enumerating in ascending UTF-16 order (as the transcript builds its events). It only
 * reads, allocates nothing, and stops at the first thing it cannot vouch for; `serialise` handles that.
 */
function stringifiesCanonically(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      return v.isWellFormed();
    case 'number':
      return Number.isFinite(v);
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (depth >= MAX_DEPTH) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const a = v as unknown[];
    if (typeof (a as { toJSON?: unknown }).toJSON === 'function') return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      // A missing item is written as null by both.
      if (x !== undefined && !stringifiesCanonically(x, depth + 1)) return false;
    }
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.toJSON === 'function') return false;
  // for-in sees only own keys here (no enumerable inherited ones on these prototypes), in the order
  // JSON.stringify writes them: integer-like keys first, then insertion order.
  let prev: string | undefined;
  for (const key in o) {
    if ((prev !== undefined && !(prev < key)) || !key.isWellFormed()) return false;
    prev = key;
    const x = o[key];
    if (x !== undefined && !stringifiesCanonically(x, depth + 1)) return false;
  }
  return true;
}

function serialise(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      if (!v.isWellFormed()) throw new Error('Lone surrogate is not allowed');
      // Nothing to escape (the common case): quoting shares the string instead of copying it.
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
    case 'number':
      if (Number.isNaN(v)) throw new Error('NaN is not allowed');
      if (!Number.isFinite(v)) throw new Error('Infinity is not allowed');
      return JSON.stringify(v);
    case 'object':
      break;
    default:
      return JSON.stringify(v);
  }
  if (v === null) return 'null';
  if (depth >= MAX_DEPTH) throw new TooDeep();
  const o = v as Record<string, unknown> & { toJSON?: unknown };
  if (typeof o.toJSON === 'function') return serialise((o.toJSON as () => unknown)(), depth + 1);
  if (Array.isArray(o)) {
    let out = '[';
    for (let i = 0; i < o.length; i++) {
      const x: unknown = o[i];
      if (i > 0) out += ',';
      // As Array#join writes it: a missing item becomes the empty string.
      out += x === undefined || typeof x === 'symbol' ? 'null' : (serialise(x, depth + 1) ?? '');
    }
    return `${out}]`;
  }
  let out = '{';
  let first = true;
  for (const key of Object.keys(o).sort()) {
    const x = o[key];
    if (x === undefined || typeof x === 'symbol') continue;
    if (!first) out += ',';
    first = false;
    out += `${serialise(key, depth + 1)}:${serialise(x, depth + 1)}`;
  }
  return `${out}}`;
}

/** An array or object being written: its items still to go and its text so far. */
interface Open {
  array: boolean;
  src: Record<string, unknown> & ArrayLike<unknown>;
  keys: string[];
  i: number;
  out: string;
  /** This value and any whose toJSON produced it: on the current path until it is written. */
  owners: object[];
}

/**
 * `serialise` without recursion, for values of any depth: the same text and the same errors. Each
 * container is a frame on an array; a finished one appends its text to its parent's. Objects on the
 * path from the root are remembered, so a cycle is named rather than looped on.
 */
function serialiseIteratively(root: unknown): string | undefined {
  const onPath = new Set<object>();
  const stack: Open[] = [];
  // A leaf's text, or null once a frame for the container has been pushed.
  const open = (value: unknown): string | undefined | null => {
    let v = value;
    const owners: object[] = [];
    while (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      if (onPath.has(v)) throw new Error('Circular reference detected');
      onPath.add(v);
      owners.push(v);
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (typeof v !== 'object' || v === null) {
      for (const o of owners) onPath.delete(o);
      return serialise(v, 0);
    }
    if (onPath.has(v)) throw new Error('Circular reference detected');
    onPath.add(v);
    owners.push(v);
    const array = Array.isArray(v);
    const src = v as Open['src'];
    stack.push({ array, src, keys: array ? [] : Object.keys(v).sort(), i: 0, out: array ? '[' : '{', owners });
    return null;
  };
  const first = open(root);
  if (first !== null) return first;
  for (;;) {
    const f = stack[stack.length - 1] as Open;
    let descended = false;
    while (!descended) {
      if (f.array) {
        if (f.i >= f.src.length) break;
        const x = f.src[f.i];
        if (f.i++ > 0) f.out += ',';
        if (x === undefined || typeof x === 'symbol') f.out += 'null';
        else {
          const t = open(x);
          if (t === null) descended = true;
          else f.out += t ?? '';
        }
      } else {
        if (f.i >= f.keys.length) break;
        const key = f.keys[f.i++] as string;
        const x = f.src[key];
        if (x === undefined || typeof x === 'symbol') continue;
        if (f.out.length > 1) f.out += ',';
        f.out += `${serialise(key, 0)}:`;
        const t = open(x);
        if (t === null) descended = true;
        else f.out += `${t}`;
      }
    }
    if (descended) continue;
    stack.pop();
    for (const o of f.owners) onPath.delete(o);
    const text = `${f.out}${f.array ? ']' : '}'}`;
    const parent = stack[stack.length - 1];
    if (parent === undefined) return text;
    parent.out += text;
  }
}

const frozenLists = new WeakMap<readonly object[], string>();

/**
 * `canonicalJson(items)`, remembered for a frozen list: a rollout's digest and its stored transcript
 * are the same text. The whole list is written in one pass; writing each item on its own and joining
 * them (as this once did, remembering every item's text) cost twice as much CPU per transcript.
 */
export function canonicalJsonOfFrozenList(items: readonly object[]): string {
  return rememberedIfFrozen(frozenLists, items, canonicalJson);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of a value's canonical JSON, hex. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
