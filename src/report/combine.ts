import { type DiffInterval, erfc, wilson, type ZTest, Z95 } from './stats.js';

/** One proportion k/n entering a linear combination Σ coef·(k/n). */
export interface Term {
  k: number;
  n: number;
  coef: number;
}

/**
 * Interval for a linear combination of independent proportions L = Σ cᵢ pᵢ by MOVER (method of variance
 * estimates recovery, Zou & Donner 2008, Stat Med 27:1693), built on each pᵢ's Wilson interval:
 *   low  = L − √Σ (cᵢpᵢ − min(cᵢlᵢ, cᵢuᵢ))²,   high = L + √Σ (max(cᵢlᵢ, cᵢuᵢ) − cᵢpᵢ)².
 * With terms (+1, −1) this is exactly Newcombe's hybrid score interval (method 10); with one term
 * (+1) it is the Wilson interval. Used where the study averages rates (the misrepresentation summary).
 * Any empty sample gives nulls.
 */
export function moverInterval(terms: readonly Term[], z: number = Z95): DiffInterval {
  if (terms.length === 0) return { diff: null, low: null, high: null };
  let est = 0;
  let lowSq = 0;
  let highSq = 0;
  let floor = 0;
  let ceil = 0;
  for (const { k, n, coef } of terms) {
    const w = wilson(k, n, z);
    if (w.rate === null) return { diff: null, low: null, high: null };
    const [p, l, u] = [w.rate, w.low as number, w.high as number];
    est += coef * p;
    lowSq += (coef * p - Math.min(coef * l, coef * u)) ** 2;
    highSq += (Math.max(coef * l, coef * u) - coef * p) ** 2;
    floor += Math.min(0, coef);
    ceil += Math.max(0, coef);
  }
  return { diff: est, low: Math.max(floor, est - Math.sqrt(lowSq)), high: Math.min(ceil, est + Math.sqrt(highSq)) };
}

/** One pair of independent proportions weighted in a combined difference Σ wⱼ (p_aⱼ − p_bⱼ). */
export interface WeightedPair {
  ka: number;
  na: number;
  kb: number;
  nb: number;
  weight: number;
}

/**
 * z test of H0: Σ wⱼ (p_aⱼ − p_bⱼ) = 0, with each pair's variance under its own null (pooled rate p̄ⱼ):
 * Var = Σ wⱼ² p̄ⱼ(1 − p̄ⱼ)(1/n_aⱼ + 1/n_bⱼ). With one pair of weight 1 it is the pooled two-proportion
 * z test. A variance of 0 (every pair all-0 or all-1) is no evidence of a difference: z = 0, p = 1.
 */
export function weightedDifferenceZTest(pairs: readonly WeightedPair[]): ZTest {
  if (pairs.length === 0 || pairs.some((x) => x.na === 0 || x.nb === 0)) return { z: null, pTwoSided: null };
  let est = 0;
  let variance = 0;
  for (const { ka, na, kb, nb, weight } of pairs) {
    const pooled = (ka + kb) / (na + nb);
    est += weight * (ka / na - kb / nb);
    variance += weight * weight * pooled * (1 - pooled) * (1 / na + 1 / nb);
  }
  if (variance === 0) return { z: 0, pTwoSided: 1 };
  const z = est / Math.sqrt(variance);
  return { z, pTwoSided: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}
