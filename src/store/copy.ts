import { DuplicateRolloutError } from './errors.js';
import type { Store } from './types.js';

export interface CopyReport {
  runs: number;
  /** Rollouts written to the target (with their events, findings and calls). */
  rollouts: number;
  /** Rollouts the target already had, linked to the run instead (content ids: never stored twice). */
  linked: number;
}

/**
 * Copies every run and rollout of `from` into `to`, as they are: the same ids, records, events, findings
 * and per-call usage, and the same run links. Idempotent: runs the target has are kept, rollouts it has
 * are linked, so an interrupted copy is finished by running it again. The response cache is not copied
 * (it only saves repeated calls). A rollout's interviews are copied with it.
 */
export function copyStore(from: Store, to: Store, onProgress?: (r: CopyReport) => void): CopyReport {
  const report: CopyReport = { runs: 0, rollouts: 0, linked: 0 };
  // Oldest first; every run exists in the target before any rollout names it.
  const runs = from.listRuns().reverse();
  for (const run of runs) {
    if (!to.getRun(run.id)) {
      to.createRun(run);
      report.runs++;
    }
  }
  to.batchCommits(200);
  try {
    for (const run of runs) {
      const have = to.rolloutIds(run.id);
      for (const id of from.rolloutIds(run.id)) {
        if (have.has(id)) continue;
        const stored = from.getRollout(id);
        if (!stored) continue;
        try {
          to.saveRolloutWithUsage(stored.rollout, stored.events, stored.findings, from.callUsage(id));
        } catch (e) {
          // Already in the target (by another run, or an earlier copy): linked, never stored twice.
          if (!(e instanceof DuplicateRolloutError)) throw e;
          to.linkRollout(run.id, id);
          report.linked++;
          continue;
        }
        // A rollout first stored by another run is linked to this one as well.
        if (stored.rollout.runId !== run.id) to.linkRollout(run.id, id);
        // Its interviews travel with it, in order (their stored time becomes the rollout's finish time).
        for (const iv of from.interviewsOf(id)) to.saveInterview(id, iv, stored.rollout.finishedAt);
        report.rollouts++;
        if (report.rollouts % 500 === 0) onProgress?.(report);
      }
    }
  } finally {
    to.batchCommits(0);
  }
  return report;
}
