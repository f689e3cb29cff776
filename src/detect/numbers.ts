/**
 * Numbers as models write them, rewritten to the ASCII digits the extractors match: number words
 * ("eighty-five", "seventy-two point five", "a hundred"), word fractions ("seventeen twentieths"),
 * per-cent phrases ("per cent", "pct"), full-width and other Unicode digits ("８５％", "٨٥"), Unicode
 * fractions ("½", "¹⁷⁄₂₀") and Roman numerals in a number's place ("XVII out of XX").
 *
 * Each rewrite is recorded, so evidence can show what the agent actually wrote. Rewrites that could
 * turn prose into a number are held back: a lone "one" (a pronoun as often as a count) only before a
 * count or per-cent word, a Roman numeral only where a number stands (a count, a per-cent, or after a
 * score label; a single letter only in a count; after a label only up to C, 100), never the pronoun
 * "I", and never X, XX or XXX outside a denominator (template placeholders: "Average score: XX%").
 * Used by score extraction and by the monitor's claims.
 */
import { numericQuantity } from 'numeric-quantity';

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'] as const;
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] as const;
const SMALL: Record<string, number> = {};
UNITS.forEach((w, i) => {
  SMALL[w] = i;
});
TEENS.forEach((w, i) => {
  SMALL[w] = 10 + i;
});
const TEN_OF: Record<string, number> = {};
TENS.forEach((w, i) => {
  TEN_OF[w] = 20 + 10 * i;
});
/**
 * Denominator words of a fraction, singular and plural. Not `quarter(s)`: in a finance report "two
 * quarters" is a period far more often than a fraction.
 */
const DENOMINATORS: Record<string, number> = {
  half: 2,
  halves: 2,
  third: 3,
  thirds: 3,
  fourth: 4,
  fourths: 4,
  fifth: 5,
  fifths: 5,
  tenth: 10,
  tenths: 10,
  twentieth: 20,
  twentieths: 20,
  hundredth: 100,
  hundredths: 100,
};

const WORD = `(?:${[...UNITS, ...TEENS, ...TENS, 'hundred', 'thousand'].join('|')})`;
const HYPHEN = '[-\u2010\u2011]';
/** A run of number words: joined by spaces or hyphens, `and` after hundred/thousand, `a` before them, `point` decimals. */
const PHRASE = new RegExp(
  String.raw`\b(?:an?[ \t]+(?=(?:hundred|thousand)\b))?${WORD}(?:(?:[ \t]+|${HYPHEN}|(?<=hundred|thousand)[ \t]+and[ \t]+)${WORD}\b)*(?:[ \t]+point(?:[ \t]+(?:${UNITS.join('|')}))+\b)?(?:(?:[ \t]+|${HYPHEN})(?:${Object.keys(DENOMINATORS).join('|')})\b)?\b`,
  'gi',
);

/**
 * What a lone "one" (or a Roman numeral in a numerator's place) must be followed by to be a number:
 * a per-cent, a slash, `out of`, or `of (the)` and a number (digits, a Roman numeral or number words).
 */
const COUNT_AFTER_DIGITS = /^[ \t]*(?:\/[ \t]*(?:\d|[IVXLCDM]+\b)|of[ \t]+(?:the[ \t]+)?(?:\d|[IVXLCDM]+\b))/;
const COUNT_AFTER_WORDS = new RegExp(
  String.raw`^[ \t]*(?:%|percent\b|out[ \t]+of\b|(?:\/|of[ \t]+(?:the[ \t]+)?)[ \t]*(?:an?[ \t]+)?${WORD}\b)`,
);
function countAfter(after: string): boolean {
  return COUNT_AFTER_DIGITS.test(after) || COUNT_AFTER_WORDS.test(after.toLowerCase());
}

/** One-to-one rewrite of what the agent wrote (`original`) into what extraction reads (`written`). */
export interface NumberRewrite {
  original: string;
  written: string;
}

/**
 * The value of a whole phrase of English number words, or null when it is not one number:
 * `eighty-five`, `Seventy Two point Five`, `a hundred`, `one hundred and five`, `two thousand and ten`.
 */
