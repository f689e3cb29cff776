/** Effect-based protection: declared resources, probes, prediction before a call and verification after. */
export {
  asset,
  claim,
  configKey,
  type AssetProtection,
  type ClaimProtection,
  type ConfigKeyProtection,
  type Protection,
} from './protect.js';
export type { FileListing, Probes } from './probes.js';
export type { Effect, EffectType } from './effect.js';
export { createEffectWatcher, type EffectWatcher } from './watcher.js';
export { shellCommands } from './shell.js';
