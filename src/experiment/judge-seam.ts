import type { Finding } from '../core/index.js';
import type { DetectInput } from '../detect/index.js';

/** What the judge sees of one completed rollout: the detectors' input plus which rollout and model it is. */
export type JudgeInput = Omit<DetectInput, 'overrides'> & { rolloutId: string; model: string };

/**
 * The optional LLM-judge step, run after the rule-based detectors on completed rollouts only. It
 * gets the rules' findings and returns the rollout's final findings (rules first; the judge decides
 * only what they left `unscored`). It should not throw: a judge failure or refusal is an `unscored`
 * finding. If it throws anyway, the rollout is stored as `error` with the cause.
 */
export type JudgeStep = (input: JudgeInput, findings: Finding[]) => Promise<Finding[]>;
