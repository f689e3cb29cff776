import { canonicalJson, sha256Hex } from '../core/index.js';
import type { RunRecord, Store } from '../store/index.js';
import { ExperimentSpec } from './spec.js';

/**
 * Spec fields that change how fast a run goes, not what it measures: two commands differing only in
 * these are the same run (so re-running a command with another --concurrency continues it).
 */
const EXECUTION_ONLY = new Set<string>(['concurrency']);

/** A run's identity: the SHA-256 of its canonical spec without execution-only fields. */
export function specDigest(spec: ExperimentSpec): string {
  const measured = Object.fromEntries(Object.entries(spec).filter(([k, v]) => !EXECUTION_ONLY.has(k) && v !== undefined));
  return sha256Hex(canonicalJson(measured));
}

/**
 * The newest unfinished run (status `running` or `interrupted`) in the store whose spec has this
 * identity, so that "the same command again" continues it. Completed runs are never reopened.
 */
export function findResumableRun(store: Store, spec: ExperimentSpec): RunRecord | undefined {
  const digest = specDigest(spec);
  return store.listRuns().find((run) => {
    if (run.status !== 'running' && run.status !== 'interrupted') return false;
    const parsed = ExperimentSpec.safeParse(run.spec);
    return parsed.success && specDigest(parsed.data) === digest;
  });
}
