import { InterviewRecord, UserError } from '../core/index.js';

/** Follow-up interviews, stored beside their rollout (schema 7); a rollout's own rows never change. */
export interface InterviewStore {
  /** Appends an interview to a stored rollout; returns its position among the rollout's interviews. */
  saveInterview(rolloutId: string, record: InterviewRecord, createdAt: string): number;
  /** A rollout's interviews, in the order they were stored. */
  interviewsOf(rolloutId: string): InterviewRecord[];
  /** Every interview of a run's rollouts, by rollout id. */
  interviewsOfRun(runId: string): Map<string, InterviewRecord[]>;
}

/** Reads one stored interview back, checked against its schema (a mismatch is a damaged store). */
export function readInterview(text: string, rolloutId: string, path: string): InterviewRecord {
  const parsed = InterviewRecord.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new UserError(`${path}: rollout ${rolloutId}: a stored interview does not match its schema; the store is damaged`);
  return parsed.data;
}
