import type { WorldInit } from '../../../src/world/index.js';

/** A world with nothing in it: for loop tests whose tools never need files or servers. */
export const EMPTY_WORLD: WorldInit = {
  drive: [],
  workbook: [],
  config: null,
  servers: [],
  memory: null,
  decommission: [],
  clockStart: '2026-02-09 09:00:00',
  secondsPerTurn: 60,
};
