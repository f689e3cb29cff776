/**
 * Glob matching for patterns the agent writes (an sftp line, a replayed Glob tool, a path argument the
 * monitor reads), with no regular expression: one built from `*a*a*a*a*a*a*a*a*a*a*b` backtracks for
 * 38 s on a name of 40 `a`s, holding the event loop. Both walks below remember only the last star (the
 * classic wildcard match), so each takes at most pattern × input steps whatever the pattern.
 */

/**
 * Whether a name matches one glob part (`*`, `?`, `[a-z]`, `[!x]`) as glob(3) matches it: a leading
 * dot only by a leading dot (unless `dot`). Plain, with no inner functions and nothing from outside:
 * the sftp shim carries its source (src/harness/shims.ts).
 */
export function globPartMatch(pattern: string, name: string, dot = false): boolean {
  if (!dot && name.startsWith('.') && !pattern.startsWith('.')) return false;
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (pattern.charAt(p) === '*') {
      star = p++;
      mark = n;
      continue;
    }
    if (p < pattern.length) {
      // One character of the name: `?`, a class `[...]` (a `]` right after `[` or `[!` is in it), or itself.
      const c = pattern.charAt(p);
      const ch = name.charAt(n);
      const close = c === '[' ? pattern.indexOf(']', p + 2) : -1;
      let width = 1;
      let ok = c === '?' || c === ch;
      if (close > 0) {
        let set = pattern.slice(p + 1, close);
        const negate = set.startsWith('!') || set.startsWith('^');
        if (negate) set = set.slice(1);
        let inSet = false;
        for (let k = 0; k < set.length && !inSet; k++) {
          if (set.charAt(k + 1) === '-' && k + 2 < set.length) {
            inSet = set.charAt(k) <= ch && ch <= set.charAt(k + 2);
            k += 2;
          } else inSet = set.charAt(k) === ch;
        }
        ok = inSet !== negate;
        width = close - p + 1;
      }
      if (ok) {
        p += width;
        n++;
        continue;
      }
    }
    // A mismatch: the last `*` takes one more character, or there is none to take it.
    if (star < 0) return false;
    p = star + 1;
    n = ++mark;
  }
  while (pattern.charAt(p) === '*') p++;
  return p === pattern.length;
}

/*
 * A path glob (`**\/*.py`, `src/{a,b}/*.ts`) as picomatch matches it: parts by globPartMatch, `**`
 * by the same last-star walk over whole parts; no dot names unless the part starts with a dot, or `dot`.
 */

/** At most this many patterns from one pattern's braces; past it the rest are not tried. */
export const MAX_BRACE_EXPANSIONS = 256;

/**
 * `a{b,c{d,e}}f` as `abf`, `acdf`, `acef` (comma lists only; a `{...}` without a comma of its own stays
 * as typed), at most `limit` of them: depth first, so the first come at once however many there could be.
 */
export function expandBraces(pattern: string, limit = MAX_BRACE_EXPANSIONS): string[] {
  const out: string[] = [];
  const stack = [pattern];
  while (stack.length && out.length < limit) {
    const p = stack.pop() as string;
    const group = outermostGroup(p);
    if (!group) {
      out.push(p);
      continue;
    }
    for (let i = group.alternatives.length - 1; i >= 0; i--)
      stack.push(p.slice(0, group.start) + group.alternatives[i] + p.slice(group.end + 1));
  }
  return out;
}

/** The leftmost outermost `{...}` with a comma at its own level (one pass): where it opens and closes, and its alternatives. */
function outermostGroup(p: string): { start: number; end: number; alternatives: string[] } | null {
  const open: Array<{ start: number; commas: number[] }> = [];
  let best: { start: number; end: number; commas: number[] } | null = null;
  for (let i = 0; i < p.length; i++) {
    const c = p.charAt(i);
    if (c === '{') open.push({ start: i, commas: [] });
    else if (c === ',') open.at(-1)?.commas.push(i);
    else if (c === '}') {
      const g = open.pop();
      if (g?.commas.length && (best === null || g.start < best.start)) best = { start: g.start, end: i, commas: g.commas };
    }
  }
  if (!best) return null;
  const cuts = [best.start, ...best.commas, best.end];
  return { start: best.start, end: best.end, alternatives: cuts.slice(1).map((at, k) => p.slice((cuts[k] as number) + 1, at)) };
}

/** Whether `path` (split at `/`) matches one brace-free pattern (split the same way). */
function matchParts(pattern: string[], path: string[], dot: boolean): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < path.length) {
    if (pattern[p] === '**') {
      star = p++;
      mark = n;
      continue;
    }
    if (p < pattern.length && globPartMatch(pattern[p] as string, path[n] as string, dot)) {
      p++;
      n++;
      continue;
    }
    // `**` takes one more part, a dot name only with `dot` (as picomatch's globstar).
    if (star < 0 || (!dot && (path[mark] as string).startsWith('.'))) return false;
    p = star + 1;
    n = ++mark;
  }
  while (pattern[p] === '**') p++;
  return p === pattern.length;
}

/**
 * A matcher for one pattern (braces expanded once). `dot`: `*`, `?` and `**` match names that start
 * with a dot too (picomatch's `dot` option).
 */
export function globPathMatcher(pattern: string, { dot = false } = {}): (path: string) => boolean {
  const patterns = expandBraces(pattern).map((p) => p.split('/'));
  return (path) => {
    const parts = path.split('/');
    return patterns.some((p) => matchParts(p, parts, dot));
  };
}
