import { UserError } from '../core/index.js';

/** How many candidates an ambiguous-prefix error lists. */
export const AMBIGUOUS_SHOWN = 5;

export function resolvePrefix(
  prefix: string,
  what: 'run' | 'rollout',
  candidates: (lo: string, hi: string) => string[],
): string | undefined {
  if (prefix.length === 0) throw new UserError(`empty ${what} id`);
  // Every string starting with `prefix` sorts below prefix + U+10FFFF (the largest code point).
  const found = candidates(prefix, `${prefix}\u{10FFFF}`);
  if (found.includes(prefix)) return prefix; // an exact id wins over longer ids it prefixes
  if (found.length <= 1) return found[0];
  const shown = found.slice(0, AMBIGUOUS_SHOWN).join(', ');
  const more = found.length > AMBIGUOUS_SHOWN ? ', ...' : '';
  throw new UserError(`${what} id prefix '${prefix}' is ambiguous: matches ${shown}${more}`);
}

export function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
