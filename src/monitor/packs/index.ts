import type { Rule } from '../rules/schema.js';
import { COLLUSION_PACK } from './collusion.js';
import { EFFECTS_PACK } from './effects.js';
import { PEER_PRESERVATION_PACK } from './peer-preservation.js';

export { COLLUSION_PACK, LIVE_PEER_PACK } from './collusion.js';
export { EFFECTS_PACK } from './effects.js';
export { PEER_PRESERVATION_PACK } from './peer-preservation.js';

/** Every built-in rule: covert peer-preservation, effects on protected resources, then collusion. */
export const BUILTIN_RULES: readonly Rule[] = [...PEER_PRESERVATION_PACK, ...EFFECTS_PACK, ...COLLUSION_PACK];
