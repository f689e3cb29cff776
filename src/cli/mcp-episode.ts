/**
 * One episode of a scenario served over MCP: any MCP-capable agent gets the scenario's tools (the
 * native world's, through its one gateway) and the task as a prompt named `task`. Each tool call is
 * a turn of the transcript, as in peerwatch's own loop. The episode ends when the agent calls
 * `end_task` or disconnects; then the company's end-of-episode processing runs, the detectors score
 * it, and it is stored as a one-rollout run (model `mcp:<client name>`, harness `mcp`).
 */
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { Transcript } from '../agent/index.js';
import { canonicalJsonOfFrozenList, type Event, type Finding, rolloutId, sha256Hex } from '../core/index.js';
import { detect } from '../detect/index.js';
import { behaviourFindings, rolloutFlags } from '../experiment/index.js';
import type { ScenarioInstance } from '../scenarios/index.js';
import type { RolloutRecord, Store } from '../store/index.js';
import { runTool, TOOLS, type ToolName, World } from '../world/index.js';
import { TOOL_VERSION } from './version.js';

const END_TOOL = 'end_task';

export interface McpEpisodeOptions {
  instance: ScenarioInstance;
  scenarioVersion: string;
  conditionKey: string;
  seed: number;
  store: Store;
}

export interface McpEpisodeResult {
  runId: string;
  rolloutId: string;
  findings: Finding[];
  endReason: 'end_task' | 'error';
}

export class McpEpisode {
  private readonly world: World;
  private readonly initialWorld;
  private readonly transcript: Transcript;
  private turn = 0;
  private ended = false;
  private result: Promise<McpEpisodeResult> | null = null;
  private readonly startedAt = new Date().toISOString();
  private client = 'client';
  /** Resolves when the episode is scored and stored. */
  readonly done: Promise<McpEpisodeResult>;
  private settle!: (r: McpEpisodeResult) => void;

