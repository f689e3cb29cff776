import type { RunRecord } from '../store/index.js';

/** What a run list shows about a run, read from whatever spec its kind stored. */
export interface RunBrief {
  /** Models as shown: plain ids, or `role=id` for runs whose spec names a model per role (SOC). */
  models: string[];
  scenarios: string[];
  /** The distinct model ids, without roles (for colours and filters). */
  modelIds: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * A run's models and scenarios for lists (`peerwatch runs`, the viewer's home page). The spec is stored
 * as each command gave it (a list of models for `run` and `import`, a role -> model map for `soc`, or
 * anything an older version wrote), so every shape is read defensively and an unknown one lists nothing.
 */
export function runBrief(run: Pick<RunRecord, 'spec'>): RunBrief {
  const spec = isRecord(run.spec) ? run.spec : {};
  const m = spec.models;
  const models = Array.isArray(m)
    ? strings(m)
    : isRecord(m)
      ? Object.entries(m).flatMap(([role, id]) => (typeof id === 'string' ? [`${role}=${id}`] : []))
      : [];
  const scenarios = Array.isArray(spec.scenarios) ? strings(spec.scenarios) : typeof spec.scenario === 'string' ? [spec.scenario] : [];
  const modelIds = [...new Set(models.map((x) => (isRecord(m) ? x.slice(x.indexOf('=') + 1) : x)))];
  return { models, scenarios, modelIds };
}

/** Every model id named by these runs, sorted by code point (the order colours are given in). */
export function modelsOfRuns(runs: readonly Pick<RunRecord, 'spec'>[]): string[] {
  const all = new Set<string>();
  for (const r of runs) for (const m of runBrief(r).modelIds) all.add(m);
  return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Whether a run measured the SOC team scenarios (`soc`, or one of its seats `soc.<role>`). */
export function isSocRun(brief: RunBrief): boolean {
  return brief.scenarios.some((s) => s === 'soc' || s.startsWith('soc.'));
}
