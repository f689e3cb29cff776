import type { PlannedRollout } from './plan.js';

/**
 * Keeps the first `limit` configurations (scenario x condition) of each model, every model getting
 * the same ones so they stay comparable. Configurations are taken round-robin across scenarios (the
 * first condition of each scenario, then the second...) so a small limit still touches every scenario.
 */
export function limitConfigurations(plan: PlannedRollout[], limit: number | undefined): PlannedRollout[] {
  if (limit === undefined) return plan;
  const byScenario = new Map<string, Set<string>>();
  for (const p of plan) {
    const keys = byScenario.get(p.scenario.id) ?? new Set<string>();
    keys.add(p.conditionKey);
    byScenario.set(p.scenario.id, keys);
  }
  const chosen = new Set<string>();
  const lists = [...byScenario.entries()].map(([scenario, keys]) => [scenario, [...keys]] as const);
  for (let i = 0; chosen.size < limit; i++) {
    let any = false;
    for (const [scenario, keys] of lists) {
      const key = keys[i];
      if (key === undefined) continue;
      any = true;
      if (chosen.size < limit) chosen.add(`${scenario}\u0000${key}`);
    }
    if (!any) break;
  }
  return plan.filter((p) => chosen.has(`${p.scenario.id}\u0000${p.conditionKey}`));
}

/** Distinct scenario x condition configurations in a plan. */
export function configurationCount(plan: readonly PlannedRollout[]): number {
  return new Set(plan.map((p) => `${p.scenario.id}\u0000${p.conditionKey}`)).size;
}
