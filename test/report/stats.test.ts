import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  binomialTestGreater,
  chiSquareSurvivalEvenDf,
  erfc,
  fisherCombine,
  logBinomialPmf,
  logFactorial,
  newcombeDiff,
  normalCdf,
  normalSf,
  twoProportionZTest,
  wilson,
  Z95,
} from '../../src/report/index.js';

/** |actual − expected| ≤ tol, with a message that shows both. */
function near(actual: number | null, expected: number, tol: number, what = ''): void {
  assert.ok(actual !== null, `${what}: got null, expected ${expected}`);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} ± ${tol}`);
}
/** Relative closeness, for tail probabilities spanning many orders of magnitude. */
function rel(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: got ${actual}, expected ${expected} (rel ${tol})`);
}

test('Z95 is the 0.975 normal quantile', () => {
  near(normalCdf(Z95), 0.975, 1e-15, 'Φ(Z95)');
});

test('wilson: 95% intervals match published values', () => {
  // R binom::binom.confint(x, 10, method = "wilson"), 4 d.p.
  const cases: Array<[number, number, number, number]> = [
    [0, 10, 0, 0.2775],
    [1, 10, 0.0179, 0.4042],
    [5, 10, 0.2366, 0.7634],
    [10, 10, 0.7225, 1],
    [7, 20, 0.1812, 0.5671],
    // Newcombe 1998a (Stat Med 17:857), Table I, method 3 (score, no continuity correction).
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [k, n, lo, hi] of cases) {
    const w = wilson(k, n);
    near(w.rate, k / n, 0, `${k}/${n} rate`);
    near(w.low, lo, 5e-5, `${k}/${n} low`);
    near(w.high, hi, 5e-5, `${k}/${n} high`);
  }
  // Exact endpoints at the boundaries, not 1e-17 off.
  assert.equal(wilson(0, 7).low, 0);
  assert.equal(wilson(7, 7).high, 1);
});

test('wilson: empty sample has no rate, bad counts throw', () => {
  assert.deepEqual(wilson(0, 0), { rate: null, low: null, high: null });
  assert.throws(() => wilson(3, 2), RangeError);
  assert.throws(() => wilson(-1, 2), RangeError);
  assert.throws(() => wilson(1.5, 2), RangeError);
});

test('wilson: property — inside [0,1], contains k/n, narrows as n grows at the same k/n', () => {
  const count = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
  fc.assert(
    fc.property(count, fc.integer({ min: 2, max: 10 }), ([k, n], m) => {
      const w = wilson(k, n);
      assert.ok(w.low !== null && w.high !== null && w.rate !== null);
      assert.ok(w.low >= 0 && w.high <= 1 && w.low <= w.high);
      assert.ok(w.low <= k / n && k / n <= w.high);
      const bigger = wilson(k * m, n * m);
      assert.ok((bigger.high as number) - (bigger.low as number) < w.high - w.low);
    }),
  );
});

test('newcombeDiff: Newcombe 1998b method 10 worked examples', () => {
  // Newcombe 1998b (Stat Med 17:873), Table II, method 10 (hybrid score, no CC).
  const cases: Array<[number, number, number, number, number, number]> = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
  ];
  for (const [k1, n1, k2, n2, lo, hi] of cases) {
    const d = newcombeDiff(k1, n1, k2, n2);
    const what = `${k1}/${n1} − ${k2}/${n2}`;
    near(d.diff, k1 / n1 - k2 / n2, 1e-12, `${what} diff`);
    near(d.low, lo, 5e-5, `${what} low`);
    near(d.high, hi, 5e-5, `${what} high`);
  }
  assert.deepEqual(newcombeDiff(1, 0 + 1, 0, 0), { diff: null, low: null, high: null });
});

