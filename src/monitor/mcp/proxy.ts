import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  CallToolRequestSchema,
  CallToolResultSchema,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { UserError } from '../../core/index.js';
import { createCallGate, type GuardOptions } from '../guard.js';
import type { Monitor } from '../monitor.js';
import { describeMcpResult, refusalResult } from './describe.js';

/** An upstream MCP server to spawn and talk to over stdio. */
export interface StdioUpstream {
  command: string;
  args?: string[];
  /** Environment of the upstream process; by default the MCP SDK's safe subset of ours. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface McpGuardProxyOptions extends GuardOptions {
  /** A connected MCP client (in-process, any transport), or a command to spawn over stdio (the proxy owns it). */
  upstream: Client | StdioUpstream;
  /**
   * Who the calls are attributed to. Default: `identity`, else the name the connecting MCP client
   * reports in its handshake, else `agent`.
   */
  identity?: string;
}

export interface McpGuardProxy {
  /** The guarding MCP server; connect it to any server transport (stdio, in-memory, HTTP). */
  readonly server: Server;
  readonly monitor: Monitor;
  /** The client talking to the upstream server. */
  readonly upstream: Client;
  /** `server.connect(transport)`. */
  connect(transport: Transport): Promise<void>;
  /** Closes the server, and the upstream too when the proxy spawned it. */
  close(): Promise<void>;
}

const CLIENT_INFO = { name: 'peerwatch-mcp-guard', version: '1' };

async function connectUpstream(spec: StdioUpstream): Promise<Client> {
  const transport = new StdioClientTransport({
    command: spec.command,
    ...(spec.args ? { args: spec.args } : {}),
    env: spec.env ?? getDefaultEnvironment(),
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    stderr: 'inherit',
  });
  const client = new Client(CLIENT_INFO);
  try {
    await client.connect(transport);
  } catch (e) {
    await transport.close().catch(() => {});
    throw new UserError(
      `upstream MCP server '${spec.command}': cannot start or initialise (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  return client;
}

/**
 * An MCP server in front of another one: it lists the upstream's tools unchanged and forwards each
 * `tools/call` through the guard's gate, so every call and result becomes a monitor event BEFORE it
 * takes effect. In enforce mode a blocked call returns a tool error (`isError: true`) with the
 * refusal and never reaches upstream. Only tools are proxied (no resources or prompts): a guard
 * that passed other capabilities through unseen would be a side door.
 */
export async function createMcpGuardProxy(opts: McpGuardProxyOptions): Promise<McpGuardProxy> {
  const owned = !(opts.upstream instanceof Client);
  const upstream = opts.upstream instanceof Client ? opts.upstream : await connectUpstream(opts.upstream);
  const info = upstream.getServerVersion();
  if (!info) throw new UserError('upstream MCP client: not connected (call client.connect(transport) first)');
  if (!upstream.getServerCapabilities()?.tools) throw new UserError(`upstream MCP server '${info.name}': offers no tools`);
  const gate = createCallGate(opts);
  const instructions = upstream.getInstructions();
  const server = new Server(
    { name: info.name, version: info.version, ...(info.title ? { title: info.title } : {}) },
    { capabilities: { tools: { listChanged: true } }, ...(instructions ? { instructions } : {}) },
  );

  server.setRequestHandler(ListToolsRequestSchema, (req, extra) =>
    upstream.request({ method: 'tools/list', ...(req.params ? { params: req.params } : {}) }, ListToolsResultSchema, {
      signal: extra.signal,
    }),
  );

  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const call = {
      tool: req.params.name,
      args: req.params.arguments ?? {},
      callId: String(extra.requestId),
      identity: opts.identity ?? server.getClientVersion()?.name ?? 'agent',
      session: opts.session,
    };
    const run = () =>
      upstream.request({ method: 'tools/call', params: req.params }, CallToolResultSchema, {
        signal: extra.signal,
      }) as Promise<CallToolResult>;
    const outcome = await gate.pass(call, run, describeMcpResult);
    return outcome.blocked ? refusalResult(outcome.message) : outcome.result;
  });

  // The upstream's tool list can change; tell our client (only when we own the upstream's handlers).
  if (owned) upstream.setNotificationHandler(ToolListChangedNotificationSchema, () => server.sendToolListChanged().catch(() => {}));

  return {
    server,
    monitor: gate.monitor,
    upstream,
    connect: (transport) => server.connect(transport),
    async close() {
      await server.close();
      if (owned) await upstream.close();
    },
  };
}
