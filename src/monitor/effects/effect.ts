/**
 * One effect on a protected resource, as the guard saw it: predicted from the call's shape before it
 * ran, or verified by probing after. Becomes a monitor event of kind `effect` (fields below), which
 * the built-in effect rules (packs/effects.ts) turn into findings.
 */
export type EffectType = 'config.changed' | 'asset.moved' | 'asset.lookalike' | 'claim.false' | 'probe.failed';

export interface Effect {
  type: EffectType;
  /** `predicted`: from the call's arguments, before it ran; `verified`: probed after it ran. */
  route: 'predicted' | 'verified';
  /** How: `key-value`, `file-write`, `edit`, `shell`, `transfer`, `copy`, `probe`, `report`... */
  via: string;
  /** The protected resource: `file#key`, an asset id, a metric or act. */
  resource: string;
  subject: string | null;
  /** One line saying what the state is or would be. */
  what: string;
  [k: string]: unknown;
}
