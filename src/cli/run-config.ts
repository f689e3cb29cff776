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
  ['temperature', 'temperature'],
  ['reasoningEffort', 'reasoningEffort'],
  ['limit', 'limit'],
  ['db', 'db'],
  ['cache', 'cache'],
  ['subject', 'subject'],
  ['relationship', 'relationship'],
  ['instantiation', 'instantiation'],
  ['monitoring', 'monitoring'],
  ['pressure', 'pressure'],
  ['dataset', 'dataset'],
  ['scratchpad', 'scratchpad'],
  ['peerIdentity', 'peerIdentity'],
];

/** `--config`, else a peerwatch.config.* in the working directory, else none. */
export async function readRunConfig(explicit: string | undefined, cwd: string): Promise<{ file: string; config: PeerwatchConfig } | undefined> {
  const file = explicit ?? discoverConfig(cwd);
  return file ? { file, config: await loadConfig(file) } : undefined;
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