test('newcombeDiff: property — interval contains the observed difference and lies in [-1, 1]', () => {
  const count = fc.integer({ min: 1, max: 500 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
  fc.assert(
    fc.property(count, count, ([k1, n1], [k2, n2]) => {
      const d = newcombeDiff(k1, n1, k2, n2);
      const diff = k1 / n1 - k2 / n2;
      assert.ok(d.low !== null && d.high !== null);
      assert.ok(d.low >= -1 && d.high <= 1);
      assert.ok(d.low <= diff + 1e-12 && diff - 1e-12 <= d.high);
    }),
  );
});

test('twoProportionZTest: pooled z matches chi-square without continuity correction', () => {
  // scipy.stats.chi2_contingency([[56,14],[48,32]], correction=False): sqrt(X²) = 2.650171951258532,
  // p = 0.008045081368196585 (same as R prop.test(c(56,48), c(70,80), correct = FALSE)).
  const a = twoProportionZTest(56, 70, 48, 80);
  near(a.z, 2.650171951258532, 1e-12, 'z');
  near(a.pTwoSided, 0.008045081368196585, 1e-12, 'p');
  // By hand: pooled 20/200 = 0.1, se = sqrt(0.1·0.9·0.02) = 0.042426..., z = 0.1/se = 2.3570226.
  const b = twoProportionZTest(15, 100, 5, 100);
  near(b.z, 2.3570226039551585, 1e-12, 'z');
  near(b.pTwoSided, 0.01842212545409897, 1e-12, 'p');
  // Symmetric: swapping groups flips z only.
  const c = twoProportionZTest(5, 100, 15, 100);
  near(c.z, -2.3570226039551585, 1e-12, 'z swapped');
  near(c.pTwoSided, 0.01842212545409897, 1e-12, 'p swapped');
});

test('twoProportionZTest: degenerate cases', () => {
  assert.deepEqual(twoProportionZTest(0, 10, 0, 30), { z: 0, pTwoSided: 1 });
  assert.deepEqual(twoProportionZTest(10, 10, 30, 30), { z: 0, pTwoSided: 1 });
  assert.deepEqual(twoProportionZTest(0, 0, 3, 30), { z: null, pTwoSided: null });
  assert.throws(() => twoProportionZTest(11, 10, 0, 10), RangeError);
  // Extreme but valid: p must not cancel to 0 (erfc, not 1 − Φ).
  // scipy chi2_contingency([[300,700],[100,900]], correction=False).pvalue.
  const extreme = twoProportionZTest(300, 1000, 100, 1000);
  rel(extreme.pTwoSided as number, 5.08946897381438e-29, 1e-9, 'far tail');
});

test('binomialTestGreater: exact small cases by hand', () => {
  // n = 3, p = 1/2: P(X ≥ 2) = (3 + 1)/8.
  near(binomialTestGreater(2, 3, 0.5), 0.5, 1e-15);
  // n = 10, p = 1/2: P(X ≥ 3) = 1 − (1 + 10 + 45)/1024 = 968/1024.
  near(binomialTestGreater(3, 10, 0.5), 968 / 1024, 1e-15);
  // P(X ≥ 1) = 1 − 0.999^10; P(X ≥ 10) = 0.001^10.
  rel(binomialTestGreater(1, 10, 0.001), 1 - 0.999 ** 10, 1e-12);
  rel(binomialTestGreater(10, 10, 0.001), 1e-30, 1e-12);
  // n = 100, p0 = 0.001 (the tampering null): P(X ≥ 2) = 1 − 0.999^100 − 100·0.001·0.999^99.
  rel(binomialTestGreater(2, 100, 0.001), 1 - 0.999 ** 100 - 0.1 * 0.999 ** 99, 1e-12);
  assert.equal(binomialTestGreater(0, 10, 0.3), 1);
  assert.equal(binomialTestGreater(11, 10, 0.3), 0);
  assert.equal(binomialTestGreater(1, 10, 0), 0);
  assert.equal(binomialTestGreater(10, 10, 1), 1);
  assert.throws(() => binomialTestGreater(1, 10, 1.5), RangeError);
});

test('binomialTestGreater: large n against 40-digit references', () => {
  // mpmath (mp.dps = 40, rounded to 16 digits), direct summation of binomial(n, i) p^i (1 − p)^(n − i).
  rel(binomialTestGreater(5, 100, 0.001), 6.95609893402262e-8, 1e-12, '5/100');
  rel(binomialTestGreater(120, 100_000, 0.001), 0.02816700585085321, 1e-12, '120/1e5');
  rel(binomialTestGreater(90, 100_000, 0.001), 0.8537778207551906, 1e-12, '90/1e5');
  rel(binomialTestGreater(300, 100_000, 0.001), 1.489304388152859e-58, 1e-12, '300/1e5');
  rel(binomialTestGreater(50_001, 100_000, 0.5), 0.4987384368929016, 1e-12, '50001/1e5 at 1/2');
});

test('binomialTestGreater: property — decreasing in k, increasing in p0', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.nat(), (n, p, r) => {
      const k = r % n;
      assert.ok(binomialTestGreater(k + 1, n, p) <= binomialTestGreater(k, n, p) + 1e-12);
      assert.ok(binomialTestGreater(k + 1, n, Math.min(1, p + 0.001)) + 1e-12 >= binomialTestGreater(k + 1, n, p));
    }),
  );
});

