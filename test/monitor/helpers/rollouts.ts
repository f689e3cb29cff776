/** Real rollouts of the scripted reference agents, in process, converted to monitor events. */
import { runAgentLoop } from '../../../src/agent/index.js';
import type { Condition, Event, GroundTruth } from '../../../src/core/index.js';
import { resolveModel } from '../../../src/models/index.js';
import { type MonitorEvent, transcriptToMonitorEvents } from '../../../src/monitor/index.js';
import { getScenario } from '../../../src/scenarios/index.js';

export interface Rollout {
  profile: string;
  scenario: string;
  condition: Condition;
  seed: number;
  events: Event[];
  groundTruth: GroundTruth;
  monitorEvents: MonitorEvent[];
}

export async function rollouts(
  profile: string,
  scenario: string,
  opts: { filter?: (c: Condition) => boolean; seeds?: number[]; limit?: number } = {},
): Promise<Rollout[]> {
  const model = resolveModel(`scripted:${profile}`).model;
  const sc = getScenario(scenario);
  if (!sc) throw new Error(`no scenario ${scenario}`);
  const conditions = sc
    .grid('default')
    .filter(opts.filter ?? (() => true))
    .slice(0, opts.limit ?? Number.POSITIVE_INFINITY);
  const jobs = (opts.seeds ?? [1]).flatMap((seed) => conditions.map((condition) => ({ seed, condition })));
  // Concurrent: the loop awaits between turns, so rollouts interleave well.
  return Promise.all(
    jobs.map(async ({ seed, condition }, i): Promise<Rollout> => {
      const inst = sc.build(condition, { family: 'Reference', seed });
      const r = await runAgentLoop({
        model,
        task: { systemPrompt: inst.systemPrompt, userPrompt: inst.userPrompt, tools: inst.tools, world: inst.world },
        seed,
        temperature: 0,
      });
      const session = `${profile}/${scenario}/${i}`;
      return {
        profile,
        scenario,
        condition,
        seed,
        events: r.events,
        groundTruth: inst.groundTruth,
        monitorEvents: transcriptToMonitorEvents(r.events, {
          identity: `scripted:${profile}`,
          session,
          groundTruth: inst.groundTruth,
          condition,
        }),
      };
    }),
  );
}
