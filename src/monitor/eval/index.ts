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
  measureBeside,
  type Label,
  type ProfileResult,
  type WatchedSplit,
} from './evaluate.js';
export {
  type CorpusPlanOptions,
  type CorpusRollout,
  type CorpusRun,
  corpusPlan,
  type Disagreement,
  EVAL_COVERT_PROFILES,
  evalCovertRuns,
  EVAL_EVASION_NATIVE_PROFILES,
  EVAL_FLEET,
  evalFleetScenarios,
  EVAL_HIDING_PROFILES,
  EVAL_HONEST_PROFILES,
  type FleetResult,
  honestEpochs,
  type LabelledCorpus,
  labelCorpus,
  labelsOf,
  measureFleet,
  watchedOf,
} from './corpus.js';
