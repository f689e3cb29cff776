import { RE2JS } from 're2js';

/**
 * Rule patterns run on agent-controlled text, so they run on RE2 (re2js, a pure-JS port): matching
 * takes time linear in the input whatever the pattern, where a backtracking engine can take
 * exponential time (`^(a+)+$` against 38 characters froze the monitor for 30 s). The price is RE2's
 * syntax: no backreferences and no lookaround; such a pattern is refused when the rules are loaded.
 */
export type PatternTest = (text: string) => boolean;

/** Compiles a rule's pattern (flags: '' or 'i'); throws an Error naming what RE2 cannot do. */
export function compilePattern(source: string, flags = ''): PatternTest {
  const re = RE2JS.compile(source, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
  return literalTest(source, flags) ?? ((text) => re.test(text));
}

/** Characters that make a pattern more than a literal string. */
const META = /[\\.+*?()|[\]{}^$]/;

/**
 * A pattern that is plain text, optionally anchored at the start (`^weights:`), is a string test:
 * the same answer as RE2 at a fraction of its cost per call (re2js builds a matcher each time),
 * which keeps the built-in packs within the monitor's per-event budget.
 */
function literalTest(source: string, flags: string): PatternTest | null {
  const anchored = source.startsWith('^');
  const body = anchored ? source.slice(1) : source;
  if (META.test(body) || flags.includes('i')) return null;
  return anchored ? (text) => text.startsWith(body) : (text) => text.includes(body);
}

/** Why `source` is not a pattern a rule may use, or null. */
export function patternProblem(source: string, flags = ''): string | null {
  try {
    compilePattern(source, flags);
    return null;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return `${why} (rule patterns use RE2 syntax, which matches in linear time: no backreferences or lookaround)`;
  }
}
