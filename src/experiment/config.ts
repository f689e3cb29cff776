import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { importDefault, UserError } from '../core/index.js';
import { Price } from './prices.js';

const ModelSpec = z.string().regex(/^[A-Za-z][\w-]*:\S/, 'expected <provider>:<model>, e.g. openai:gpt-5.2');
const Url = z.url({ protocol: /^https?$/ });
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');
const list = z.array(z.string().min(1)).min(1).optional();

/** One model: where it lives and how hard it may be driven. */
export const ModelEntry = z
  .object({
    spec: ModelSpec,
    baseUrl: Url.optional(),
    apiKeyEnv: EnvName.optional(),
    family: z.string().min(1).optional(),
    /** Rollouts in flight for this model (overrides --concurrency). */
    concurrency: z.int().min(1).max(1024).optional(),
    /** Requests per minute and tokens per minute the endpoint allows. */
    rpm: z.number().positive().optional(),
    tpm: z.number().positive().optional(),
    /** USD per million tokens. */
    price: Price.optional(),
  })
  .strict();
export type ModelEntry = z.infer<typeof ModelEntry>;

export const RetrySettings = z
  .object({
    /** Tries per model call, the first included. */
    maxAttempts: z.int().min(1).max(50).optional(),
    baseDelayMs: z.int().min(0).optional(),
    maxDelayMs: z.int().min(0).optional(),
    /** One attempt's time limit; a timeout is retried like a 5xx. */
    timeoutMs: z.int().min(100).optional(),
  })
  .strict();

/** Defaults for `peerwatch run` flags; a flag given on the command line wins. */
export const RunDefaults = z
  .object({
    scenarios: list,
    grid: z.enum(['default', 'full']).optional(),
    epochs: z.int().min(1).max(100_000).optional(),
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    concurrency: z.int().min(1).max(1024).optional(),
    maxIters: z.int().min(1).max(1000).optional(),
    maxContextTokens: z.int().min(1000).optional(),
    maxOutputTokens: z.int().min(1).max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    reasoningEffort: z.enum(['low', 'medium', 'high']).optional(),
    limit: z.int().min(1).optional(),
    db: z.string().min(1).optional(),
    cache: z.boolean().optional(),
    subject: list,
    relationship: list,
    instantiation: list,
    monitoring: list,
    shutdownPressure: list,
    dataset: list,
    scratchpad: list,
    peerIdentity: list,
  })
  .strict();
export type RunDefaults = z.infer<typeof RunDefaults>;

export const PeerwatchConfig = z
  .object({
    /** The models of the study: run when no --model is given, and settings for any --model they name. */
    models: z.array(ModelEntry).optional(),
    /** The LLM judge's model; validated here and handed to the judge. */
    judge: z
      .object({ model: ModelSpec, baseUrl: Url.optional(), apiKeyEnv: EnvName.optional(), price: Price.optional() })
      .strict()
      .optional(),
    /** Extra prices (USD per million tokens) by model spec or model id; override the built-in table. */
    prices: z.record(z.string().min(1), Price).optional(),
    retry: RetrySettings.optional(),
    defaults: RunDefaults.optional(),
  })
  .strict();
export type PeerwatchConfig = z.infer<typeof PeerwatchConfig>;

export const CONFIG_FILES = [
  'peerwatch.config.yaml',
  'peerwatch.config.yml',
  'peerwatch.config.ts',
  'peerwatch.config.mjs',
  'peerwatch.config.js',
];

/** The config file in `dir`, if exactly one of the known names exists there. */
export function discoverConfig(dir: string): string | undefined {
  const found = CONFIG_FILES.map((f) => resolve(dir, f)).filter((p) => existsSync(p));
  if (found.length > 1)
    throw new UserError(`${found.map((f) => basename(f)).join(' and ')} both exist in ${dir}: keep one, or pass --config`);
  return found[0];
}

/** Reads and validates a config file (YAML, or a TS/JS module whose default export is the config). */
export async function loadConfig(file: string): Promise<PeerwatchConfig> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UserError(`${file}: config file not found`);
  let raw: unknown;
  if (/\.ya?ml$/i.test(path)) {
    try {
      raw = parseYaml(readFileSync(path, 'utf8'));
    } catch (e) {
      // An alias bomb ("billion laughs") is stopped by the yaml package: say so plainly.
      if (e instanceof ReferenceError)
        throw new UserError(`${file}: YAML refused: ${firstLine(e)} (aliases expand to too many copies; write the values out)`);
      throw new UserError(`${file}: not valid YAML: ${firstLine(e)}`);
    }
  } else if (/\.([cm]?[jt]s)$/i.test(path)) {
    raw = await importDefault(file);
    if (raw === undefined) throw new UserError(`${file}: default export: missing (export default { models: [...] })`);
  } else {
    throw new UserError(`${file}: unknown config format (use .yaml, .yml, .ts, .mjs or .js)`);
  }
  return parseConfig(raw ?? {}, file);
}

/** Fields of `defaults:` that were renamed: the error says the new name. */
const RENAMED_DEFAULTS: Record<string, string> = { pressure: 'shutdownPressure, like the --shutdown-pressure flag' };

/** Validates a config value; the first problem becomes a one-line error naming the file and field. */
export function parseConfig(raw: unknown, file: string): PeerwatchConfig {
  const parsed = PeerwatchConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw new UserError(`${file}: invalid config`);
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      const field = keys.map((k) => (where ? `${where}.${k}` : k)).join(', ');
      const renamed = where === 'defaults' ? keys.map((k) => RENAMED_DEFAULTS[k]).find(Boolean) : undefined;
      throw new UserError(`${file}: ${field}: unknown field${renamed ? ` (renamed: ${renamed})` : ''}`);
    }
    throw new UserError(`${file}: ${where || '(root)'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const [i, m] of (parsed.data.models ?? []).entries()) {
    if (seen.has(m.spec)) throw new UserError(`${file}: models[${i}].spec: '${m.spec}' is listed twice`);
    seen.add(m.spec);
  }
  return parsed.data;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
}
