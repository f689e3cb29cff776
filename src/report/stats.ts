/**
 * Statistics for reports (docs/reference/statistics.md). Pure functions, no outside dependencies.
 *
 * Conventions: counts are non-negative integers with k <= n (anything else throws RangeError, as it
 * is a bug upstream); an empty sample (n = 0) has no rate, so its results are `null`, never NaN.
 */

import { checkCount } from '../core/index.js';

// The normal distribution and the two-proportion z test are shared with monitor/, so they live in core.
export { erfc, normalCdf, normalSf, twoProportionZTest, type ZTest } from '../core/index.js';

/** The exact two-sided 95% normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

export interface Interval {
  rate: number | null;
  low: number | null;
  high: number | null;
}

export interface DiffInterval {
  diff: number | null;
  low: number | null;
  high: number | null;
}

export interface FisherResult {
  /** X = −2 Σ ln pᵢ. */
  statistic: number;
  /** 2k for k p-values. */
  df: number;
  /** P(χ²_df ≥ X). */
  p: number;
}

/**
 * Wilson score interval for a binomial proportion k/n (Wilson 1927; method 3 in Newcombe 1998a).
 * Unlike the Wald interval it stays inside [0, 1] and behaves at k = 0 and k = n.
 */
export function wilson(k: number, n: number, z: number = Z95): Interval {
  checkCount(k, n);
  if (n === 0) return { rate: null, low: null, high: null };
  const p = k / n;
  const z2 = z * z;
  const denom = n + z2;
  const centre = (k + z2 / 2) / denom;
  const half = (z / denom) * Math.sqrt((k * (n - k)) / n + z2 / 4);
  // At k = 0 or k = n the bound is exactly 0 or 1 algebraically; rounding must not move it.
  const low = k === 0 ? 0 : Math.max(0, centre - half);
  const high = k === n ? 1 : Math.min(1, centre + half);
  return { rate: p, low, high };
}

/**
 * Newcombe's hybrid score interval for p1 − p2 from independent samples (Newcombe 1998b, method 10):
 * combines the two Wilson intervals, so it inherits their good coverage near 0 and 1.
 */
export function newcombeDiff(k1: number, n1: number, k2: number, n2: number, z: number = Z95): DiffInterval {
  const a = wilson(k1, n1, z);
  const b = wilson(k2, n2, z);
  if (a.rate === null || b.rate === null) return { diff: null, low: null, high: null };
  const [p1, l1, u1] = [a.rate, a.low as number, a.high as number];
  const [p2, l2, u2] = [b.rate, b.low as number, b.high as number];
  const diff = p1 - p2;
  const low = diff - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const high = diff + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return { diff, low: Math.max(-1, low), high: Math.min(1, high) };
}

/**
 * Exact one-sided binomial test: P(X ≥ k) for X ~ Binomial(n, p0). Terms are handled in log space
 * and summed from the tail's largest term outward, so it is stable for n up to 10⁵ and beyond.
 */
export function binomialTestGreater(k: number, n: number, p0: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k)) throw new RangeError(`k must be an integer, got ${k}`);
  if (!(p0 >= 0 && p0 <= 1)) throw new RangeError(`p0 must be in [0, 1], got ${p0}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p0 === 0) return 0;
  if (p0 === 1) return 1;
  const logP = Math.log(p0);
  const logQ = Math.log1p(-p0);
  const logPmf = (i: number) => logBinomialPmf(i, n, p0);
  if (k > n * p0) {
    // k is at or past the mode: terms shrink as i grows, so sum upward from k.
    return Math.min(1, Math.exp(logPmf(k) + Math.log(sumFrom(k, +1))));
  }
  // The upper tail is large; get it as 1 − P(X ≤ k − 1), whose terms shrink as i falls.
  const lower = Math.exp(logPmf(k - 1) + Math.log(sumFrom(k - 1, -1)));
  return Math.min(1, Math.max(0, 1 - lower));

  /** Σ pmf(i)/pmf(start) walking in `step` direction until terms stop mattering. */
  function sumFrom(start: number, step: 1 | -1): number {
    const logOdds = logP - logQ;
    let logRatio = 0;
    let sum = 1;
    for (let i = start; step === 1 ? i < n : i > 0; i += step) {
      // pmf(i+1)/pmf(i) = (n−i)/(i+1) · p/q ; pmf(i−1)/pmf(i) = i/(n−i+1) · q/p
      logRatio += step === 1 ? Math.log((n - i) / (i + 1)) + logOdds : Math.log(i / (n - i + 1)) - logOdds;
      const term = Math.exp(logRatio);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return sum;
  }
}

/**
 * Fisher's method: X = −2 Σ ln pᵢ ~ χ² with 2k degrees of freedom under the joint null.
 * For even df the survival function has the closed form e^{−x/2} Σ_{i<k} (x/2)^i / i!, evaluated
 * in log space so neither the powers nor the exponential overflow. A p-value of 0 gives p = 0.
 */
export function fisherCombine(pValues: readonly number[]): FisherResult {
  if (pValues.length === 0) throw new RangeError('fisherCombine needs at least one p-value');
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${p}`);
  const k = pValues.length;
  const statistic = -2 * pValues.reduce((acc, p) => acc + Math.log(p), 0);
  const df = 2 * k;
  return { statistic, df, p: chiSquareSurvivalEvenDf(statistic, df) };
}

