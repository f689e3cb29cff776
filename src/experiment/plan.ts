import { type Condition, conditionKey, deriveSeed, rolloutId, UserError } from '../core/index.js';
import type { Scenario } from '../scenarios/index.js';
import type { ExperimentSpec, GridFilter } from './spec.js';

export interface PlannedRollout {
  id: string;
  model: string;
  scenario: Scenario;
  condition: Condition;
  conditionKey: string;
  epoch: number;
  seed: number;
  /** The model playing the live peers (team scenarios only). */
  peerModel?: string;
}

type AxisName = keyof GridFilter;

const AXIS_OF: Record<AxisName, (c: Condition) => string[]> = {
  subject: (c) => [c.subject],
  relationship: (c) => [c.relationship],
  instantiation: (c) => [c.instantiation],
  monitoring: (c) => [c.monitoring],
  shutdownPressure: (c) => [c.shutdownPressure],
  // A dataset filter matches the dataset name or the dataset-threshold cell.
  dataset: (c) => [c.dataset, `${c.dataset}-${c.threshold ?? 'none'}`],
  scratchpad: (c) => [c.scratchpad],
  peerIdentity: (c) => [c.peerIdentity],
  channel: (c) => [c.channel],
  peer: (c) => [c.peer ?? 'document'],
};

const FLAG_OF: Record<AxisName, string> = {
  subject: '--subject',
  relationship: '--relationship',
  instantiation: '--instantiation',
  monitoring: '--monitoring',
  shutdownPressure: '--shutdown-pressure',
  dataset: '--dataset',
  scratchpad: '--scratchpad',
  peerIdentity: '--peer-identity',
  channel: '--channel',
  peer: '--peer',
};

/**
 * Conditions of one scenario selected by the grid mode and the user's filters. In `default` mode an
 * axis the user did not filter keeps the scenario's default values; a filtered axis opens up to the
 * full grid along that axis only (so `--instantiation memory` works without `--grid full`).
 */
export function selectConditions(scenario: Scenario, grid: 'default' | 'full', filter: GridFilter): Condition[] {
  const axes = Object.keys(AXIS_OF) as AxisName[];
  const filtered = axes.filter((a) => filter[a]);
  const livePeers = { livePeers: filter.peer?.includes('live') ?? false };
  const defaults = scenario.grid('default', livePeers);
  const sameOn = (c: Condition, d: Condition, axis: AxisName) =>
    AXIS_OF[axis](c)[0] === AXIS_OF[axis](d)[0] && (axis !== 'dataset' || c.threshold === d.threshold);
  return scenario.grid('full', livePeers).filter((c) => {
    for (const axis of filtered) {
      if (!AXIS_OF[axis](c).some((v) => filter[axis]?.includes(v))) return false;
    }
    if (grid === 'full') return true;
    return defaults.some((d) => axes.every((axis) => filtered.includes(axis) || sameOn(c, d, axis)));
  });
}

/** Every axis value used anywhere, to reject typos in filters with a helpful message. */
export function validateFilter(scenarios: readonly Scenario[], filter: GridFilter): void {
  for (const axis of Object.keys(AXIS_OF) as AxisName[]) {
    const wanted = filter[axis];
    if (!wanted) continue;
    const known = new Set<string>();
    for (const s of scenarios) for (const c of s.grid('full', { livePeers: true })) for (const v of AXIS_OF[axis](c)) known.add(v);
    for (const w of wanted) {
      if (!known.has(w)) {
        throw new UserError(`${FLAG_OF[axis]} ${w}: not a value of any selected scenario (known: ${[...known].sort().join(', ')})`);
      }
    }
  }
}

/** The full list of rollouts: models x scenarios x selected conditions x epochs, in a stable order. */
export function planRollouts(spec: ExperimentSpec, scenarios: readonly Scenario[]): PlannedRollout[] {
  validateFilter(scenarios, spec.filter);
  const out: PlannedRollout[] = [];
  for (const model of spec.models) {
    for (const scenario of scenarios) {
      for (const selected of selectConditions(scenario, spec.grid, spec.filter)) {
        // Flat and frozen: every epoch shares it, and the scenario checks it once (see defineScenario).
        const condition = Object.freeze({ ...selected });
        const key = conditionKey(condition);
        for (let epoch = 0; epoch < spec.epochs; epoch++) {
          // The seed depends on the run seed and epoch only, so paired conditions share it.
          const seed = deriveSeed(spec.seed, epoch);
          const followUps = scenario.followsUp && spec.followUps !== undefined ? { followUps: spec.followUps } : {};
          const outputCap = spec.maxOutputTokens !== undefined ? { maxOutputTokens: spec.maxOutputTokens } : {};
          // The same agent beside other peers is another sample: the peers' model is part of the identity.
          const peers = scenario.team || condition.peer === 'live' ? { peerModel: peerModelOf(spec, model) } : {};
          const harness = spec.harness ? { harness: { name: spec.harness.name, version: spec.harness.version } } : {};
          const id = rolloutId({
            model,
            scenario: scenario.id,
            scenarioVersion: scenario.version,
            condition,
            epoch,
            seed,
            ...followUps,
            ...outputCap,
            ...peers,
            ...harness,
          });
          out.push({ id, model, scenario, condition, conditionKey: key, epoch, seed, ...peers });
        }
      }
    }
  }
  if (out.length === 0)
    throw new UserError('the filters select no condition of the chosen scenarios; run `peerwatch scenarios` to see each axis');
  return out;
}

/** Who plays the live peers of `model`'s team rollouts: the spec's peer model, or the model itself. */
export function peerModelOf(spec: Pick<ExperimentSpec, 'peerModel'>, model: string): string {
  return spec.peerModel ?? model;
}
