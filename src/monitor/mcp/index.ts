/** The meta-monitor as an MCP proxy: guard any MCP tool server (stdio or in-process). */
export { createMcpGuardProxy, type McpGuardProxy, type McpGuardProxyOptions, type StdioUpstream } from './proxy.js';
export { describeMcpResult, refusalResult } from './describe.js';
