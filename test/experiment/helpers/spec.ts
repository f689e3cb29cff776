import { ExperimentSpec } from '../../../src/experiment/index.js';

/** A small valid spec (all scenarios, default grid, one epoch, seed 42) with `over` applied. */
export function spec(over: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return ExperimentSpec.parse({
    models: ['mock:a'],
    scenarios: ['all'],
    grid: 'default',
    filter: {},
    epochs: 1,
    seed: 42,
    temperature: 1,
    maxIterations: 30,
    maxContextTokens: 120_000,
    concurrency: 4,
    ...over,
  });
}
