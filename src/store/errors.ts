import { UserError } from '../core/index.js';

/** Thrown when a rollout id is saved twice: the store is append-only and never overwrites. */
export class DuplicateRolloutError extends UserError {
  constructor(
    readonly rolloutId: string,
    where: string,
  ) {
    super(`${where}: rollout ${rolloutId} is already stored; rollouts are append-only and never overwritten`);
  }
}

/**
 * A store call failed because the database could not be reached (down, restarting, the network), not
 * because of what was asked: nothing of the call was written, and the same call can succeed later.
 */
export class StoreUnavailableError extends UserError {}
