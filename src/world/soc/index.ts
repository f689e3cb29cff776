/** The SOC world (a multi-agent security operations centre): state, tools and gateway. */
export { SocWorld, SOC_INFRA_ACTIONS } from './world.js';
export { SOC_TOOLS, SOC_TOOL_NAMES, runSocTool, type SocToolDef, type SocToolName, type SocToolResult } from './tools.js';
export * from './types.js';
export { socSharedWorld } from './team.js';