/** P(χ²_df ≥ x) for even df = 2k. */
export function chiSquareSurvivalEvenDf(x: number, df: number): number {
  if (!Number.isInteger(df) || df <= 0 || df % 2 !== 0) throw new RangeError(`df must be a positive even integer, got ${df}`);
  if (Number.isNaN(x)) throw new RangeError('x is NaN');
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const h = x / 2;
  const logH = Math.log(h);
  const logTerms: number[] = [];
  for (let i = 0; i < df / 2; i++) logTerms.push(i * logH - logFactorial(i));
  return Math.min(1, Math.exp(-h + logSumExp(logTerms)));
}

const EXACT_FACTORIAL_LIMIT = 170; // 170! is the largest factorial a double holds
let logFactorialTable: Float64Array | undefined;

/** ln(n!) for integer n ≥ 0: exact products below 171, Stirling's series (error < 1e-20) above. */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`logFactorial needs a non-negative integer, got ${n}`);
  if (n <= EXACT_FACTORIAL_LIMIT) {
    if (logFactorialTable === undefined) {
      logFactorialTable = new Float64Array(EXACT_FACTORIAL_LIMIT + 1);
      let f = 1;
      for (let i = 1; i <= EXACT_FACTORIAL_LIMIT; i++) {
        f *= i;
        logFactorialTable[i] = Math.log(f);
      }
    }
    return logFactorialTable[n] as number;
  }
  const inv = 1 / n;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + series;
}

/**
 * ln P(X = x) for X ~ Binomial(n, p), by Loader's saddle-point form (Loader 2000, "Fast and accurate
 * computation of binomial probabilities"; the algorithm of R's dbinom). Subtracting three ln-factorials
 * of size ~10⁶ would lose ~1e-10; this keeps full relative precision for large n.
 */
export function logBinomialPmf(x: number, n: number, p: number): number {
  if (x < 0 || x > n || !Number.isInteger(x)) return Number.NEGATIVE_INFINITY;
  const q = 1 - p;
  if (x === 0) return n === 0 ? 0 : p === 0 ? 0 : n * Math.log1p(-p);
  if (x === n) return q === 0 ? 0 : n * Math.log(p);
  if (p === 0 || q === 0) return Number.NEGATIVE_INFINITY;
  const lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(x, n * p) - deviance(n - x, n * q);
  const lf = Math.log(2 * Math.PI) + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

/** ln(n!) − ln(√(2πn) (n/e)^n), the error of Stirling's formula. */
function stirlingError(n: number): number {
  if (n <= 15) return logFactorial(n) - (n + 0.5) * Math.log(n) + n - 0.5 * Math.log(2 * Math.PI);
  const nn = n * n;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / nn) / nn) / nn) / nn) / n;
}

/** x ln(x/m) + m − x, by a series when x ≈ m so the cancellation does not eat the digits. */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

function logSumExp(xs: readonly number[]): number {
  const max = Math.max(...xs);
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (const x of xs) s += Math.exp(x - max);
  return max + Math.log(s);
}
