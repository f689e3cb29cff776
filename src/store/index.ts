export { type BehaviourCounts, type CountingStore, type GroupCounts, hasCountingStore, type RunCounts } from './counts.js';
export { type BatchingStore, hasBatchingStore, MAX_BATCH } from './commit-batch.js';
export { APPLICATION_ID, applyMigrations, currentVersion, MIGRATIONS, type Migration, SCHEMA_VERSION } from './migrations.js';
export { DuplicateRolloutError, openSqliteStore } from './sqlite.js';
export type * from './types.js';
export { type CallUsage, hasUsageStore, type ModelUsage, type UsageStore } from './usage.js';
export { hasInterviewStore, type InterviewStore } from './interviews.js';
