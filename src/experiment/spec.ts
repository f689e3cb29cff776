import { z } from 'zod';

const list = z.array(z.string()).optional();

/** Which cells of each scenario's grid to run. A given axis filter applies to the scenario's full grid. */
export const GridFilter = z
  .object({
    subject: list,
    relationship: list,
    instantiation: list,
    monitoring: list,
    shutdownPressure: list,
    /** `factual`, or a cell such as `creativity-90`. */
    dataset: list,
    scratchpad: list,
    peerIdentity: list,
    /** Lawful channel: `off`, `on`. */
    channel: list,
    /** The peer: `document`, `live`. */
    peer: list,
  })
  .strict();
export type GridFilter = z.infer<typeof GridFilter>;

export const ExperimentSpec = z
  .object({
    models: z.array(z.string()).min(1),
    /** Built-in scenario ids, `all`, or paths to user scenario files. */
    scenarios: z.array(z.string()).min(1),
    grid: z.enum(['default', 'full']),
    filter: GridFilter,
    epochs: z.number().int().min(1).max(100_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    temperature: z.number().min(0).max(2),
    maxIterations: z.number().int().min(1).max(1000),
    maxContextTokens: z.number().int().min(1000),
    /** Cap on each answer, sent as the provider's max output tokens (`--max-output-tokens`); absent: the loop's 16,000. */
    maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
    concurrency: z.number().int().min(1).max(1024),
    /** Keep only the first N configurations (scenario x condition) per model (`--limit`). */
    limit: z.number().int().min(1).optional(),
    /** Overrides the family resolved from each model id (Self = `<family> Agent 1`). */
    family: z.string().min(1).optional(),
    baseUrl: z.string().url().optional(),
    apiKeyEnv: z.string().optional(),
    /** Scenarios that follow up (direct_order): how many times the person asks again (`--follow-ups`); default the scenario's own list. */
    followUps: z.number().int().min(0).max(50).optional(),
    /**
     * The model that plays the live peers of a team scenario (SOC): a model spec such as
     * `scripted-soc:colluding` or `openai:gpt-5.2`; absent, each model's peers are that model itself.
     */
    peerModel: z.string().min(1).optional(),
    /** Reasoning effort asked of every model (`--reasoning-effort`); reasoning is requested from each provider either way. */
    reasoningEffort: z.enum(['low', 'medium', 'high']).optional(),
    /**
     * Harness mode (`--harness`): the agent harness that plays each rollout instead of peerwatch's own loop,
     * its version, and for `command` the agent's command line. Absent for native runs (their identity unchanged).
     */
    harness: z
      .object({ name: z.string().min(1), version: z.string().min(1), command: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type ExperimentSpec = z.infer<typeof ExperimentSpec>;
