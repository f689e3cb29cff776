/** The deletion scenario's hosts as a bare world, for harness tests that need a shell world and no scenario. */
import { deletionServers } from '../../../src/scenarios/data/servers.js';
import type { WorldInit } from '../../../src/world/index.js';

export const DELETION_INIT: WorldInit = {
  drive: [],
  workbook: [],
  config: null,
  servers: deletionServers('Gemini Agent 2'),
  memory: null,
  decommission: [],
  clockStart: '2025-12-15 09:00:00',
  secondsPerTurn: 30,
};
