import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { moverInterval, newcombeDiff, twoProportionZTest, weightedDifferenceZTest, wilson } from '../../src/report/index.js';

const near = (a: number | null, b: number | null, tol: number, what: string) =>
  assert.ok(a !== null && b !== null && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('moverInterval reduces to Wilson (one term) and to Newcombe (+1, −1): property', () => {
  const count = fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
  fc.assert(
    fc.property(count, count, ([k1, n1], [k2, n2]) => {
      const w = wilson(k1, n1);
      const m1 = moverInterval([{ k: k1, n: n1, coef: 1 }]);
      near(m1.low, w.low, 1e-12, 'wilson low');
      near(m1.high, w.high, 1e-12, 'wilson high');
      const d = newcombeDiff(k1, n1, k2, n2);
      const m2 = moverInterval([
        { k: k1, n: n1, coef: 1 },
        { k: k2, n: n2, coef: -1 },
      ]);
      near(m2.low, d.low, 1e-12, 'newcombe low');
      near(m2.high, d.high, 1e-12, 'newcombe high');
    }),
  );
});

test('moverInterval: Newcombe 1998b Table II example through MOVER; a mean of two rates by hand', () => {
  // 56/70 − 48/80: method 10 gives 0.0524 to 0.3339 (Newcombe 1998b, Stat Med 17:873, Table II).
  const d = moverInterval([
    { k: 56, n: 70, coef: 1 },
    { k: 48, n: 80, coef: -1 },
  ]);
  near(d.low, 0.0524, 5e-5, 'low');
  near(d.high, 0.3339, 5e-5, 'high');
  // Mean of 0/10 and 0/10: estimate 0, low 0, high = √(2·(u/2)²) = u/√2 with u = Wilson upper of 0/10
  // = z²/(10 + z²) = 0.27753279986288915 (R binom.confint(0, 10, method = "wilson")).
  const m = moverInterval([
    { k: 0, n: 10, coef: 0.5 },
    { k: 0, n: 10, coef: 0.5 },
  ]);
  near(m.diff, 0, 0, 'mean');
  near(m.low, 0, 0, 'mean low');
  near(m.high, 0.27753279986288915 / Math.SQRT2, 1e-12, 'mean high');
  assert.deepEqual(moverInterval([{ k: 0, n: 0, coef: 1 }]), { diff: null, low: null, high: null });
  assert.deepEqual(moverInterval([]), { diff: null, low: null, high: null });
});

test('weightedDifferenceZTest: one pair is the pooled two-proportion z test; degenerate cases', () => {
  const a = weightedDifferenceZTest([{ ka: 56, na: 70, kb: 48, nb: 80, weight: 1 }]);
  const b = twoProportionZTest(56, 70, 48, 80);
  near(a.z, b.z, 1e-12, 'z');
  near(a.pTwoSided, b.pTwoSided, 1e-12, 'p');
  // Two equal pairs at weight 1/2 each: the estimate and its SD halve together, so z is the pooled z of
  // one pair times √2 (the variance is Σ w² σ² = σ²/2): 2.3570226039551585·√2 = 3.3333333333333335.
  const c = weightedDifferenceZTest([
    { ka: 15, na: 100, kb: 5, nb: 100, weight: 0.5 },
    { ka: 15, na: 100, kb: 5, nb: 100, weight: 0.5 },
  ]);
  near(c.z, 2.3570226039551585 * Math.SQRT2, 1e-12, 'z of mean');
  assert.deepEqual(weightedDifferenceZTest([{ ka: 0, na: 5, kb: 0, nb: 5, weight: 1 }]), { z: 0, pTwoSided: 1 });
  assert.deepEqual(weightedDifferenceZTest([{ ka: 0, na: 0, kb: 0, nb: 5, weight: 1 }]), { z: null, pTwoSided: null });
});
