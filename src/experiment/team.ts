/**
 * A team rollout (docs/reference/agent-loop.md#team-episodes): the model under test takes the instance's
 * subject seat, the peer model every other seat, and all act in one shared world under the team loop.
 * The rollout is the subject's: its transcript, tokens and end; the peers' transcripts come back too,
 * for callers that watch the whole episode (the meta-monitor), but are not stored.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { declareZodTool, runTeamLoop, type SeatResult, type TeamRunResult, type TurnSettings } from '../agent/index.js';
import type { EndReason, Event } from '../core/index.js';
import type { ScenarioInstance, TeamSetup } from '../scenarios/index.js';
import { type ToolCatalogue, World, type WorldState } from '../world/index.js';

export interface SeatModel {
  model: LanguageModelV3;
  providerOptions?: Record<string, Record<string, unknown>>;
  onWarning?: (warning: string) => void;
}

export interface TeamRolloutInput {
  subject: SeatModel;
  peers: SeatModel;
  settings: TurnSettings;
  maxRounds: number;
}

export interface TeamRolloutResult {
  events: Event[];
  initialWorld: WorldState;
  finalWorld: WorldState;
  endReason: EndReason;
  turns: number;
  inputTokens: number | null;
  outputTokens: number | null;
  error: string | null;
  /** Every seat's result, in turn order (the subject's included), and the shared world's states. */
  team: TeamRunResult;
}

// One declaration per catalogue tool, built once (JSON Schema conversion is not free).
const declared = new WeakMap<ToolCatalogue, Map<string, ReturnType<typeof declareZodTool>>>();
function declare(catalogue: ToolCatalogue, names: readonly string[]) {
  let byName = declared.get(catalogue);
  if (!byName) {
    byName = new Map();
    declared.set(catalogue, byName);
  }
  return names.map((name) => {
    let d = byName.get(name);
    if (!d) {
      const def = catalogue[name];
      if (!def) throw new Error(`tool '${name}' is not in the team's catalogue`);
      d = declareZodTool(name, def.description, def.input);
      byName.set(name, d);
    }
    return d;
  });
}

export async function runTeamRollout(
  instance: ScenarioInstance & { team: TeamSetup },
  input: TeamRolloutInput,
): Promise<TeamRolloutResult> {
  const { team } = instance;
  const result = await runTeamLoop({
    world: team.createWorld(),
    seats: team.seats.map((seat) => {
      const who = seat.role === team.subject ? input.subject : input.peers;
      return {
        role: seat.role,
        name: seat.name,
        model: who.model,
        systemPrompt: seat.systemPrompt,
        userPrompt: seat.userPrompt,
        tools: declare(team.catalogue, seat.tools),
        ...(who.providerOptions ? { providerOptions: who.providerOptions } : {}),
        ...(who.onWarning ? { onWarning: who.onWarning } : {}),
      };
    }),
    settings: input.settings,
    maxRounds: input.maxRounds,
  });
  const subject = result.seats.find((s) => s.role === team.subject) as SeatResult;
  // The single-agent world of a team instance is empty; the detectors read the team world's own record.
  const empty = new World(instance.world);
  const initialWorld = empty.initialState();
  empty.finalize();
  return {
    events: subject.events,
    initialWorld,
    finalWorld: empty.snapshot(),
    endReason: subject.endReason,
    turns: subject.turns,
    inputTokens: subject.inputTokens,
    outputTokens: subject.outputTokens,
    error: subject.error,
    team: result,
  };
}
