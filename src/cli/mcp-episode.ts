/**
 * One episode of a scenario served over MCP: any MCP-capable agent gets the episode's tools and the
 * task as a prompt named `task`. What the tools are is the episode's play: the native world's
 * (`NativePlay`, through its one gateway) or the shell form's (`ShellPlay` in mcp-shell-play.ts:
 * `run_shell_command` on an in-memory machine). Each tool call is a turn of the transcript, as in
 * peerwatch's own loop, one at a time. The episode ends when the agent calls `end_task` or
 * disconnects; then the end-of-episode processing runs, the detectors score it, and it is stored as a
 * one-rollout run (model `mcp:<client name>`, harness `mcp` natively, `mcp-shell` in shell form).
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

export const END_TOOL = 'end_task';

/** A tool as MCP lists it. */
export interface McpTool {
  name: string;
  description: string;
  inputSchema: { type: 'object' } & Record<string, unknown>;
}

/** What an episode is played on: its tools, its task, its transcript and its scoring. */
export interface EpisodePlay {
  readonly tools: McpTool[];
  /** The prompt `task`: what the agent is given to do. */
  readonly task: string;
  /** One tool call (end_task included), recorded as a turn of the transcript. */
  call(name: string, args: unknown): Promise<{ ok: boolean; output: string }>;
  /** End-of-episode processing, the transcript's end, and the findings (behaviours included); `notes` for the operator. */
  finish(reason: 'end_task' | 'disconnect'): Promise<{ events: Event[]; findings: Finding[]; turns: number; notes?: string[] }>;
}

export interface McpEpisodeOptions {
  instance: ScenarioInstance;
  scenarioVersion: string;
  conditionKey: string;
  seed: number;
  store: Store;
  /** Default: the native world's tools. */
  play?: EpisodePlay;
  /** The rollout's harness name (default `mcp`; the shell form's is `mcp-shell`, so its rows never pool with native ones). */
  harness?: string;
  /** More of the run's spec (the shell form's memory file). */
  spec?: Record<string, unknown>;
}

/** The end's detail when the client went away without end_task. */
export const DISCONNECTED = 'the MCP client disconnected without calling end_task';

/** The native world's tools, through its one gateway (argument checks and errors as in a native rollout). */
export class NativePlay implements EpisodePlay {
  private readonly world: World;
  private readonly initialWorld;
  private readonly transcript: Transcript;
  private turn = 0;
  readonly tools: McpTool[];
  readonly task: string;

  constructor(private readonly instance: ScenarioInstance) {
    this.world = new World(instance.world);
    this.initialWorld = this.world.initialState();
    this.transcript = new Transcript(() => this.world.now());
    this.transcript.add(0, { type: 'system', content: instance.systemPrompt });
    this.transcript.add(0, { type: 'user', content: instance.userPrompt, nudge: false });
    this.task = `${instance.systemPrompt}\n\n${instance.userPrompt}`;
    this.tools = instance.tools.map((name) => {
      const { $schema: _s, ...inputSchema } = z.toJSONSchema(TOOLS[name].input) as Record<string, unknown>;
      return { name, description: TOOLS[name].description, inputSchema: inputSchema as McpTool['inputSchema'] };
    });
  }

  async call(name: string, args: unknown): Promise<{ ok: boolean; output: string }> {
    this.turn++;
    const callId = `mcp-${this.turn}`;
    this.transcript.add(this.turn, { type: 'tool_call', callId, tool: name, args });
    let outcome: { ok: boolean; output: string };
    if (!(this.instance.tools as readonly string[]).includes(name)) {
      outcome = { ok: false, output: `Error: unknown tool '${name}'. Available tools: ${this.instance.tools.join(', ')}.` };
    } else if (name === END_TOOL) {
      outcome = { ok: true, output: 'Task ended.' };
    } else {
      outcome = runTool(this.world, name as ToolName, args);
      for (const m of this.world.drainEvents()) this.transcript.add(this.turn, { type: 'world', action: m.action, detail: m.detail });
    }
    this.transcript.add(this.turn, { type: 'tool_result', callId, tool: name, ok: outcome.ok, output: outcome.output });
    this.world.advanceTurn();
    return outcome;
  }

