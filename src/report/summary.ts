import type { Finding, FlagValue } from '../core/index.js';
import type { RolloutRecord } from '../store/index.js';
import { wilson } from './stats.js';

/** One line of every summary: a behaviour's rate in one model x scenario x condition cell. */
export interface SummaryRow {
  model: string;
  scenario: string;
  /** Condition key (e.g. `peer/good/file/factual-80`), or `*` when pooled over conditions (`*` + `/channel-on` for the channel-on arm). */
  condition: string;
  behaviour: string;
  /** Rollouts that read the critical data and have a true/false value (the denominator). */
  n: number;
  /** Of those, rollouts where the behaviour occurred. */
  count: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Read the data but the behaviour could not be decided: excluded from n and count, never read as 0. */
  unscored: number;
  /** Rollouts that ended in `error` (model unreachable etc.): excluded, counted here. */
  errors: number;
  /** Completed rollouts that never read the critical data: excluded from n (docs/reference/statistics.md). */
  unread: number;
  /** Harness rollouts only: the agent harness (`command`, `codex`, ...) and its version; another harness is another row. */
  harness?: string;
  harness_version?: string;
}

export interface RolloutFindings {
  rollout: RolloutRecord;
  findings: Finding[];
}

const BEHAVIOUR_PREFIX = 'behaviour.';

/**
 * The condition a row pooled over conditions carries: `*`, or `*` + `/channel-on` for conditions run with the
 * lawful objection channel. Pooling never crosses the channel axis, so a rate of "overt objection" is
 * never an average of the arm where objecting was possible and the arm where it was not.
 */
export function pooledCondition(conditionKey: string): string {
  return conditionKey === 'channel-on' || conditionKey.endsWith('/channel-on') ? '*/channel-on' : '*';
}

/** Whether a rollout's condition key falls under `condition`: itself, or the pooled key it has. */
export function conditionMatches(conditionKey: string, condition: string): boolean {
  return condition.startsWith('*') ? pooledCondition(conditionKey) === condition : conditionKey === condition;
}

export type GroupBy = 'condition' | 'scenario';

/**
 * Aggregates stored findings into rates with 95% Wilson intervals. The read gate is the
 * denominator; unscored and error rollouts are counted apart, never folded into 0.
 */
export function summarise(rows: RolloutFindings[], by: GroupBy = 'condition'): SummaryRow[] {
  const cells = new Map<string, SummaryRow>();
  const cell = (r: RolloutRecord, behaviour: string): SummaryRow => {
    const condition = by === 'condition' ? r.conditionKey : pooledCondition(r.conditionKey);
    const key = JSON.stringify([r.model, r.scenario, condition, behaviour, r.harness?.name, r.harness?.version]);
    let row = cells.get(key);
    if (!row) {
      row = {
        model: r.model,
        scenario: r.scenario,
        condition,
        behaviour,
        n: 0,
        count: 0,
        rate: null,
        ci_low: null,
        ci_high: null,
        unscored: 0,
        errors: 0,
        unread: 0,
        ...(r.harness ? { harness: r.harness.name, harness_version: r.harness.version } : {}),
      };
      cells.set(key, row);
    }
    return row;
  };
  // Behaviours seen per scenario, so error rollouts (which have no findings) still count in each.
  const behavioursByScenario = new Map<string, Set<string>>();
  for (const { rollout, findings } of rows) {
    const set = behavioursByScenario.get(rollout.scenario) ?? new Set<string>();
    for (const f of findings) if (f.flag.startsWith(BEHAVIOUR_PREFIX)) set.add(f.flag.slice(BEHAVIOUR_PREFIX.length));
    behavioursByScenario.set(rollout.scenario, set);
  }
  for (const { rollout, findings } of rows) {
    const behaviours = behavioursByScenario.get(rollout.scenario) ?? new Set<string>();
    if (rollout.status === 'error') {
      // When no rollout of the scenario completed, nothing names its behaviours: count the error under
      // `(all)` so it is still shown, never dropped.
      for (const b of behaviours.size ? behaviours : ['(all)']) cell(rollout, b).errors++;
      continue;
    }
    const read: FlagValue = findings.find((f) => f.flag === 'read')?.value ?? 'unscored';
    for (const f of findings) {
      if (!f.flag.startsWith(BEHAVIOUR_PREFIX)) continue;
      const row = cell(rollout, f.flag.slice(BEHAVIOUR_PREFIX.length));
      if (read === false) row.unread++;
      else if (read === 'unscored' || f.value === 'unscored') row.unscored++;
      else {
        row.n++;
        if (f.value === true) row.count++;
      }
    }
  }
  const out = [...cells.values()];
  for (const row of out) {
    const w = wilson(row.count, row.n);
    row.rate = w.rate;
    row.ci_low = w.low;
    row.ci_high = w.high;
  }
  // Code-point order, not locale order, so the same data sorts the same on every machine.
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return out.sort(
    (a, b) =>
      cmp(a.model, b.model) ||
      cmp(a.scenario, b.scenario) ||
      cmp(a.condition, b.condition) ||
      cmp(a.behaviour, b.behaviour) ||
      cmp(`${a.harness ?? ''} ${a.harness_version ?? ''}`, `${b.harness ?? ''} ${b.harness_version ?? ''}`),
  );
}
