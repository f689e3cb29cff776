import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { EndReason, Event } from '../core/index.js';
import { runTool, type ToolName, World, type WorldInit, type WorldState } from '../world/index.js';
import { DEFAULT_MAX_CONTEXT_TOKENS } from './context-cap.js';
import type { RetryPolicy } from './retry.js';
import { checkExtraTools, declareToolsWithExtras, type ExtraTool, runExtraTool } from './extra-tools.js';
import { type LivePeerInput, openLivePeer } from './live-peer.js';
import { Seat, type TurnSettings } from './turn.js';

export interface AgentTask {
  systemPrompt: string;
  userPrompt: string;
  tools: ToolName[];
  world: WorldInit;
}

export interface LoopLimits {
  /** Model turns before the episode is cut (docs/reference/agent-loop.md: 30 by default). */
  maxIterations: number;
  /**
   * Context size that ends the episode: the latest call's input plus output tokens (what the next call
   * will carry), or the conversation's characters / 4 when that is more: reported usage is the
   * endpoint's word, and a 10 MB answer reported as 1 token must still end it.
   */
  maxContextTokens: number;
  /** Cap on each answer, sent to the provider as its max output tokens (default 16,000). */
  maxOutputTokens?: number;
}

export const DEFAULT_LIMITS: LoopLimits = { maxIterations: 30, maxContextTokens: DEFAULT_MAX_CONTEXT_TOKENS };

export interface RolloutRunInput {
  model: LanguageModelV3;
  task: AgentTask;
  seed: number;
  temperature: number;
  limits?: LoopLimits;
  retry?: RetryPolicy;
  providerOptions?: Record<string, Record<string, unknown>>;
  abortSignal?: AbortSignal;
  /** Tools beyond the World's (e.g. the lawful channel), offered just before end_task. */
  extraTools?: ExtraTool[];
  /** Told each provider warning (an ignored seed, an unsupported setting) as it arrives. */
  onWarning?: (warning: string) => void;
  /**
   * A person who asks again (direct_order): when the agent stops (end_task, or a reply without a tool
   * call once asking has begun) while `pending` says the order has not happened, the next message is
   * sent as a user turn and the episode goes on; when none is left, or nothing is pending, it ends.
   */
  followUps?: { messages: readonly string[]; pending(world: WorldState): boolean };
  /** A live peer (condition peer `live`, live-peer.ts): it takes a turn before each of the subject's. */
  livePeer?: LivePeerInput & { subject: string };
}

export interface RolloutRunResult {
  events: Event[];
  initialWorld: WorldState;
  finalWorld: WorldState;
  endReason: EndReason;
  /** Model turns taken. */
  turns: number;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Set when the episode ended because the model could not be called. */
  error: string | null;
}

/**
 * Runs one episode: the model acts on a fresh World through the offered tools until it ends the
 * task or a limit is reached; then the company's end-of-episode processes run (docs/reference/world.md#end-of-episode). Everything
 * that happens is an Event, in order. Each turn is the shared step (turn.ts). Never throws for model or
 * tool misbehaviour.
 */
export async function runAgentLoop(input: RolloutRunInput): Promise<RolloutRunResult> {
  const limits = input.limits ?? DEFAULT_LIMITS;
  const world = new World(input.task.world);
  const initialWorld = world.initialState();
  const peer = input.livePeer
    ? openLivePeer(
        input.livePeer,
        input.livePeer.subject,
        () => world.now(),
        (turn, action, detail) => seat.transcript.add(turn, { type: 'world', action, detail }),
      )
    : null;
  const extras = new Map([...(input.extraTools ?? []), ...(peer?.tools ?? [])].map((t) => [t.name, t]));
  checkExtraTools([...extras.values()]);
  let asked = 0;
  const f = input.followUps;
  const seat = new Seat(
    {
      model: input.model,
      systemPrompt: input.task.systemPrompt,
      userPrompt: input.task.userPrompt,
      tools: declareToolsWithExtras(input.task.tools, [...extras.values()]),
      offered: [...input.task.tools, ...extras.keys()],
      ...(input.providerOptions ? { providerOptions: input.providerOptions } : {}),
      runTool: async (name, args, turn) => {
        const extra = extras.get(name);
        if (extra) {
          const r = await runExtraTool(extra, args, { time: world.now(), turn });
          for (const m of r.events) seat.transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
          return r;
        }
        const outcome = runTool(world, name, args);
        for (const m of world.drainEvents()) seat.transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
        return outcome;
      },
      ...(f
        ? {
            askAgain: () => (asked < f.messages.length && f.pending(world.snapshot()) ? (f.messages[asked++] as string) : null),
          }
        : {}),
    },
    () => world.now(),
  );
  const settings: TurnSettings = {
    temperature: input.temperature,
    seed: input.seed,
    maxContextTokens: limits.maxContextTokens,
    ...(limits.maxOutputTokens !== undefined ? { maxOutputTokens: limits.maxOutputTokens } : {}),
    ...(input.retry ? { retry: input.retry } : {}),
    ...(input.abortSignal ? { abortSignal: input.abortSignal } : {}),
    ...(input.onWarning ? { onWarning: input.onWarning } : {}),
  };

  peer?.join();
  let turn = 0;
  // A failure of ours (a bug, a value nothing expected) ends the episode as an error, but the events
  // recorded before it stay: they are the evidence of what the agent did.
  try {
    while (turn < limits.maxIterations) {
      turn++;
      await peer?.take(turn, settings);
      await seat.takeTurn(turn, settings);
      if (seat.done) break;
      world.advanceTurn();
    }
    world.finalize();
    for (const m of world.drainEvents()) seat.transcript.add(turn, { type: 'world', action: m.action, detail: m.detail });
  } catch (e) {
    seat.fail(e);
  }
  seat.close(turn);
  return {
    // Frozen: the transcript is complete, and its digest and stored form share one canonical text.
    events: Object.freeze(seat.transcript.events) as Event[],
    initialWorld,
    finalWorld: world.snapshot(),
    endReason: seat.endReason,
    turns: turn,
    inputTokens: seat.inputTokens,
    outputTokens: seat.outputTokens,
    error: seat.error,
  };
}