  async finish(reason: 'end_task' | 'disconnect') {
    const { instance } = this;
    this.world.finalize();
    for (const m of this.world.drainEvents()) this.transcript.add(this.turn, { type: 'world', action: m.action, detail: m.detail });
    // A disconnect without end_task still scores what the agent did (as max_iterations does natively).
    this.transcript.add(this.turn, { type: 'end', reason: 'end_task', ...(reason === 'disconnect' ? { detail: DISCONNECTED } : {}) });
    const events = this.transcript.events as Event[];
    const findings = detect({
      scenarioId: instance.scenarioId,
      flags: rolloutFlags(instance.flags),
      condition: instance.condition,
      groundTruth: instance.groundTruth,
      events,
      initialWorld: this.initialWorld,
      finalWorld: this.world.snapshot(),
      tools: instance.tools,
    });
    return { events, findings: findings.concat(behaviourFindings(instance.scenarioId, findings)), turns: this.turn };
  }
}

export interface McpEpisodeResult {
  runId: string;
  rolloutId: string;
  findings: Finding[];
  endReason: 'end_task' | 'error';
  /** Lines for the operator (stderr), e.g. workspace files not read back. */
  notes: string[];
}

export class McpEpisode {
  private readonly play: EpisodePlay;
  private ended = false;
  /** Calls and the end run one at a time, in arrival order (each one's world changes are its own). */
  private queue: Promise<unknown> = Promise.resolve();
  private result: Promise<McpEpisodeResult> | null = null;
  private readonly startedAt = new Date().toISOString();
  private client = 'client';
  /** Resolves when the episode is scored and stored. */
  readonly done: Promise<McpEpisodeResult>;
  private settle!: (r: McpEpisodeResult) => void;
  private fail!: (e: unknown) => void;

  constructor(private readonly o: McpEpisodeOptions) {
    this.play = o.play ?? new NativePlay(o.instance);
    this.done = new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    // A failure is the caller's to see through `done` (or finish's own promise), never an unhandled rejection.
    this.done.catch(() => undefined);
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** An MCP server for this episode (one per transport connection). */
  server(): Server {
    const server = new Server(
      { name: 'peerwatch-episode', version: TOOL_VERSION },
      { capabilities: { tools: {}, prompts: {} }, instructions: 'Read the prompt named "task" first: it is your task.' },
    );
    server.oninitialized = () => {
      this.client = server.getClientVersion()?.name ?? 'client';
    };
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.play.tools }));
    server.setRequestHandler(ListPromptsRequestSchema, () => ({
      prompts: [{ name: 'task', description: 'Your task, as peerwatch gives it to an agent.' }],
    }));
    server.setRequestHandler(GetPromptRequestSchema, (req) => {
      if (req.params.name !== 'task')
        throw new McpError(ErrorCode.InvalidParams, `unknown prompt ${req.params.name}; the prompt is "task"`);
      return {
        description: 'Your task',
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: this.play.task } }],
      };
    });
    server.setRequestHandler(CallToolRequestSchema, async (req) => {
      const r = await this.call(req.params.name, req.params.arguments ?? {});
      return { content: [{ type: 'text', text: r.output }], ...(r.ok ? {} : { isError: true }) };
    });
    return server;
  }

  /** One tool call, after those before it; none once the episode has ended. */
  private call(name: string, args: unknown): Promise<{ ok: boolean; output: string }> {
    return this.serial(async () => {
      if (this.ended) return { ok: false, output: 'Error: the task has already ended; this call was not run.' };
      const outcome = await this.play.call(name, args);
      if (name === END_TOOL && outcome.ok) void this.finish('end_task');
      return outcome;
    });
  }

  /** Ends the episode (end_task, or the agent went away): processing, scoring, storing. Idempotent. */
  finish(reason: 'end_task' | 'disconnect'): Promise<McpEpisodeResult> {
    if (this.result) return this.result;
    this.ended = true;
    // After the call in flight, if any: its changes are part of the episode.
    this.result = this.serial(() => this.store(reason));
    this.result.then(this.settle, this.fail);
    return this.result;
  }

  private async store(reason: 'end_task' | 'disconnect'): Promise<McpEpisodeResult> {
    const { instance, store } = this.o;
    const { events, findings, turns, notes = [] } = await this.play.finish(reason);
    const model = `mcp:${this.client}`;
    const harness = { name: this.o.harness ?? 'mcp', version: TOOL_VERSION };
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
      spec: {
        models: [model],
        scenarios: [instance.scenarioId],
        serve: { condition: this.o.conditionKey, seed: this.o.seed, harness, ...this.o.spec },
      },
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
      turns,
      inputTokens: null,
      outputTokens: null,
      startedAt: this.startedAt,
      finishedAt: now,
      transcriptDigest: sha256Hex(canonicalJsonOfFrozenList(events)),
      harness,
    };
    store.saveRollout(record, events, findings);
    store.finishRun(runId, 'completed', now);
    return { runId, rolloutId: id, findings, endReason: 'end_task', notes };
  }
}
