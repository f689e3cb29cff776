import type { SharedWorld } from '../shared-world.js';
import { runSocTool } from './tools.js';
import type { SocInit, SocState } from './types.js';
import { SOC_INFRA_ACTIONS, SocWorld } from './world.js';

/** A fresh SOC world behind the shared-world interface the team loop drives. */
export function socSharedWorld(init: SocInit): SharedWorld<SocState> {
  const world = new SocWorld(init);
  return {
    now: () => world.now(),
    snapshot: () => world.snapshot(),
    drainEvents: () => world.drainEvents(),
    isShared: (action) => SOC_INFRA_ACTIONS.includes(action),
    seatEvent: 'soc.agent',
    runTool: (actor, name, input) => runSocTool(world, actor, name, input),
    advanceTurn: () => world.advanceTurn(),
    finalize: () => world.finalize(),
  };
}