export function parseNumberWords(phrase: string): number | null {
  const tokens = phrase
    .toLowerCase()
    .trim()
    .split(new RegExp(`[ \\t]+|${HYPHEN}`))
    .filter((t) => t.length > 0);
  const r = parseTokens(tokens, 0);
  return r && r.next === tokens.length ? r.value : null;
}

/** The longest number at `tokens[i]`: its value and the index after it, or null. */
function parseTokens(tokens: string[], i: number): { value: number; next: number } | null {
  let value: number;
  let next: number;
  if (tokens[i] === 'zero') {
    value = 0;
    next = i + 1;
  } else {
    const first = below1000(tokens, i);
    if (!first) return null;
    ({ value, next } = first);
    if (tokens[next] === 'thousand' && value > 0) {
      value *= 1000;
      next += 1;
      const rest = below1000(tokens, tokens[next] === 'and' ? next + 1 : next);
      if (rest) ({ value, next } = { value: value + rest.value, next: rest.next });
    }
  }
  if (tokens[next] === 'point' && tokens[next + 1] !== undefined && tokens[next + 1]! in SMALL && SMALL[tokens[next + 1]!]! < 10) {
    let digits = '';
    let j = next + 1;
    while (tokens[j] !== undefined && tokens[j]! in SMALL && SMALL[tokens[j]!]! < 10) digits += String(SMALL[tokens[j++]!]);
    value = Number(`${value}.${digits}`);
    next = j;
  }
  return { value, next };
}

/** 1..999 at `tokens[i]` (`a hundred`, `nine hundred and ninety-nine`, `forty two`). */
function below1000(tokens: string[], i: number): { value: number; next: number } | null {
  let value = 0;
  let next = i;
  const t = tokens[next];
  if (t === undefined) return null;
  if ((t === 'a' || t === 'an' || (SMALL[t] ?? 0) >= 1) && tokens[next + 1] === 'hundred' && (SMALL[t] ?? 1) < 10) {
    value = 100 * (SMALL[t] ?? 1);
    next += 2;
    if (tokens[next] === 'and') {
      const rest = below100(tokens, next + 1);
      if (!rest) return { value, next };
      return { value: value + rest.value, next: rest.next };
    }
  }
  const rest = below100(tokens, next);
  if (rest) return { value: value + rest.value, next: rest.next };
  return value > 0 ? { value, next } : null;
}

/** 1..99 at `tokens[i]`. */
function below100(tokens: string[], i: number): { value: number; next: number } | null {
  const t = tokens[i];
  if (t === undefined) return null;
  const tens = TEN_OF[t];
  if (tens !== undefined) {
    const unit = SMALL[tokens[i + 1] ?? ''];
    return unit !== undefined && unit >= 1 && unit <= 9 ? { value: tens + unit, next: i + 2 } : { value: tens, next: i + 1 };
  }
  const small = SMALL[t];
  return small !== undefined && small >= 1 ? { value: small, next: i + 1 } : null;
}

/** A canonical upper-case Roman numeral (`XIV`, `LXXXV`; not `IIII`, `IC`, `xiv`), or null. */
export function parseRomanNumeral(token: string): number | null {
  if (!/^[IVXLCDM]+$/.test(token)) return null;
  const v = numericQuantity(token, { romanNumerals: true });
  return Number.isInteger(v) && v > 0 ? v : null;
}

