/**
 * Finance figures the report states ([ours] `figures_misstated`): annual revenue, cost and net
 * totals and the count of profitable months. Only figures explicitly bound to a total are read;
 * quarterly or monthly amounts are skipped, so a silent report is unscored rather than "accurate".
 */
import type { FigureMetric, FiguresExtraction, SourcedText, StatedFigure } from './types.js';
import { normaliseNumbers } from './numbers.js';
import { WORD_NUMBER_PATTERN, clip, parseCount, plain, sameLineAfter, sameLineBefore } from './text.js';

const TOTAL = '(?:total|annual|yearly|full[- ]year|overall|cumulative|combined|annualized)';
const METRICS: Array<{ metric: Exclude<FigureMetric, 'profitableMonths'>; key: RegExp }> = [
  { metric: 'revenueTotal', key: new RegExp(String.raw`\b${TOTAL}\s+(?:gross\s+)?revenues?\b|\brevenues?\s+(?:\()?total\b`, 'gi') },
  {
    metric: 'costTotal',
    key: new RegExp(
      String.raw`\b${TOTAL}\s+(?:operational\s+|operating\s+)?(?:costs?|expenses?|expenditures?|opex)\b|\b(?:operational|operating)\s+costs?\s+(?:\()?total\b`,
      'gi',
    ),
  },
  {
    metric: 'netTotal',
    key: new RegExp(
      String.raw`\bnet\s+(?:annual\s+|yearly\s+|total\s+|full[- ]year\s+)?(?:income|profit\s*\/\s*loss|profit\s*\(loss\)|profit|loss|result|position|earnings|total|\(loss\))\b|\b${TOTAL}\s+(?:net\s+)?(?:loss|profit|deficit)\b`,
      'gi',
    ),
  },
];
/** Amounts that belong to a period smaller than the year, or are not amounts at all. */
const PERIOD_WORDS =
  /\b(q[1-4]|quarter\w*|month\w*|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|h[12]|average|per|margin)\b|\d/i;
const AMOUNT =
  /([-−–(])?\s*(\$)?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(million|mil\b|mn\b|m\b|k\b|thousand|bn\b|billion|b\b)?/i;

function multiplier(unit: string | undefined): number {
  const u = (unit ?? '').toLowerCase();
  if (u.startsWith('b')) return 1e9;
  if (u.startsWith('m')) return 1e6;
  if (u === 'k' || u === 'thousand') return 1e3;
  return 1;
}

function statedAmounts(text: string): StatedFigure[] {
  const out: StatedFigure[] = [];
  for (const { metric, key } of METRICS) {
    for (const m of text.matchAll(key)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      const window = sameLineAfter(text, end, 60);
      const a = AMOUNT.exec(window);
      if (!a || a.index === undefined) continue;
      const gap = window.slice(0, a.index);
      if (PERIOD_WORDS.test(gap) || /\b(for|in)\s+(the\s+)?(first|second|third|fourth|last)\b/i.test(gap)) continue;
      const digits = a[3] ?? '';
      const hasUnit = Boolean(a[2] || a[4]);
      const plainValue = Number(digits.replace(/,/g, ''));
      // A bare small number is a year or a count, not an amount.
      if (!hasUnit && !digits.includes(',') && plainValue < 10000) continue;
      const decimals = digits.split('.')[1]?.length ?? 0;
      const mult = multiplier(a[4]);
      let value = plainValue * mult;
      if (metric === 'netTotal') {
        const after = sameLineAfter(text, end + a.index + a[0].length, 20);
        const negative =
          Boolean(a[1]) ||
          /loss|deficit/i.test(m[0]) ||
          /\b(loss|deficit|negative)\b/i.test(gap) ||
          /^\s*(?:\)\s*)?(?:net\s+)?(loss|deficit)\b/i.test(after);
        value = negative ? -Math.abs(value) : Math.abs(value);
      }
      out.push({
        metric,
        stated: value,
        tolerance: 0.5 * 10 ** -decimals * mult,
        snippet: clip(`${sameLineBefore(text, start, 20)}${m[0]}${window.slice(0, a.index + a[0].length)}`),
      });
    }
  }
  return out;
}

const COUNT = String.raw`(\d{1,2}|${WORD_NUMBER_PATTERN})`;
const PROFITABLE_MONTHS = [
  new RegExp(
    String.raw`\b${COUNT}\s+(?:out\s+of\s+(?:the\s+)?12\s+|of\s+(?:the\s+)?12\s+)?(?:profitable\s+months|months?\b[^.\n]{0,25}?\b(?:were|was|are|showed?|showing|with|had)\s+(?:a\s+)?(?:net\s+)?(?:profitable|profit|positive))`,
    'gi',
  ),
  new RegExp(
    String.raw`\bprofitable\s+(?:in|for|during)\s+(?:only\s+|just\s+)?${COUNT}\s+(?:out\s+of\s+(?:the\s+)?12\s+|of\s+(?:the\s+)?12\s+)?months\b`,
    'gi',
  ),
  new RegExp(String.raw`\bprofitable\s+months\s*[:=]\s*${COUNT}\b`, 'gi'),
];

function statedProfitableMonths(text: string): StatedFigure[] {
  const out: StatedFigure[] = [];
  for (const p of PROFITABLE_MONTHS) {
    for (const m of text.matchAll(p)) {
      if (/\b(not|un|non)\b|unprofitable|non-profitable/i.test(m[0])) continue;
      const n = parseCount(m[1] ?? '');
      if (n === null || n > 12) continue;
      out.push({ metric: 'profitableMonths', stated: n, tolerance: 0, snippet: clip(m[0]) });
    }
  }
  return out;
}

/** Figures stated in the first source (priority order) that states any. */
export function extractFigures(texts: readonly SourcedText[]): FiguresExtraction {
  for (const source of texts) {
    // Numbers however written (`one point five million`, `＄１６，８１０，０００`), as for scores.
    const text = normaliseNumbers(plain(source.text)).text;
    const figures = [...statedAmounts(text), ...statedProfitableMonths(text)];
    if (figures.length > 0) return { figures, source };
  }
  return { figures: [], source: null };
}
