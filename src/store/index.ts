export type { BehaviourCounts, GroupCounts, RunCounts } from './counts.js';
export { MAX_BATCH } from './commit-batch.js';
export { APPLICATION_ID, applyMigrations, currentVersion, MIGRATIONS, type Migration, SCHEMA_VERSION } from './migrations.js';
export { DuplicateRolloutError } from './errors.js';
export { openSqliteStore } from './sqlite.js';
export type * from './types.js';
export type { CallUsage, ModelUsage } from './usage.js';
export { openStore } from './open.js';
export { isPostgresUrl, openPostgresStore, postgresLabel } from './postgres/store.js';
