/**
 * What `compute` gives for `key`, remembered in `cache` only when `key` is frozen: a frozen object
 * cannot change, so its answer cannot either, while anything else is computed again on every call.
 * A WeakMap cache goes with its keys.
 */
export function rememberedIfFrozen<K extends object, V>(cache: WeakMap<K, V>, key: K, compute: (key: K) => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = compute(key);
  if (Object.isFrozen(key)) cache.set(key, value);
  return value;
}
