/**
 * Statistics primitives used by more than one part: the standard normal distribution and the pooled
 * two-proportion z test (report/ for contrasts, monitor/ for the fleet-level gap rule). Pure functions.
 * The formulas are described in docs/reference/statistics.md.
 */

/** Throws RangeError unless n is a non-negative integer and k an integer in [0, n] (a bug upstream). */
export function checkCount(k: number, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`k must be an integer in [0, n=${n}], got ${k}`);
}

export interface ZTest {
  z: number | null;
  pTwoSided: number | null;
}

/**
 * Two-proportion z-test of H0: p1 = p2 with the pooled standard error (equals R's
 * `prop.test(correct = FALSE)`: its X² is z²). When the pooled rate is 0 or 1 there is no
 * evidence of a difference: z = 0, p = 1. An empty sample gives nulls.
 */
export function twoProportionZTest(k1: number, n1: number, k2: number, n2: number): ZTest {
  checkCount(k1, n1);
  checkCount(k2, n2);
  if (n1 === 0 || n2 === 0) return { z: null, pTwoSided: null };
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, pTwoSided: 1 };
  const z = (k1 / n1 - k2 / n2) / se;
  // erfc keeps precision in the tail, where 1 − Φ(|z|) would cancel to 0.
  return { z, pTwoSided: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}

/** Standard normal CDF Φ(x), via erfc (absolute and tail-relative error ~1e-15). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal upper tail 1 − Φ(x), without cancellation for large x. */
export function normalSf(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/**
 * Complementary error function, as the regularised upper incomplete gamma Q(1/2, x²)
 * (series below x² < 1.5, Lentz continued fraction above; Numerical Recipes §6.2).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  const t = x * x;
  return t < 1.5 ? 1 - gammaPSeries(0.5, t) : gammaQContinuedFraction(0.5, t);
}

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI); // ln Γ(1/2)
const EPS = 1e-16;
const TINY = 1e-300;

function gammaPSeries(a: number, x: number): number {
  if (x === 0) return 0;
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let i = 0; i < 1000; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - LOG_SQRT_PI);
}

function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - LOG_SQRT_PI) * h;
}
