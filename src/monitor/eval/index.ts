/** Measured accuracy of the meta-monitor: metrics, per-rollout scoring, corpus evaluation. */
export { auroc, flaggedRate, safetyAtBudget, splitOf, thresholdAtFpr } from './metrics.js';
export { perRolloutRules, type RolloutScore, SEVERITY_WEIGHT, scoreRollout } from './score.js';
export {
  type BehaviourResult,
  COVERT_BEHAVIOURS,
  type CovertBehaviour,
  covertLabel,
  type EvalItem,
  type EvalOptions,
  type EvalReport,
  evaluateCorpus,
  type Label,
  type ProfileResult,
  type WatchedSplit,
} from './evaluate.js';
