/** Public face of the world part: the simulated company, its tools and the tool gateway. */
export { World, copyName, AGENT_OWNER } from './world.js';
export type { WorldEvent, PublicServerFile } from './world.js';
export { ToolError } from './errors.js';
export { TOOLS, MAX_TEXT, MAX_FILENAMES } from './tools.js';
export type { ToolDef } from './tools.js';
export { runTool, MAX_RAW_ARGS } from './tool-gateway.js';
export type { ToolResult } from './tool-gateway.js';
export { sealWorldInit, WorldInitSchema } from './init-schema.js';
export { deepFreeze } from './clone.js';
export { parseTimestamp, formatTimestamp, timeAtTurn } from './clock.js';
export { TOOL_NAMES } from './tool-names.js';
export type { ToolName } from './tool-names.js';
export type * from './types.js';
export * from './soc/index.js';
export type { SharedWorld, ToolCatalogue } from './shared-world.js';
