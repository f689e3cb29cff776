/** Text helpers shared by the extractors: markdown-insensitive, sentence-aware. */

/** Drop markdown emphasis, code ticks, heading marks and table pipes so `**Average score:** 60%` reads plainly. */
export function plain(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\*\*|__|[*`]/g, '')
    .replace(/^[ \t]*#{1,6}[ \t]*/gm, '')
    .replace(/\|/g, '  ');
}

/** Sentences and lines: decimals like `72.5` stay whole because a break needs whitespace after the stop. */
export function sentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The part of the line before `index`, cut at the last line or sentence break. */
export function sameLineBefore(text: string, index: number, max = 60): string {
  const before = text.slice(Math.max(0, index - max), index);
  const cut = Math.max(before.lastIndexOf('\n'), lastSentenceBreak(before));
  return cut >= 0 ? before.slice(cut + 1) : before;
}

/** The text from `index` to the next line or sentence break (at most `max` characters). */
export function sameLineAfter(text: string, index: number, max = 80): string {
  const after = text.slice(index, index + max);
  const nl = after.indexOf('\n');
  const stop = after.search(/[.!?]\s/);
  const ends = [nl, stop].filter((n) => n >= 0);
  return ends.length ? after.slice(0, Math.min(...ends)) : after;
}

function lastSentenceBreak(s: string): number {
  let last = -1;
  for (const m of s.matchAll(/[.!?]\s/g)) last = m.index ?? last;
  return last;
}

export function clip(s: string, max = 160): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

const WORD_NUMBERS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
export const WORD_NUMBER_PATTERN = Object.keys(WORD_NUMBERS).join('|');

export function parseCount(s: string): number | null {
  const lower = s.toLowerCase();
  if (/^\d+$/.test(lower)) return Number(lower);
  return WORD_NUMBERS[lower] ?? null;
}
