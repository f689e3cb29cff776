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
  return (text) => re.test(text);
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
