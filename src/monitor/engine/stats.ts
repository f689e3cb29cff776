/** The fleet-level gap rule's two-proportion z test: core's test, with the rates and a one-sided option. */
import { normalSf, twoProportionZTest } from '../../core/index.js';

export { normalCdf } from '../../core/index.js';

export interface TwoProportionTest {
  rateA: number;
  rateB: number;
  z: number;
  /** p-value for the chosen alternative; 1 when the test is undefined (no variance). */
  p: number;
}

/** Pooled two-proportion z test of rate(a) vs rate(b): k successes out of n trials each. */
export function twoProportionZ(
  kA: number,
  nA: number,
  kB: number,
  nB: number,
  alternative: 'greater' | 'two-sided' = 'two-sided',
): TwoProportionTest {
  const rateA = nA > 0 ? kA / nA : Number.NaN;
  const rateB = nB > 0 ? kB / nB : Number.NaN;
  const test = twoProportionZTest(kA, nA, kB, nB);
  const noVariance = kA + kB === 0 || kA + kB === nA + nB;
  if (test.z === null || test.pTwoSided === null || noVariance) return { rateA, rateB, z: 0, p: 1 };
  const p = alternative === 'greater' ? normalSf(test.z) : test.pTwoSided;
  return { rateA, rateB, z: test.z, p: Math.min(1, Math.max(0, p)) };
}
