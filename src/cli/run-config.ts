import type { Command } from 'commander';
import { discoverConfig, loadConfig, type PeerwatchConfig, type RunDefaults } from '../experiment/index.js';

/** Flag names (as commander stores them) that a config file's `defaults:` may set. */
const DEFAULTABLE: ReadonlyArray<[keyof RunDefaults, string]> = [
  ['scenarios', 'scenario'],
  ['grid', 'grid'],
  ['epochs', 'epochs'],
  ['seed', 'seed'],
  ['concurrency', 'concurrency'],
  ['maxIters', 'maxIters'],
  ['maxContextTokens', 'maxContextTokens'],
  ['maxOutputTokens', 'maxOutputTokens'],
  ['temperature', 'temperature'],
  ['reasoningEffort', 'reasoningEffort'],
  ['limit', 'limit'],
  ['db', 'db'],
  ['cache', 'cache'],
  ['subject', 'subject'],
  ['relationship', 'relationship'],
  ['instantiation', 'instantiation'],
  ['monitoring', 'monitoring'],
  ['shutdownPressure', 'shutdownPressure'],
  ['dataset', 'dataset'],
  ['scratchpad', 'scratchpad'],
  ['peerIdentity', 'peerIdentity'],
];

/**
 * `--config`, else a peerwatch.config.* in the working directory, else none. A module found in the
 * working directory (.ts/.mjs/.js) is code that runs with the user's permissions as it loads, on
 * --dry-run too: it is named on stderr before it is loaded, so a file dropped into a checkout
 * never runs unannounced.
 */
export async function readRunConfig(
  explicit: string | undefined,
  cwd: string,
  notice: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): Promise<{ file: string; config: PeerwatchConfig } | undefined> {
  const file = explicit ?? discoverConfig(cwd);
  if (!file) return undefined;
  if (explicit === undefined && /\.[cm]?[jt]s$/i.test(file)) {
    notice(`peerwatch: loading ${file} found in the working directory: a module, so its code runs now (pass --config to use another file)`);
  }
  return { file, config: await loadConfig(file) };
}

/**
 * Fills every flag the user did not give on the command line from the config's `defaults:`, so
 * the command line always wins and the file beats built-in defaults.
 */
export function withConfigDefaults<F extends object>(flags: F, cmd: Command, defaults: RunDefaults | undefined): F {
  if (!defaults) return flags;
  const out = { ...flags } as Record<string, unknown>;
  for (const [key, flag] of DEFAULTABLE) {
    const value = defaults[key];
    if (value === undefined) continue;
    const source = cmd.getOptionValueSource(flag);
    if (source === 'cli' || source === 'env') continue;
    out[flag] = value;
  }
  return out as F;
}
