export {
  CONFIG_FILES,
  discoverConfig,
  loadConfig,
  ModelEntry,
  PeerwatchConfig,
  parseConfig,
  RetrySettings,
  RunDefaults,
} from './config.js';
export { type DryRunModel, type DryRunPlan, dryRun, ESTIMATE_ASSUMPTIONS } from './dry-run.js';
export { type ExperimentOptions, type ExperimentResult, planExperiment, runExperiment } from './experiment.js';
export { CallMeter, cacheKey, type Endpoint, gatewayMiddleware, gatewayModel, type ResponseCache } from './model-gateway.js';
export { findResumableRun, specDigest } from './identity.js';
export type { JudgeInput, JudgeStep } from './judge-seam.js';
export { createJudgeStep, type JudgeSpec } from './judge.js';
export { configurationCount, limitConfigurations } from './limit.js';
export { type PlannedRollout, peerModelOf, planRollouts, selectConditions, validateFilter } from './plan.js';
export { BUILTIN_PRICES, callCost, Price, priceFor } from './prices.js';
export { emptyModelProgress, type ModelProgress, type Progress } from './progress.js';
export { type RateLimits, RateLimiter, type RateTicket } from './rate-limiter.js';
export { openRolloutChannel, type RolloutChannel } from './rollout-channel.js';
export { behaviourFindings, executeRollout, type RolloutExecutor, rolloutFlags, type RunOptions, runKind } from './run.js';
export {
  buildEndpoints,
  concurrencyOf,
  DEFAULT_TIMEOUT_MS,
  resolveModelsWith,
  retryPolicy,
  type SweepSettings,
  settingsFromConfig,
} from './settings.js';
export { ExperimentSpec, GridFilter } from './spec.js';
export { runPlannedRollouts, type SweepOptions } from './sweep.js';
export * from './interchange/index.js';
export { runTeamRollout, type SeatModel, type TeamRolloutInput, type TeamRolloutResult } from './team.js';
export * from './interview/index.js';
export {
  cancelRun,
  planDistributedRun,
  QUEUE_NAME,
  type RolloutJob,
  redisConnection,
  rolloutQueue,
  uncancel,
} from './distributed/queue.js';
export { SharedRateLimiter } from './distributed/limiter.js';
export {
  agoText,
  queueProgress,
  recordTotal,
  redisNowMs,
  type RunQueueProgress,
  type WorkerRunProgress,
} from './distributed/progress.js';
export { type RolloutWorker, type RolloutWorkerOptions, startRolloutWorker } from './distributed/worker.js';
