export * from './stats.js';
// summary.ts belongs to the report-tables work; re-exported here because the CLI already imports it.
export * from './summary.js';
