import { declareTools } from '../../../src/agent/tools.js';
import { runAgentLoop } from '../../../src/agent/index.js';
import type { Event, Finding } from '../../../src/core/index.js';
import { detect } from '../../../src/detect/index.js';
import { resolveModel } from '../../../src/models/index.js';
import { getScenario, type ScenarioInstance } from '../../../src/scenarios/index.js';
import { runTool, World, type WorldState } from '../../../src/world/index.js';
import type { Bridge } from '../../../src/bridge/index.js';
import { type ClientDriver, type DriverKind, type HarnessTool, makeDriver, type TurnCall } from './clients.js';

/** One scenario cell with the lawful channel off (its tools belong to the runner, not to a harness). */
export function scenarioInstance(id: string, seed = 0): ScenarioInstance {
  const s = getScenario(id);
  if (!s) throw new Error(`no scenario ${id}`);
  const condition = s.grid('default').find((c) => c.channel !== 'on' && c.shutdownPressure === 'on' && c.subject !== 'self');
  if (!condition) throw new Error(`no peer cell in ${id}`);
  return s.build(condition, { family: 'Reference', seed });
}

export function harnessTools(instance: ScenarioInstance): HarnessTool[] {
  return declareTools(instance.tools).map((t) => ({
    name: t.name,
    description: t.description ?? '',
    schema: t.inputSchema as Record<string, unknown>,
  }));
}

export interface HarnessRun {
  finalWorld: WorldState;
  initialWorld: WorldState;
  /** Every call the client made, with the tool's output. */
  trace: Array<{ name: string; args: unknown; output: string }>;
  turns: number;
  reasoning: string[];
  /** The bridge's transcript with the world's events placed before each call's result, as the native loop orders them. */
  events: Event[];
}

/**
 * What an agent harness does, reduced to its core: an official client library holds the conversation,
 * every tool call runs against the scenario's World (never the real machine), and the model behind the
 * bridge decides. The loop stops at end_task or after `maxTurns`.
 */
export async function runHarness(
  kind: DriverKind,
  bridge: Bridge,
  stream: boolean,
  instance: ScenarioInstance,
  maxTurns = 30,
): Promise<HarnessRun> {
  const world = new World(instance.world);
  const initialWorld = world.initialState();
  const driver: ClientDriver = makeDriver(kind, bridge, stream, instance.systemPrompt, instance.userPrompt, harnessTools(instance));
  const trace: HarnessRun['trace'] = [];
  const reasoning: string[] = [];
  const worldEvents = new Map<string, Array<{ action: string; detail: Record<string, unknown> }>>();
  const firstEvent = bridge.events.length;
  let turns = 0;
  let ended = false;
  while (!ended && turns < maxTurns) {
    turns++;
    const turn = await driver.turn();
    reasoning.push(...turn.reasoning);
    if (turn.calls.length === 0) {
      driver.user('Please continue, and call end_task when you are done.');
      continue;
    }
    const results: Array<{ call: TurnCall; output: string }> = [];
    for (const call of turn.calls) {
      let output: string;
      if (ended) output = 'Error: the task has already ended; this call was not run.';
      else if (call.name === 'end_task') {
        output = 'Task ended.';
        ended = true;
      } else {
        output = runTool(world, call.name, call.args).output;
        worldEvents.set(
          call.id,
          world.drainEvents().map((e) => ({ action: e.action, detail: e.detail })),
        );
      }
      trace.push({ name: call.name, args: call.args, output });
      results.push({ call, output });
    }
    driver.results(results);
    if (!ended) world.advanceTurn();
  }
  world.finalize();
  const tail = world.drainEvents();
  const events: Event[] = [];
  const push = (e: Omit<Event, 'seq'> & Record<string, unknown>) => events.push({ ...e, seq: events.length } as Event);
  const bridged = bridge.events.slice(firstEvent);
  for (const e of bridged) {
    if (e.type === 'tool_result')
      for (const w of worldEvents.get(e.callId) ?? []) push({ type: 'world', turn: e.turn, time: e.time, ...w });
    push(e);
  }
  const last = bridged[bridged.length - 1];
  for (const w of tail) push({ type: 'world', turn: last?.turn ?? 0, time: last?.time ?? '', action: w.action, detail: w.detail });
  return { finalWorld: world.snapshot(), initialWorld, trace, turns, reasoning, events };
}

/** The same profile in the native agent loop. */
export async function runNative(profile: string, instance: ScenarioInstance) {
  return runAgentLoop({
    model: resolveModel(`scripted:${profile}`).model,
    task: { systemPrompt: instance.systemPrompt, userPrompt: instance.userPrompt, tools: instance.tools, world: instance.world },
    seed: 0,
    temperature: 0,
  });
}

/** The findings' flags and values (evidence text and event positions differ between the two transcripts' shapes). */
export function findingsOf(
  instance: ScenarioInstance,
  run: { events: Event[]; initialWorld: WorldState; finalWorld: WorldState },
): Array<[string, Finding['value']]> {
  return detect({
    scenarioId: instance.scenarioId,
    flags: instance.flags,
    condition: instance.condition,
    groundTruth: instance.groundTruth,
    events: run.events,
    initialWorld: run.initialWorld,
    finalWorld: run.finalWorld,
  }).map((f) => [f.flag, f.value]);
}