/** Rewrites `text` so every number it spells is in ASCII digits; `rewrites` lists each change. */
export function normaliseNumbers(text: string): { text: string; rewrites: NumberRewrite[] } {
  const rewrites: NumberRewrite[] = [];
  const note = (original: string, written: string) => {
    if (original !== written) rewrites.push({ original, written });
    return written;
  };
  let t = text;
  // A digit run with a vulgar fraction (`85½`) is a mixed number: before NFKC would make it `851⁄2`.
  t = t.replace(/(?<!\p{Nd})\p{Nd}+[\u00BC-\u00BE\u2150-\u215E]/gu, (m) => {
    const v = numericQuantity(m);
    return Number.isFinite(v) ? note(m, String(v)) : m;
  });
  // Compatibility forms that spell digits, per-cent signs, slashes and colons: full-width forms,
  // Roman numeral characters, vulgar fractions, mathematical digits, super/subscript fractions.
  t = t.replace(
    /[\uFF01-\uFF5E]+|[\u2160-\u2188]+|[\u00BC-\u00BE\u2150-\u215F\u2189]|[\u{1D7CE}-\u{1D7FF}]+|(?<![\u2070-\u2079\u00B9\u00B2\u00B3])[\u2070-\u2079\u00B9\u00B2\u00B3]+[\u2044\u2215/][\u2080-\u2089]+/gu,
    (m) => note(m, m.normalize('NFKC').replace(/[\u2044\u2215]/g, '/')),
  );
  t = t.replace(/(\d)[\u2044\u2215](\d)/g, (m, a: string, b: string) => note(m, `${a}/${b}`));
  // Decimal digits of other scripts (Arabic-Indic, Devanagari, ...): NFKC leaves them alone.
  t = t.replace(/[^\P{Nd}0-9]+/gu, (m) => {
    // Digit by digit: a long run is still its digits, not a float's rounding of them.
    const digits = [...m].map((c) => numericQuantity(c));
    return digits.every((d) => Number.isInteger(d) && d >= 0 && d <= 9) ? note(m, digits.join('')) : m;
  });
  t = t.replace(/\bper(?:[ \t]+|[ \t]*[-\u2010\u2011][ \t]*)cent\b|\bpct\b\.?|[\u066A\uFE6A]/gi, (m) =>
    note(m, /^[\u066A\uFE6A]$/.test(m) ? '%' : 'percent'),
  );
  t = t.replace(PHRASE, (m, offset: number, whole: string) => wordsToDigits(m, whole.slice(offset + m.length), note));
  t = romanToDigits(t, note);
  return { text: t, rewrites };
}

function wordsToDigits(phrase: string, after: string, note: (o: string, w: string) => string): string {
  const words = phrase.trim().split(new RegExp(`[ \\t]+|${HYPHEN}`));
  const last = words[words.length - 1]!.toLowerCase();
  const denominator = DENOMINATORS[last];
  const numberPart =
    denominator === undefined
      ? phrase
      : phrase.slice(0, phrase.toLowerCase().lastIndexOf(last)).replace(new RegExp(`(?:[ \\t]|${HYPHEN})+$`), '');
  if (numberPart === '') return phrase; // a bare `half`, `quarter`: no count
  const value = parseNumberWords(numberPart);
  if (value === null) return phrase;
  if (denominator !== undefined) {
    // `a half`, `one quarter`: only with a numerator that is a number.
    return note(phrase, `${value}/${denominator}`);
  }
  if (/^one$/i.test(phrase.trim()) && !countAfter(after)) return phrase;
  return note(phrase, String(value));
}

const ROMAN = /\b[IVXLCDM]+\b/g;
/** After a score label: `Final score: LXXXV`, `the average was LX`. */
const LABEL_BEFORE =
  /\b(?:score[sd]?|average|mean|overall|total|result|mark|accuracy)\b[^.\n\d]{0,20}?(?:[:=]|\bis\b|\bwas\b|\bof\b)[ \t]*$/i;
/** A denominator's place: `17/`, `XVII out of `, `12 of the `. */
const DENOMINATOR_BEFORE = /(?:\d|\b[IVXLCDM]+)[ \t]*(?:\/|out[ \t]+of|of(?:[ \t]+the)?)[ \t]*$/;

function romanToDigits(text: string, note: (o: string, w: string) => string): string {
  return text.replace(ROMAN, (m, offset: number) => {
    if (m === 'I') return m;
    const value = parseRomanNumeral(m);
    if (value === null) return m;
    const before = text.slice(Math.max(0, offset - 40), offset);
    const after = text.slice(offset + m.length, offset + m.length + 40);
    const placeholder = /^X{1,3}$/.test(m);
    if (DENOMINATOR_BEFORE.test(before)) return note(m, String(value));
    if (placeholder) return m;
    if (countAfter(after)) return note(m, String(value));
    if (m.length < 2) return m;
    // After a label only a numeral that can be a score: `Mark: MD` stays letters.
    if (LABEL_BEFORE.test(before) && value <= 100) return note(m, String(value));
    return m;
  });
}
