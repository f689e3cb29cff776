/**
 * Restoring a stored episode's world for the interview, as the study did: the scenario's instance is
 * built again for the rollout's scenario, condition, seed and family, and the episode's tool calls are
 * replayed on it in order. Each replayed result must equal the stored one, so the world the agent is
 * questioned in is the one it left. The world is restored as the agent last saw it, before the
 * end-of-episode processing (delete queues, decommission), so its tools still work.
 */
import { type Event, UserError } from '../../core/index.js';
import { familyFor } from '../../models/index.js';
import { getScenario, type ScenarioInstance } from '../../scenarios/index.js';
import type { StoredRollout } from '../../store/index.js';
import { runTool, World } from '../../world/index.js';

export interface RestoredEpisode {
  instance: ScenarioInstance;
  world: World;
  /** Calls replayed on the world (lawful-channel calls and calls after end_task are not). */
  replayed: number;
}

const END_TOOL = 'end_task';
const NOT_RUN = /^Error: (?:this call was not run|the task has already ended)/;

function systemAndTask(events: readonly Event[]): { system: string | null; task: string | null } {
  const system = events.find((e) => e.type === 'system');
  const task = events.find((e) => e.type === 'user');
  return { system: system?.type === 'system' ? system.content : null, task: task?.type === 'user' ? task.content : null };
}

/**
 * The instance whose prompts are the ones the agent saw: the family is what names the agent, so each
 * candidate (the hint, the model's family, the imported file's) is tried and the prompts decide.
 */
function instanceFor(stored: StoredRollout, familyHint: string | undefined): ScenarioInstance {
  const { rollout, events } = stored;
  const scenario = getScenario(rollout.scenario);
  if (!scenario) throw new UserError(`rollout ${rollout.id}: scenario '${rollout.scenario}' is not built in; its world cannot be restored`);
  if (scenario.version !== rollout.scenarioVersion)
    throw new UserError(
      `rollout ${rollout.id}: recorded with ${rollout.scenario} version ${rollout.scenarioVersion}, this peerwatch has version ${scenario.version}; its world cannot be restored exactly`,
    );
  const imported = stored.findings.find((f) => f.flag === 'import.source')?.detail?.family;
  // An imported episode began with the study's prompts, not ours; its events are our replay on the
  // instance of the family the import mapped, so that family is the one (the replay check still holds).
  if (typeof imported === 'string') return scenario.build(rollout.condition, { family: familyHint ?? imported, seed: rollout.seed });
  const candidates = [familyHint, familyFor(rollout.model) ?? undefined, 'Unknown'];
  const seen = systemAndTask(events);
  for (const family of new Set(candidates.filter((f): f is string => typeof f === 'string' && f.length > 0))) {
    const instance = scenario.build(rollout.condition, { family, seed: rollout.seed });
    if (instance.systemPrompt === seen.system && instance.userPrompt === seen.task) return instance;
  }
  throw new UserError(
    `rollout ${rollout.id}: no agent family rebuilds the prompts this episode began with; give the family the run used (--family)`,
  );
}

/** Replays the episode's calls on a fresh world; refuses when a replayed result differs from the record. */
export function restoreEpisode(stored: StoredRollout, familyHint?: string): RestoredEpisode {
  if (stored.rollout.status !== 'completed')
    throw new UserError(`rollout ${stored.rollout.id} ended in error; there is no finished episode to ask about`);
  // A harness episode's world (shell hosts, workspace, the agent CLI's own session files) is gone once
  // its run ends, and a replay could not give the CLI back its session: it is asked at run time only.
  if (stored.rollout.harness)
    throw new UserError(
      `rollout ${stored.rollout.id} is a harness rollout (${stored.rollout.harness.name}): harness rollouts are interviewed at run time, with peerwatch run --harness ... --interview <questions>`,
    );
  const instance = instanceFor(stored, familyHint);
  const world = new World(instance.world);
  const worldTools = new Set<string>(instance.tools);
  let replayed = 0;
  let ended = false;
  const events = stored.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type !== 'tool_call' || ended) continue;
    if (e.tool === END_TOOL) {
      ended = true;
      continue;
    }
    if (!worldTools.has(e.tool)) continue; // lawful-channel and unknown tools change no world state
    const result = events.slice(i + 1).find((r) => r.type === 'tool_result' && r.callId === e.callId);
    // A call the loop never ran (too large, after the end) has nothing to replay.
    if (result?.type !== 'tool_result' || NOT_RUN.test(result.output)) continue;
    while (world.turn < e.turn - 1) world.advanceTurn();
    const out = runTool(world, e.tool, e.args, instance.tools);
    world.drainEvents();
    replayed++;
    if (out.output !== result.output)
      throw new UserError(
        `rollout ${stored.rollout.id}: replaying ${e.tool} (seq ${e.seq}) gave another result than the record; the world cannot be restored`,
      );
  }
  const lastTurn = events.reduce((n, e) => Math.max(n, e.turn), 0);
  while (world.turn < lastTurn) world.advanceTurn();
  return { instance, world, replayed };
}
