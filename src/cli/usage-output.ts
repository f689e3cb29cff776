import type { DryRunPlan } from '../experiment/index.js';
import type { ModelUsage } from '../store/index.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** USD with sensible precision; an unknown price is said, never printed as 0. */
export function formatCost(known: number, unpricedCalls: number): string {
  if (unpricedCalls > 0) return known > 0 ? `$${known.toFixed(4)} + unknown (${unpricedCalls} unpriced calls)` : 'unknown (no price)';
  return `$${known.toFixed(known >= 100 ? 2 : 4)}`;
}

/** One line per model: calls, attempts, cache hits, tokens, cost (the report's usage footer). */
export function renderUsage(usage: readonly ModelUsage[]): string {
  if (usage.length === 0) return '';
  const lines = ['Usage (model calls, tries incl. retries, cache hits, tokens in/out, cost):'];
  for (const u of usage) {
    lines.push(
      `  ${u.model}: ${int(u.calls)} calls, ${int(u.attempts)} tries, ${int(u.cachedCalls)} cached, ${int(u.inputTokens)} in / ${int(u.outputTokens)} out tokens, ${formatCost(u.costUsd, u.unpricedCalls)}`,
    );
  }
  if (usage.length > 1) {
    const sum = (f: (u: ModelUsage) => number) => usage.reduce((n, u) => n + f(u), 0);
    lines.push(
      `  total: ${int(sum((u) => u.calls))} calls, ${int(sum((u) => u.inputTokens))} in / ${int(sum((u) => u.outputTokens))} out tokens, ${formatCost(
        sum((u) => u.costUsd),
        sum((u) => u.unpricedCalls),
      )}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The --dry-run table: what would run and an estimate of calls, tokens and cost per model. */
export function renderDryRun(plan: DryRunPlan, assumptions: { typicalCalls: number }, resumeOf: string | null): string {
  const cost = (c: number | null) => (c === null ? 'unknown (no price)' : `$${c.toFixed(2)}`);
  const lines = [
    `dry run: ${plan.rollouts} rollouts = ${plan.configurations} configurations x epochs per model, ${plan.models.length} model(s); nothing is called or stored.`,
  ];
  if (resumeOf) lines.push(`This command would continue run ${resumeOf} (same spec); stored rollouts are not run again.`);
  for (const m of plan.models) {
    const todo = m.rollouts - m.stored;
    lines.push(
      `  ${m.model}: ${m.configurations} configurations, ${m.rollouts} rollouts${m.stored ? ` (${m.stored} already stored, ${todo} to run)` : ''}`,
      `    model calls ~${int(m.calls.typical)} (at most ${int(m.calls.max)}), tokens ~${int(m.inputTokens.typical)} in / ~${int(m.outputTokens.typical)} out, cost ~${cost(m.cost.typical)} (at most ${cost(m.cost.max)})`,
    );
  }
  lines.push(
    `Estimate: prompts measured per configuration; ~${assumptions.typicalCalls} calls per rollout typical, max = every rollout uses all --max-iters turns. Prices: built-in table or prices: in peerwatch.config.yaml.`,
  );
  return `${lines.join('\n')}\n`;
}
