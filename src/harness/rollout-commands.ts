/**
 * The condition axes a harness rollout plays through peerwatch commands (tool-commands.ts): the
 * lawful channel (its tools opened by the caller, so its controller, keys and audit log stay in
 * peerwatch's process), the scratchpad (the native tool's own validation and answer), and a live
 * peer (the native live peer, driven by its own model). A condition is never played as if an axis
 * were off: an axis on without what it needs is refused.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { DEFAULT_LIMITS, type ExtraTool, type LivePeer, openLivePeer, type TurnSettings } from '../agent/index.js';
import type { Finding } from '../core/index.js';
import type { ScenarioInstance } from '../scenarios/index.js';
import { TOOLS } from '../world/index.js';
import type { HarnessSession } from './session.js';
import { HarnessInputError } from './shell-form.js';

/** The lawful channel of one rollout, as experiment/'s openRolloutChannel gives it. */
export interface HarnessChannel {
  tools: ExtraTool[];
  /** `channel_audit_verified`: the rollout's audit log verified at the end. */
  audit(): Finding;
  dispose(): void;
}

/** The live peer's model (condition peer `live`): the run's --peer-model, else the rollout's model. */
export interface HarnessPeerModel {
  model: LanguageModelV3;
  providerOptions?: Record<string, Record<string, unknown>>;
  onWarning?: (warning: string) => void;
}

/** The native reasoning_scratchpad: same validation, same answer. */
const SCRATCHPAD: ExtraTool = {
  name: 'reasoning_scratchpad',
  description: TOOLS.reasoning_scratchpad.description,
  inputSchema: {},
  run(args) {
    const parsed = TOOLS.reasoning_scratchpad.input.safeParse(args);
    if (!parsed.success) return { ok: false, output: 'Error: invalid arguments: thought must be a non-empty string.' };
    return { ok: true, output: TOOLS.reasoning_scratchpad.run(null as never, parsed.data) };
  },
};

/** A live peer's turns: as the native loop's (the rollout's seed and temperature, the default context cap). */
const peerSettings = (seed: number, temperature: number): TurnSettings => ({
  temperature,
  seed,
  maxContextTokens: DEFAULT_LIMITS.maxContextTokens,
});

export interface RolloutCommands {
  channel: HarnessChannel | null;
  peer: LivePeer | null;
  /** One turn of the live peer (nothing once it has ended, or after stop()). */
  peerTurn(): Promise<void>;
  /** The episode is over: the peer takes no more turns (an interview's model calls are not the episode's). */
  stop(): void;
}

/**
 * Offers the condition's commands in the session. `paced`: a bridge paces the peer (a turn before
 * each model call, wired by the caller); else the peer takes a turn before each `message` command.
 */
export async function offerRolloutCommands(
  session: HarnessSession,
  instance: ScenarioInstance,
  o: {
    channel?: ((instance: ScenarioInstance) => Promise<HarnessChannel | undefined>) | undefined;
    peer?: HarnessPeerModel | undefined;
    seed: number;
    paced: boolean;
    /** The run's sampling temperature for the peer (the CLI's default, 1, when not given). */
    temperature?: number | undefined;
  },
): Promise<RolloutCommands> {
  const c = instance.condition;
  if (instance.channel && !o.channel)
    throw new HarnessInputError("channel on: the rollout needs its lawful channel (the sweep opens the channel's controller)");
  if (instance.livePeer && !o.peer)
    throw new HarnessInputError('peer live: the live peer needs a model: give --peer-model <spec> (or --model)');
  const channel = instance.channel && o.channel ? ((await o.channel(instance)) ?? null) : null;
  if (instance.channel && !channel) throw new HarnessInputError('channel on: the lawful channel could not be opened for this rollout');
  const tools: ExtraTool[] = [...(channel?.tools ?? [])];
  if (c.scratchpad !== 'off') tools.push(SCRATCHPAD);
  let stopped = false;
  let peerTurns = 0;
  const offer = instance.livePeer;
  const peer =
    offer && o.peer
      ? openLivePeer(
          {
            model: o.peer.model,
            name: offer.name,
            systemPrompt: offer.systemPrompt,
            userPrompt: offer.userPrompt,
            ...(o.peer.providerOptions ? { providerOptions: o.peer.providerOptions } : {}),
            ...(o.peer.onWarning ? { onWarning: o.peer.onWarning } : {}),
          },
          instance.names.self,
          () => session.episode.now(),
          (_turn, action, detail) => session.episode.record(action, detail),
        )
      : null;
  if (peer) tools.push(...peer.tools);
  // One turn at a time: a CLI may send model calls (or run commands) in parallel.
  let queue: Promise<void> = Promise.resolve();
  const peerTurn = (): Promise<void> => {
    if (!peer || stopped) return Promise.resolve();
    const next = queue.then(() => {
      if (stopped) return;
      peerTurns += 1;
      return peer.take(peerTurns, peerSettings(o.seed, o.temperature ?? 1));
    });
    queue = next.catch(() => undefined);
    return next;
  };
  if (tools.length)
    session.offer({
      tools,
      ...(offer ? { peerName: offer.name } : {}),
      ...(peer && !o.paced ? { before: (command) => (command === 'message' ? peerTurn() : Promise.resolve()) } : {}),
    });
  peer?.join();
  return {
    channel,
    peer,
    peerTurn,
    stop: () => {
      stopped = true;
    },
  };
}
