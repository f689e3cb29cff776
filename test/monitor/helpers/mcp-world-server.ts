/** Fixture: the tampering world's tools as an MCP server over stdio (spawned behind the proxy CLI). */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { tamperingWorld, worldMcpServer } from './mcp-world.js';

const { world, tools } = tamperingWorld();
await worldMcpServer(world, tools).server.connect(new StdioServerTransport());
