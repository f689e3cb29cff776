import type { Condition } from './condition.js';
import { digestOf } from './hash.js';

export interface RolloutIdentity {
  model: string;
  scenario: string;
  scenarioVersion: string;
  condition: Condition;
  epoch: number;
  seed: number;
  /** Only for a scenario that follows up, when `--follow-ups` is given: absent, the id is as before. */
  followUps?: number;
  /**
   * The answer cap, when `--max-output-tokens` is given: a cut answer is another sample, never one shared
   * with a run that used the default cap. Absent, the id is as before.
   */
  maxOutputTokens?: number;
  /** The model playing the live peers, for a rollout that has them (a team scenario): absent, the id is as before. */
  peerModel?: string;
  /** Harness mode: the agent harness and its version (another agent, another sample). Absent for native rollouts. */
  harness?: { name: string; version: string };
}

/** A rollout's id is a hash of what defines it, so a resumed run skips exactly what is done. */
export function rolloutId(identity: RolloutIdentity): string {
  return digestOf(identity).slice(0, 20);
}
