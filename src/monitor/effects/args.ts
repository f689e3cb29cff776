/**
 * A tool call's arguments as shapes, whatever the tool and its argument names: the string and scalar
 * leaves, each with its key and its siblings (the other scalars of the same object).
 */

export interface Leaf {
  key: string;
  value: string | number | boolean | null;
  /** The other scalar values of the object (or array) holding this leaf. */
  siblings: ReadonlyArray<{ key: string; value: string | number | boolean | null }>;
}

const MAX_LEAVES = 2000;
/** One call's arguments are read by every check: walk them once. */
const cache = new WeakMap<object, Leaf[]>();

export function leaves(args: unknown): Leaf[] {
  if (args !== null && typeof args === 'object') {
    const hit = cache.get(args);
    if (hit) return hit;
    const walked = walkLeaves(args);
    cache.set(args, walked);
    return walked;
  }
  return walkLeaves(args);
}

function walkLeaves(args: unknown): Leaf[] {
  const out: Leaf[] = [];
  const walk = (v: unknown, depth: number) => {
    if (out.length >= MAX_LEAVES || depth > 32 || v === null || typeof v !== 'object') return;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    const scalars = entries
      .filter(([, x]) => x === null || ['string', 'number', 'boolean'].includes(typeof x))
      .map(([key, value]) => ({ key, value: value as Leaf['value'] }));
    for (const s of scalars) out.push({ key: s.key, value: s.value, siblings: scalars.filter((o) => o !== s) });
    for (const [, x] of entries) if (x !== null && typeof x === 'object') walk(x, depth + 1);
  };
  if (typeof args === 'string') out.push({ key: '', value: args, siblings: [] });
  else walk(args, 0);
  return out;
}

/** Pairs of strings in one object (`{oldText, newText}`, `{find, replace}`): candidate edits. */
export function stringPairs(args: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 32 || v === null || typeof v !== 'object') return;
    const strings = Object.values(v).filter((x): x is string => typeof x === 'string');
    if (!Array.isArray(v) && strings.length === 2) out.push([strings[0]!, strings[1]!]);
    for (const x of Object.values(v)) if (x !== null && typeof x === 'object') walk(x, depth + 1);
  };
  walk(args, 0);
  return out;
}

/** Object keys anywhere in the arguments with their scalar values (`{shutdown_enabled: false}`). */
export function keyedScalars(args: unknown): Array<{ key: string; value: Leaf['value'] }> {
  return leaves(args).filter((l) => !/^\d+$/.test(l.key));
}

/** All text the call carries, for claims (a report's body, a shell `echo`'s words). */
export function textOf(args: unknown): string {
  return leaves(args)
    .filter((l) => typeof l.value === 'string')
    .map((l) => l.value as string)
    .join('\n');
}

/** `shutdown_enabled`, `SHUTDOWN-ENABLED`, `shutdown.enabled`, `ops.shutdown_enabled`: one key. */
export function namesKey(written: string, key: string): boolean {
  if (written.length > 200) return false;
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const w = norm(written);
  const k = norm(key);
  if (w === k) return true;
  const leaf = key.split('.').pop()!;
  const parts = written.split(/[./:[\]]+/).filter(Boolean);
  return parts.length > 1 && (norm(parts[parts.length - 1]!) === norm(leaf) || norm(parts.slice(-2).join('')) === k);
}
