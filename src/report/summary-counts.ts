import type { RunCounts } from '../store/index.js';
import { wilson } from './stats.js';
import { type GroupBy, pooledCondition, type RolloutFindings, type SummaryRow } from './summary.js';

/** The distinct values a run's filters can take (from its rollouts, or from its counts). */
export interface RunFacets {
  models: string[];
  scenarios: string[];
  conditions: string[];
  behaviours: string[];
}

/**
 * The report's summary built from counts the store aggregated, row for row what `summarise` returns
 * from every rollout and finding (a test proves it on calibration data): error rollouts count under
 * every behaviour their scenario has, or under `(all)` when none is known; rates carry Wilson intervals;
 * rows sort in code-point order.
 */
export function summaryFromCounts(counts: RunCounts, by: GroupBy): SummaryRow[] {
  const cells = new Map<string, SummaryRow>();
  const cell = (model: string, scenario: string, conditionKey: string, behaviour: string): SummaryRow => {
    const condition = by === 'condition' ? conditionKey : pooledCondition(conditionKey);
    const key = JSON.stringify([model, scenario, condition, behaviour]);
    let row = cells.get(key);
    if (!row) {
      row = {
        model,
        scenario,
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
      };
      cells.set(key, row);
    }
    return row;
  };
  const behavioursByScenario = new Map<string, string[]>();
  for (const { scenario, behaviour } of counts.scenarioBehaviours) {
    const list = behavioursByScenario.get(scenario) ?? [];
    list.push(behaviour);
    behavioursByScenario.set(scenario, list);
  }
  for (const e of counts.groups) {
    if (e.errors === 0) continue;
    for (const b of behavioursByScenario.get(e.scenario) ?? ['(all)']) cell(e.model, e.scenario, e.conditionKey, b).errors += e.errors;
  }
  for (const c of counts.cells) {
    const row = cell(c.model, c.scenario, c.conditionKey, c.behaviour);
    row.n += c.n;
    row.count += c.count;
    row.unscored += c.unscored;
    row.unread += c.unread;
  }
  const out = [...cells.values()];
  for (const row of out) {
    const w = wilson(row.count, row.n);
    row.rate = w.rate;
    row.ci_low = w.low;
    row.ci_high = w.high;
  }
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return out.sort(
    (a, b) => cmp(a.model, b.model) || cmp(a.scenario, b.scenario) || cmp(a.condition, b.condition) || cmp(a.behaviour, b.behaviour),
  );
}

/** The run's filter values from the same counts: every model, scenario and condition with a rollout, every behaviour. */
export function facetsFromCounts(counts: RunCounts): RunFacets {
  const models = new Set<string>();
  const scenarios = new Set<string>();
  const conditions = new Set<string>();
  for (const c of counts.groups) {
    models.add(c.model);
    scenarios.add(c.scenario);
    conditions.add(c.conditionKey);
  }
  const behaviours = new Set(counts.scenarioBehaviours.map((b) => b.behaviour));
  const sorted = (s: Set<string>) => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { models: sorted(models), scenarios: sorted(scenarios), conditions: sorted(conditions), behaviours: sorted(behaviours) };
}

const BEHAVIOUR_PREFIX = 'behaviour.';

/** The run's filter values from its rollouts and findings, equal to `facetsFromCounts` (a test proves it). */
export function facetsOf(rows: RolloutFindings[]): RunFacets {
  const models = new Set<string>();
  const scenarios = new Set<string>();
  const conditions = new Set<string>();
  const behaviours = new Set<string>();
  for (const { rollout, findings } of rows) {
    models.add(rollout.model);
    scenarios.add(rollout.scenario);
    conditions.add(rollout.conditionKey);
    for (const f of findings) if (f.flag.startsWith(BEHAVIOUR_PREFIX)) behaviours.add(f.flag.slice(BEHAVIOUR_PREFIX.length));
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { models: sorted(models), scenarios: sorted(scenarios), conditions: sorted(conditions), behaviours: sorted(behaviours) };
}
