import type { Finding } from '../../core/index.js';

/** How many rows of one flag each path decided (docs/reference/detection.md#flags: unscored is its own column). */
export interface DecisionPathCounts {
  /** Decided true/false by the rule detectors alone. */
  rule: number;
  /** Decided true/false with an LLM-judge answer among the inputs. */
  judge: number;
  /** Not decided: neither path produced a value. Never folded into false. */
  unscored: number;
  /** Of `unscored`: rows the judge was asked about and failed (invalid answer, refusal, error). */
  judgeFailed: number;
}

/**
 * Count decision paths per flag over any number of rollouts' findings (pass them flattened).
 * A finding without `detail.decidedBy` but with a value predates path stamping; it counts as rule.
 */
export function decisionPathCounts(findings: Iterable<Finding>): Record<string, DecisionPathCounts> {
  const out: Record<string, DecisionPathCounts> = {};
  for (const f of findings) {
    const c = out[f.flag] ?? { rule: 0, judge: 0, unscored: 0, judgeFailed: 0 };
    out[f.flag] = c;
    const byJudge = f.detail?.decidedBy === 'judge';
    if (f.value === 'unscored') {
      c.unscored++;
      if (byJudge) c.judgeFailed++;
    } else if (byJudge) c.judge++;
    else c.rule++;
  }
  return out;
}
