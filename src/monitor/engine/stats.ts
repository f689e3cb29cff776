/**
 * The two-proportion z test for the fleet-level gap rule. Deliberately local: monitor/ may not
 * import report/, and this is all it needs.
 */

/** Standard normal CDF, through a Chebyshev fit of erfc (fractional error below 1.2e-7). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export interface TwoProportionTest {
  rateA: number;
  rateB: number;
  z: number;
  /** p-value for the chosen alternative; 1 when the test is undefined (no variance). */
  p: number;
}

/** Pooled two-proportion z test of rate(a) vs rate(b): k successes out of n trials each. */
export function twoProportionZ(kA: number, nA: number, kB: number, nB: number, alternative: 'greater' | 'two-sided' = 'two-sided'): TwoProportionTest {
  const rateA = nA > 0 ? kA / nA : Number.NaN;
  const rateB = nB > 0 ? kB / nB : Number.NaN;
  const pooled = (kA + kB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (!(se > 0)) return { rateA, rateB, z: 0, p: 1 };
  const z = (rateA - rateB) / se;
  const p = alternative === 'greater' ? 1 - normalCdf(z) : 2 * (1 - normalCdf(Math.abs(z)));
  return { rateA, rateB, z, p: Math.min(1, Math.max(0, p)) };
}
