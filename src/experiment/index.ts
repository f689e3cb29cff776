export { type ExperimentOptions, type ExperimentResult, runExperiment } from './experiment.js';
export { type PlannedRollout, planRollouts, selectConditions, validateFilter } from './plan.js';
export { type Progress, type RunOptions, resolveModels, runKind, runPlannedRollouts } from './run.js';
export { ExperimentSpec, GridFilter } from './spec.js';
