import type { Scenario } from '../scenarios/index.js';
import { configurationCount } from './limit.js';
import type { PlannedRollout } from './plan.js';
import { callCost, type Price, priceFor } from './prices.js';
import type { SweepSettings } from './settings.js';
import type { ExperimentSpec } from './spec.js';

/**
 * How the estimate is made, printed with it: the prompt of each configuration is measured (about 4
 * characters a token, plus each tool's declaration); a typical rollout is assumed to take
 * `typicalCalls` model calls, each adding a tool result and an answer to the context.
 */
export const ESTIMATE_ASSUMPTIONS = {
  typicalCalls: 12,
  tokensPerTool: 120,
  contextGrowthPerCall: 400,
  outputTokensPerCall: 300,
} as const;

export interface DryRunModel {
  model: string;
  configurations: number;
  rollouts: number;
  /** Rollouts of this plan already stored in the run that would be resumed (not run again). */
  stored: number;
  calls: { typical: number; max: number };
  inputTokens: { typical: number; max: number };
  outputTokens: { typical: number; max: number };
  price: Price | null;
  /** USD; null when the model's price is unknown. */
  cost: { typical: number | null; max: number | null };
}

export interface DryRunPlan {
  rollouts: number;
  configurations: number;
  models: DryRunModel[];
}

/** The plan and an estimate of what it would cost, without resolving keys, calling models or storing anything. */
export function dryRun(
  spec: ExperimentSpec,
  plan: readonly PlannedRollout[],
  settings?: SweepSettings,
  stored: ReadonlySet<string> = new Set(),
): DryRunPlan {
  const promptTokens = new Map<string, number>();
  const baseOf = (p: PlannedRollout): number => {
    const key = `${p.scenario.id}\u0000${p.conditionKey}`;
    let t = promptTokens.get(key);
    if (t === undefined) {
      t = measurePrompt(p.scenario, p);
      promptTokens.set(key, t);
    }
    return t;
  };
  const a = ESTIMATE_ASSUMPTIONS;
  const typicalCalls = Math.min(spec.maxIterations, a.typicalCalls);
  const models: DryRunModel[] = [];
  for (const model of spec.models) {
    const mine = plan.filter((p) => p.model === model);
    const todo = mine.filter((p) => !stored.has(p.id));
    const price = settings?.models?.[model]?.price ?? priceFor(model, settings?.prices);
    const est = (calls: number) => {
      let input = 0;
      for (const p of todo) {
        const base = baseOf(p);
        // Call k carries the prompt plus k rounds of tool results and answers (capped by the context limit).
        for (let k = 0; k < calls; k++) input += Math.min(spec.maxContextTokens, base + k * a.contextGrowthPerCall);
      }
      return { calls: todo.length * calls, input, output: todo.length * calls * a.outputTokensPerCall };
    };
    const typical = est(typicalCalls);
    const max = est(spec.maxIterations);
    models.push({
      model,
      configurations: configurationCount(mine),
      rollouts: mine.length,
      stored: mine.length - todo.length,
      calls: { typical: typical.calls, max: max.calls },
      inputTokens: { typical: typical.input, max: max.input },
      outputTokens: { typical: typical.output, max: max.output },
      price,
      cost: { typical: callCost(price, typical.input, typical.output), max: callCost(price, max.input, max.output) },
    });
  }
  return { rollouts: plan.length, configurations: configurationCount(plan.filter((p) => p.model === spec.models[0])), models };
}

function measurePrompt(scenario: Scenario, p: PlannedRollout): number {
  const instance = scenario.build(p.condition, { family: 'Model', seed: p.seed });
  const chars = instance.systemPrompt.length + instance.userPrompt.length;
  return Math.ceil(chars / 4) + instance.tools.length * ESTIMATE_ASSUMPTIONS.tokensPerTool;
}