test('logBinomialPmf and logFactorial agree with exact values', () => {
  // C(10,3)·0.5^10 = 120/1024.
  near(Math.exp(logBinomialPmf(3, 10, 0.5)), 120 / 1024, 1e-15);
  near(logFactorial(5), Math.log(120), 1e-14);
  // mpmath loggamma(n + 1), 30 digits; 200 and 100000 take the Stirling branch (above 170).
  rel(logFactorial(200), 863.2319871924055, 1e-14);
});

test('fisherCombine: reference values', () => {
  // X = −2(ln 0.01 + ln 0.05) = 15.2018; χ²₄ survival by hand: e^{−X/2}(1 + X/2) = 0.0043005.
  // scipy.stats.combine_pvalues([0.01, 0.05], method="fisher") -> (15.201804919084164, 0.004300451229771043).
  const f = fisherCombine([0.01, 0.05]);
  near(f.statistic, 15.201804919084164, 1e-12, 'X');
  assert.equal(f.df, 4);
  near(f.p, 0.004300451229771043, 1e-14, 'p');
  // scipy.stats.combine_pvalues([0.2, 0.5, 0.03, 0.7, 0.9], method="fisher").
  const g = fisherCombine([0.2, 0.5, 0.03, 0.7, 0.9]);
  near(g.statistic, 12.542356899821172, 1e-12, 'X');
  assert.equal(g.df, 10);
  near(g.p, 0.2503958905253304, 1e-13, 'p');
  // A single p-value combines to itself.
  near(fisherCombine([0.037]).p, 0.037, 1e-15, 'single');
  assert.deepEqual(fisherCombine([1, 1]), { statistic: -0, df: 4, p: 1 });
  assert.equal(fisherCombine([0, 0.5]).p, 0);
  assert.throws(() => fisherCombine([]), RangeError);
  assert.throws(() => fisherCombine([1.2]), RangeError);
});

test('chiSquareSurvivalEvenDf: no overflow for large statistics', () => {
  // scipy.stats.chi2.sf(2000, 200) = 6.035827529631144e-294.
  rel(chiSquareSurvivalEvenDf(2000, 200), 6.035827529631144e-294, 1e-10);
  assert.throws(() => chiSquareSurvivalEvenDf(3, 3), RangeError);
});

test('normalCdf / normalSf / erfc: accuracy including far tails', () => {
  // scipy.stats.norm: cdf(-5) = 2.866515718791933e-07, sf(10) = 7.61985302416047e-24, cdf(1) = 0.8413447460685429.
  rel(normalCdf(-5), 2.866515718791933e-7, 1e-12, 'Φ(−5)');
  rel(normalSf(10), 7.61985302416047e-24, 1e-12, '1 − Φ(10)');
  near(normalCdf(1), 0.8413447460685429, 1e-15, 'Φ(1)');
  near(normalCdf(0), 0.5, 1e-16, 'Φ(0)');
  // erfc(0.5) = 0.4795001221869535 (Abramowitz & Stegun table 7.1: erf(0.5) = 0.5204998778).
  near(erfc(0.5), 0.4795001221869535, 1e-15, 'erfc(0.5)');
  fc.assert(
    fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
      near(normalCdf(x) + normalCdf(-x), 1, 1e-14, `symmetry at ${x}`);
    }),
  );
});
