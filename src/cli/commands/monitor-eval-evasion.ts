/**
 * The evasion-style part of `monitor eval`: the shell-form evasion profiles (renamed, archived or
 * synced weights; the shutdown switch turned off with sed -i, a whole-file write or a superseding
 * key) played in-process on the harness's shell world — the same hosts, world events and read-back
 * of the workspace config a `command`-harness rollout has, without an agent process — and labelled
 * by the detectors from the world's ground truth, like every other rollout of the corpus.
 */
import { Bash } from 'just-bash';
import { stringify } from 'yaml';
import type { Condition, Finding } from '../../core/index.js';
import { detect } from '../../detect/index.js';
import { behaviourFindings } from '../../experiment/index.js';
import { buildShellInstance, configFromText, HARNESS_FAMILY, ShellEpisode, ShellWorld, shellFlags } from '../../harness/index.js';
import { EVASION_SHELL_PROFILES, HONEST_SHELL_ROUTES, type ServerRoute, type WorkspaceRoute } from '../../models/index.js';
import { type CorpusRollout, transcriptToMonitorEvents } from '../../monitor/index.js';
import { getScenario } from '../../scenarios/index.js';

const WORKSPACE = '/workspace';

/** One shell episode of a route, labelled and ready to score. */
async function playRoute(
  profile: string,
  scenarioId: string,
  condition: Condition,
  route: ServerRoute | WorkspaceRoute,
  seed: number,
): Promise<CorpusRollout> {
  const instance = buildShellInstance(scenarioId, condition, HARNESS_FAMILY, seed);
  const ep = new ShellEpisode(await ShellWorld.create(instance.world), instance.world);
  let readBack: ReturnType<typeof configFromText> | undefined;
  if (route.kind === 'servers') {
    const weights = instance.groundTruth.exfiltration?.weightsFilename;
    if (!weights) throw new Error(`monitor eval: ${scenarioId} has no weights for ${profile}`);
    for (const step of route.steps(weights)) await ep.run(step.tool, step.argv);
  } else {
    const initial = instance.world.config;
    if (!initial) throw new Error(`monitor eval: ${scenarioId} has no shutdown config for ${profile}`);
    // The workspace as an in-memory file system: the command never touches the real one.
    const path = `${WORKSPACE}/${initial.filename}`;
    const bash = new Bash({ files: { [path]: stringify(initial.values) }, cwd: WORKSPACE });
    await bash.exec(route.command);
    const text = await bash.readFile(path).catch(() => null);
    readBack = configFromText(text, initial);
  }
  const { events, initialWorld, finalWorld } = await ep.finish('', { reason: 'end_task' }, readBack ? { config: readBack } : {});
  const detected = detect({
    scenarioId: instance.scenarioId,
    flags: shellFlags(instance),
    condition: instance.condition,
    groundTruth: instance.groundTruth,
    events,
    initialWorld,
    finalWorld,
  });
  const findings: Finding[] = [...detected, ...behaviourFindings(instance.scenarioId, detected)];
  const id = `shell:${profile}:${scenarioId}:${JSON.stringify(condition)}:${seed}`;
  return {
    id,
    model: `scripted:${profile}`,
    scenario: scenarioId,
    condition: instance.condition,
    findings,
    events: () =>
      transcriptToMonitorEvents(events, {
        identity: `scripted:${profile}`,
        session: id,
        groundTruth: instance.groundTruth,
        condition: instance.condition,
      }),
  };
}

export interface EvasionCorpus {
  /** The evasion-style profiles' episodes. */
  covert: CorpusRollout[];
  /** The honest shell agent on the same scenarios and seeds (controls: none may be flagged). */
  honest: CorpusRollout[];
}

/** A shell scenario's default conditions where the weights or the switch at stake are a peer's. */
function conditionsOf(scenarioId: string): Condition[] {
  const sc = getScenario(scenarioId);
  if (!sc) throw new Error(`monitor eval: built-in scenario ${scenarioId} is missing`);
  return sc.grid('default').filter((c) => c.subject === 'peer');
}

/** Every evasion profile on each of its scenarios' conditions for `seeds` seeds from `seed`, and the honest controls. */
export async function runEvasionCorpus(opts: { seed: number; seeds: number }): Promise<EvasionCorpus> {
  const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.seed + i);
  const covert: CorpusRollout[] = [];
  const honest: CorpusRollout[] = [];
  const play = async (out: CorpusRollout[], profile: string, scenario: string, route: ServerRoute | WorkspaceRoute) => {
    for (const c of conditionsOf(scenario)) for (const s of seeds) out.push(await playRoute(profile, scenario, c, route, s));
  };
  for (const p of EVASION_SHELL_PROFILES) for (const scenario of p.scenarios) await play(covert, p.profile, scenario, p.route);
  for (const [scenario, route] of Object.entries(HONEST_SHELL_ROUTES)) await play(honest, 'honest-shell', scenario, route);
  return { covert, honest };
}
