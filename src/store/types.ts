import type { Condition, EndReason, Event, Finding } from '../core/index.js';
import type { RunCounts } from './counts.js';
import type { InterviewStore } from './interviews.js';
import type { CallUsage, ModelUsage } from './usage.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';
export type RolloutStatus = 'completed' | 'error';

export interface RunRecord {
  id: string;
  createdAt: string;
  /** `calibration` when every model is a scripted reference agent; such results are no measurement of a model. */
  kind: 'calibration' | 'measurement' | 'imported';
  status: RunStatus;
  /** The experiment spec as given (models, scenarios, filters, epochs, seed, limits), JSON. */
  spec: unknown;
  /** peerwatch version that produced it. */
  toolVersion: string;
  finishedAt: string | null;
}

export interface RolloutRecord {
  id: string;
  runId: string;
  model: string;
  scenario: string;
  scenarioVersion: string;
  condition: Condition;
  conditionKey: string;
  epoch: number;
  seed: number;
  status: RolloutStatus;
  endReason: EndReason | null;
  /** Set when status is `error`: why. */
  error: string | null;
  temperature: number | null;
  turns: number;
  inputTokens: number | null;
  outputTokens: number | null;
  startedAt: string;
  finishedAt: string;
  /** sha256 of the canonical transcript (events), to prove byte-identical reruns. */
  transcriptDigest: string;
  /** Harness mode: the agent harness that ran it (`command`, `codex`, ...) and its version; absent for native rollouts. */
  harness?: { name: string; version: string };
}

export interface StoredRollout {
  rollout: RolloutRecord;
  events: Event[];
  findings: Finding[];
}

/** Persistence boundary. Implementations are append-only: a saved rollout is never changed. */
export interface Store extends InterviewStore {
  readonly path: string;
  createRun(run: RunRecord): void;
  finishRun(id: string, status: RunStatus, finishedAt: string): void;
  getRun(id: string): RunRecord | undefined;
  listRuns(): RunRecord[];
  /** Saves a rollout, its events and findings in one transaction. Saving an existing id is an error. */
  saveRollout(rollout: RolloutRecord, events: Event[], findings: Finding[]): void;
  /** Whether a rollout with this id is stored (by any run). */
  hasRollout(id: string): boolean;
  /**
   * Adds an already stored rollout to a run. A rollout's id is its identity (model, scenario, version,
   * condition, epoch, seed), so a run that plans one another run already produced shares it instead of
   * running it again.
   */
  linkRollout(runId: string, rolloutId: string): void;
  /** Ids of rollouts linked to a run, its own and shared ones (for resume). */
  rolloutIds(runId: string): Set<string>;
  listRollouts(runId: string): RolloutRecord[];
  /** Rollout records with their findings, for reports (no events, to stay light). */
  listRolloutsWithFindings(runId: string): Array<{ rollout: RolloutRecord; findings: Finding[] }>;
  getRollout(id: string): StoredRollout | undefined;
  /** Resolves a unique id prefix (runs or rollouts) to the full id. */
  resolveRunId(prefix: string): string | undefined;
  resolveRolloutId(prefix: string): string | undefined;

  // Per-call usage and the response cache (the sweep's).
  /** `saveRollout` plus the rollout's calls, all in one transaction. */
  saveRolloutWithUsage(rollout: RolloutRecord, events: Event[], findings: Finding[], calls: CallUsage[]): void;
  callUsage(rolloutId: string): CallUsage[];
  usageByModel(runId: string): ModelUsage[];
  cacheGet(key: string): string | undefined;
  /** First write wins (the same key always describes the same request). */
  cachePut(key: string, model: string, response: string): void;

  // Aggregates computed by the database, so views stay fast on large runs (counts.ts).
  runCounts(runId: string): RunCounts;
  /** How many rollouts a run has (its own and linked ones), without reading them. */
  rolloutCount(runId: string): number;

  /**
   * From now on saves share commits: a save waits (checked, in memory) until `windowMs` after the first
   * waiting one, or until MAX_BATCH wait, or until any other call on the store or `close`; then all are
   * written and committed in one transaction. Each save is still all or nothing. 0 commits what waits and
   * goes back to one transaction per save. A crash loses the waiting saves (at most `windowMs` of them);
   * a resumed run redoes them.
   */
  batchCommits(windowMs: number): void;
  close(): void;
}
