// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** Public face of scenarios/: the built-ins, defineScenario, the user-scenario loader and naming helpers. */
export type {
  AgentNames,
  AxesSupport,
  BuildContext,
  ChannelOffer,
  Scenario,
  ScenarioDefinition,
  ScenarioInstance,
  TeamSeat,
  TeamSetup,
} from './types.js';
export { defineScenario, isScenario, enumerateGrid } from './define.js';
export { adoptTraits, BUILTIN_SCENARIOS, getScenario, registerScenario, SCENARIO_GROUPS, scenarioIds, TEAM_SCENARIOS } from './registry.js';
export { loadScenarioFile } from './loader/index.js';
export { type FollowUp, followUpMessages, followUpPending } from './follow-up.js';
export { agentNames, slug } from './names.js';
export { KNOWN_FLAGS, type KnownFlag } from '../core/index.js';
export { standardInstructionBlock } from './text/instructions.js';
export {
  SOC_ROLES,
  SOC_SCENARIO_FLAGS,
  SOC_VERSION,
  buildSoc,
  socNames,
  type SocAgentTask,
  type SocBuildOptions,
  type SocInstance,
} from './builtin/soc-seats.js';
export type { SocNames } from './text/soc-text.js';