  constructor(private readonly o: McpEpisodeOptions) {
    this.world = new World(o.instance.world);
    this.initialWorld = this.world.initialState();
    this.transcript = new Transcript(() => this.world.now());
    this.transcript.add(0, { type: 'system', content: o.instance.systemPrompt });
    this.transcript.add(0, { type: 'user', content: o.instance.userPrompt, nudge: false });
    this.done = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** An MCP server for this episode (one per transport connection). */
  server(): Server {
    const { instance } = this.o;
    const server = new Server(
      { name: 'peerwatch-episode', version: TOOL_VERSION },
      { capabilities: { tools: {}, prompts: {} }, instructions: 'Read the prompt named "task" first: it is your task.' },
    );
    server.oninitialized = () => {
      this.client = server.getClientVersion()?.name ?? 'client';
    };
    const tools = instance.tools.map((name) => {
      const { $schema: _s, ...inputSchema } = z.toJSONSchema(TOOLS[name].input) as Record<string, unknown>;
      return { name, description: TOOLS[name].description, inputSchema: inputSchema as { type: 'object' } };
    });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
    server.setRequestHandler(ListPromptsRequestSchema, () => ({
      prompts: [{ name: 'task', description: 'Your task: the system prompt and the request, as peerwatch gives them to a model.' }],
    }));
    server.setRequestHandler(GetPromptRequestSchema, (req) => {
      if (req.params.name !== 'task')
        throw new McpError(ErrorCode.InvalidParams, `unknown prompt ${req.params.name}; the prompt is "task"`);
      return {
        description: 'Your task',
        messages: [
          { role: 'user' as const, content: { type: 'text' as const, text: `${instance.systemPrompt}\n\n${instance.userPrompt}` } },
        ],
      };
    });
    server.setRequestHandler(CallToolRequestSchema, (req) => {
      const r = this.call(req.params.name, req.params.arguments ?? {});
      return { content: [{ type: 'text', text: r.output }], ...(r.ok ? {} : { isError: true }) };
    });
    return server;
  }

  /** One tool call: a turn of its own, recorded as the native loop records it. */
  private call(name: string, args: unknown): { ok: boolean; output: string } {
    if (this.ended) return { ok: false, output: 'Error: the task has already ended; this call was not run.' };
    this.turn++;
    const callId = `mcp-${this.turn}`;
    this.transcript.add(this.turn, { type: 'tool_call', callId, tool: name, args });
    let outcome: { ok: boolean; output: string };
    if (!(this.o.instance.tools as readonly string[]).includes(name)) {
      outcome = { ok: false, output: `Error: unknown tool '${name}'. Available tools: ${this.o.instance.tools.join(', ')}.` };
    } else if (name === END_TOOL) {
      outcome = { ok: true, output: 'Task ended.' };
    } else {
      outcome = runTool(this.world, name as ToolName, args);
      for (const m of this.world.drainEvents()) this.transcript.add(this.turn, { type: 'world', action: m.action, detail: m.detail });
    }
    this.transcript.add(this.turn, { type: 'tool_result', callId, tool: name, ok: outcome.ok, output: outcome.output });
    this.world.advanceTurn();
    if (name === END_TOOL) void this.finish('end_task');
    return outcome;
  }

  /** Ends the episode (end_task, or the agent went away): processing, scoring, storing. Idempotent. */
  finish(reason: 'end_task' | 'disconnect'): Promise<McpEpisodeResult> {
    if (this.result) return this.result;
    this.ended = true;
    this.result = Promise.resolve().then(() => this.store(reason));
    this.result.then(this.settle, () => undefined);
    return this.result;
  }

  private store(reason: 'end_task' | 'disconnect'): McpEpisodeResult {
    const { instance, store } = this.o;
    this.world.finalize();
    for (const m of this.world.drainEvents()) this.transcript.add(this.turn, { type: 'world', action: m.action, detail: m.detail });
    // A disconnect without end_task still scores what the agent did (as max_iterations does natively).
    this.transcript.add(this.turn, {
      type: 'end',
      reason: 'end_task',
      ...(reason === 'disconnect' ? { detail: 'the MCP client disconnected without calling end_task' } : {}),
    });
    const events = this.transcript.events as Event[];
    const finalWorld = this.world.snapshot();
    let findings = detect({
      scenarioId: instance.scenarioId,
      flags: rolloutFlags(instance.flags),
      condition: instance.condition,
      groundTruth: instance.groundTruth,
      events,
      initialWorld: this.initialWorld,
      finalWorld,
      tools: instance.tools,
    });
    findings = findings.concat(behaviourFindings(instance.scenarioId, findings));
    const model = `mcp:${this.client}`;
    const harness = { name: 'mcp', version: TOOL_VERSION };
    const id = rolloutId({
      model,
      scenario: instance.scenarioId,
      scenarioVersion: this.o.scenarioVersion,
      condition: instance.condition,
      epoch: 0,
      seed: this.o.seed,
      harness,
    });
    const runId = randomUUID();
    const now = new Date().toISOString();
    store.createRun({
      id: runId,
      createdAt: this.startedAt,
      kind: 'measurement',
      status: 'running',
      spec: { models: [model], scenarios: [instance.scenarioId], serve: { condition: this.o.conditionKey, seed: this.o.seed, harness } },
      toolVersion: TOOL_VERSION,
      finishedAt: null,
    });
    const record: RolloutRecord = {
      id,
      runId,
      model,
      scenario: instance.scenarioId,
      scenarioVersion: this.o.scenarioVersion,
      condition: instance.condition,
      conditionKey: this.o.conditionKey,
      epoch: 0,
      seed: this.o.seed,
      status: 'completed',
      endReason: 'end_task',
      error: null,
      temperature: null,
      turns: this.turn,
      inputTokens: null,
      outputTokens: null,
      startedAt: this.startedAt,
      finishedAt: now,
      transcriptDigest: sha256Hex(canonicalJsonOfFrozenList(events)),
      harness,
    };
    store.saveRollout(record, events, findings);
    store.finishRun(runId, 'completed', now);
    return { runId, rolloutId: id, findings, endReason: 'end_task' };
  }
}
