/** Edit distance (insert, delete, substitute, swap of neighbours): how far a typo is from a name. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name nearest to `given`, when it is near enough to be a typo (or a prefix/part of it):
 * at most a third of its length away. Ties go to the first in `known`.
 */
export function nearest(given: string, known: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  const contained = known.filter((k) => k.includes(g) || g.includes(k));
  if (g.length >= 3 && contained.length === 1) return contained[0];
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(g, k.toLowerCase());
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(1, Math.floor(given.length / 3)) ? best.name : undefined;
}
