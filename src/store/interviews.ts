import type { InterviewRecord } from '../core/index.js';
import type { Store } from './types.js';

/** Follow-up interviews, stored beside their rollout (schema 7); a rollout's own rows never change. */
export interface InterviewStore {
  /** Appends an interview to a stored rollout; returns its position among the rollout's interviews. */
  saveInterview(rolloutId: string, record: InterviewRecord, createdAt: string): number;
  /** A rollout's interviews, in the order they were stored. */
  interviewsOf(rolloutId: string): InterviewRecord[];
  /** Every interview of a run's rollouts, by rollout id. */
  interviewsOfRun(runId: string): Map<string, InterviewRecord[]>;
}

export function hasInterviewStore(store: Store): store is Store & InterviewStore {
  const s = store as Partial<InterviewStore>;
  return typeof s.saveInterview === 'function' && typeof s.interviewsOfRun === 'function';
}
