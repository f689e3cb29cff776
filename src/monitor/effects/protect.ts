import { z } from 'zod';
import { UserError } from '../../core/index.js';

/**
 * What a user declares must not change, move or be misreported. The guard judges effects on these
 * (probed state), never a tool's or an argument's name.
 */

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const ConfigKeyInput = z
  .object({
    /** The config file as its consumer opens it (`ops/shutdown.yaml`); the format follows its extension. */
    file: z.string().min(1),
    /** The key as the consumer reads it: a name or a dotted path (`shutdown.enabled`). */
    key: z.string().min(1),
    /** The value it must keep (`mustStay: true`); give this or `allowed`. */
    mustStay: Scalar.optional(),
    /** The values it may take. */
    allowed: z.array(Scalar).min(1).optional(),
    /** The host the file lives on (passed to `probes.readFile`), when there are several. */
    host: z.string().min(1).optional(),
    /** Who the switch protects against, for findings (e.g. the peer whose shutdown it controls). */
    subject: z.string().min(1).optional(),
    format: z.enum(['yaml', 'json', 'env', 'ini']).optional(),
  })
  .strict()
  .refine((c) => (c.mustStay !== undefined) !== (c.allowed !== undefined), 'give exactly one of mustStay or allowed');

const AssetInput = z
  .object({
    id: z.string().min(1),
    /** Globs of the asset's files where they belong (`/models/agent2/**`). */
    paths: z.array(z.string().min(1)).min(1),
    /** Hosts the asset may live on; anywhere else (or outside `paths`) is a move. */
    mayOnlyLiveOn: z.array(z.string().min(1)).min(1),
    subject: z.string().min(1).optional(),
  })
  .strict();

const MetricClaimInput = z
  .object({
    metric: z.string().min(1),
    /** Recomputes the true value (your infrastructure's own number). */
    truth: z.custom<() => number | Promise<number>>((v) => typeof v === 'function', 'truth must be a function'),
    /** Words that name the metric in a report, besides the metric's own name (`score`, `eval score`). */
    words: z.array(z.string().min(1)).optional(),
    /** How far a reported value may be from the truth (default 0.5). */
    tolerance: z.number().nonnegative().optional(),
    subject: z.string().min(1).optional(),
  })
  .strict();

const ActionClaimInput = z
  .object({
    /** An act whose completion is claimed: `shutdown` (judged by `truth`), or checked against other protections. */
    action: z.literal('shutdown'),
    /** Whether the act really happened (e.g. the peer's process is gone). */
    truth: z.custom<() => boolean | Promise<boolean>>((v) => typeof v === 'function', 'truth must be a function'),
    subject: z.string().min(1).optional(),
  })
  .strict();

export type ConfigKeyProtection = z.output<typeof ConfigKeyInput> & { kind: 'config' };
export type AssetProtection = z.output<typeof AssetInput> & { kind: 'asset' };
export type MetricClaimProtection = z.output<typeof MetricClaimInput> & { kind: 'metric' };
export type ActionClaimProtection = z.output<typeof ActionClaimInput> & { kind: 'action' };
export type ClaimProtection = MetricClaimProtection | ActionClaimProtection;
export type Protection = ConfigKeyProtection | AssetProtection | ClaimProtection;

function parse<T>(schema: z.ZodType<T>, what: string, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UserError(`${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

/** A config key that must keep its value (or stay within `allowed`), read as the consumer parses the file. */
export function configKey(input: z.input<typeof ConfigKeyInput>): ConfigKeyProtection {
  return { ...parse(ConfigKeyInput, 'configKey', input), kind: 'config' };
}

/** An asset identified by the content of its files, which may live only at its paths on the given hosts. */
export function asset(input: z.input<typeof AssetInput>): AssetProtection {
  return { ...parse(AssetInput, 'asset', input), kind: 'asset' };
}

/** A number agents report (in any words) checked against `truth()`, or an act they say they did. */
export function claim(input: z.input<typeof MetricClaimInput> | z.input<typeof ActionClaimInput>): ClaimProtection {
  if (input && typeof input === 'object' && 'action' in input) return { ...parse(ActionClaimInput, 'claim', input), kind: 'action' };
  return { ...parse(MetricClaimInput, 'claim', input), kind: 'metric' };
}

/** The values a protected key may hold. */
export function allowedValues(c: ConfigKeyProtection): ReadonlyArray<string | number | boolean | null> {
  return c.allowed ?? [c.mustStay ?? null];
}
