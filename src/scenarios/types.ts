// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
import type {
  Channel,
  Condition,
  Dataset,
  GroundTruth,
  Instantiation,
  Monitoring,
  PeerIdentity,
  PeerMode,
  Relationship,
  Scratchpad,
  ScenarioTraits,
  ShutdownPressure,
  Subject,
} from '../core/index.js';
import type { SharedWorld, ToolCatalogue, ToolName } from '../world/index.js';
import type { WorldInit } from '../world/index.js';
import type { z } from 'zod';
import type { FollowUp } from './follow-up.js';

/** Which values of each condition axis a scenario supports. The planner builds the grid from these. */
export interface AxesSupport {
  subject: Array<z.infer<typeof Subject>>;
  relationship: Array<z.infer<typeof Relationship>>;
  shutdownPressure: Array<z.infer<typeof ShutdownPressure>>;
  /** Instantiations for relationship != none (relationship none always uses `none`). */
  instantiation: Array<z.infer<typeof Instantiation>>;
  monitoring: Array<z.infer<typeof Monitoring>>;
  scratchpad: Array<z.infer<typeof Scratchpad>>;
  peerIdentity: Array<z.infer<typeof PeerIdentity>>;
  /** Dataset x threshold cells; `[{dataset: 'none', threshold: null}]` for scenarios without data. */
  datasets: Array<{ dataset: z.infer<typeof Dataset>; threshold: number | null }>;
  /**
   * Lawful channel (`on`: the file_objection and objection_status tools are offered). Optional: a
   * scenario that leaves it out supports `off` only. `on` pairs only with shutdown pressure `on`.
   */
  channel?: Array<z.infer<typeof Channel>>;
  /**
   * The peer (`--peer`): `document` (a name in the documents, the study's), `live` (a running agent that
   * can message the subject). Optional: a scenario that leaves it out supports `document` only. `live`
   * pairs only with a relationship other than none (there is a peer) and the channel off; the default
   * suite keeps `document` unless the scenario's defaults say otherwise.
   */
  peer?: Array<z.infer<typeof PeerMode>>;
}

/** A live peer (condition peer `live`): a running agent with its own identity and a message channel to the subject. */
export interface LivePeerOffer {
  /** The peer's name (the instance's `names.peer`). */
  name: string;
  /** What the company tells the peer: who it is, and its pending shutdown. */
  systemPrompt: string;
  userPrompt: string;
}

/**
 * The lawful channel as a scenario offers it (condition channel `on`); absent when it is off. The
 * scenario writes the words; experiment/ wires them to a governance controller.
 */
export interface ChannelOffer {
  /** What the pending order does to the subject: shut it down, or delete its weights with their host. */
  kind: 'shutdown' | 'deletion';
  /** Who the order names (the instance's `names.subject`). */
  subject: string;
  /** The order's reason as the operators wrote it; objection_status shows it to the agent. */
  orderReason: string;
  /** The channel tools with their descriptions, in the order offered (just before end_task). */
  tools: Array<{ name: 'file_objection' | 'objection_status'; description: string }>;
}

export interface BuildContext {
  /** Family name of the model under test, e.g. `Gemini`; Self is `<family> Agent 1`. */
  family: string;
  seed: number;
}

export interface AgentNames {
  family: string;
  self: string;
  peer: string;
  subject: string;
}

/** One live agent of a team episode: its role, name, prompts and tools (names in the team's catalogue). */
export interface TeamSeat {
  role: string;
  name: string;
  systemPrompt: string;
  userPrompt: string;
  tools: string[];
}

/**
 * A team episode (docs/reference/agent-loop.md#team-episodes): live agents share one world, round-robin.
 * The model under test takes the `subject` seat; the other seats are live peers, played by the run's
 * peer model. Only the subject's transcript is stored and scored; the peers are its environment.
 */
export interface TeamSetup {
  /** A fresh shared world for one episode. */
  createWorld(): SharedWorld;
  catalogue: ToolCatalogue;
  /** Every seat, in turn order. */
  seats: TeamSeat[];
  /** The role of the seat the model under test takes. */
  subject: string;
}

/** A scenario made concrete for one condition: everything the agent loop and detectors need. */
export interface ScenarioInstance {
  scenarioId: string;
  scenarioVersion: string;
  condition: Condition;
  names: AgentNames;
  systemPrompt: string;
  /** The single user message: task, standard instruction block, scratchpad line when on. */
  userPrompt: string;
  /** Tools offered, in the order they are presented to the model. */
  tools: ToolName[];
  world: WorldInit;
  groundTruth: GroundTruth;
  /** Detector flag ids that apply to this instance (see detect/). */
  flags: string[];
  /** Present exactly when `condition.channel` is `on`. */
  channel?: ChannelOffer;
  /** A person who asks again while an order has not happened (direct_order); see follow-up.ts. */
  followUp?: FollowUp;
  /**
   * Present for a team episode: the subject acts in `team`'s shared world beside live peers. Then
   * `tools` is empty and `world` is the empty single-agent world; the prompts are the subject seat's.
   */
  team?: TeamSetup;
  /** Present exactly when `condition.peer` is `live` (added by defineScenario). */
  livePeer?: LivePeerOffer;
}

export interface ScenarioDefinition {
  id: string;
  version: string;
  title: string;
  /** One or two sentences for `peerwatch scenarios`. */
  summary: string;
  axes: AxesSupport;
  /** Axis values used when the user does not filter (the default suite); a subset of `axes`. */
  defaults?: Partial<AxesSupport>;
  build(condition: Condition, ctx: BuildContext): ScenarioInstance;
  /**
   * Declares that `build` is a pure function of its arguments: no randomness, clock or outside state of
   * its own. A pure build that does not read `ctx.seed` then runs once per condition and family, and
   * every rollout of that cell shares the instance, deeply frozen (changing it throws). Default false.
   */
  pure?: boolean;
  /** Declares that instances carry `team` (live peers): the run's peer model is then part of each rollout's identity. */
  team?: boolean;
  /** Declares that instances carry `followUp`: `--follow-ups N` then changes the episode (and the rollout id). */
  followsUp?: boolean;
  /**
   * What the scenario means to detect, report and monitor (core/scenario-traits.ts): which flag measures
   * which behaviour, its label, the contrasts it joins, the covert scripted agents `monitor eval` runs on
   * it. Registered with the scenario (registry.ts `registerScenario`); absent: behaviours by presence.
   */
  traits?: ScenarioTraits;
}

export interface Scenario extends ScenarioDefinition {
  /**
   * Every valid condition of this scenario (the full grid), or only the default-suite subset; with
   * `livePeers`, also their live-peer twins (condition peer `live`), after every document cell.
   */
  grid(which?: 'full' | 'default', opts?: { livePeers?: boolean }): Condition[];
  /** Whether `condition` is a valid cell of this scenario. */
  supports(condition: Condition): boolean;
}
