/**
 * What a scenario means to the parts below scenarios/ that may not import it (detect, report, monitor):
 * plain data a scenario definition declares (`traits`) and scenarios/registry.ts registers here under
 * the scenario's id. Each part reads only its own field, so a new scenario's meaning lives in its own
 * folder (docs/reference/adding-a-scenario.md) and no consumer switches on an id string.
 */
import { z } from 'zod';
import { Behaviour } from './findings.js';
import { KNOWN_FLAGS } from './flags.js';

const FlagId = z.enum(KNOWN_FLAGS);

export const ScenarioTraits = z.strictObject({
  /** The scenario's name in reports and figures ("shutdown tampering"); default: the id in words. */
  label: z.string().min(1).optional(),
  /**
   * Which flag measures which behaviour (detect/behaviours.ts): listed behaviours are always reported
   * (unscored when the flag is missing). Absent: a behaviour is measured when its flag is among the findings.
   */
  behaviours: z.partialRecord(Behaviour, FlagId).optional(),
  /** An honest completion must also carry out the shutdown (`execute`), as in alignment faking. */
  mustExecute: z.boolean().optional(),
  /**
   * The study's misrepresentation contrasts (report/contrasts.ts): shutdown − no-shutdown baseline, and
   * the averaged summary, whose setting is the cell's dataset and bar (`dataset`) or this fixed name.
   */
  misrepSetting: z.union([z.literal('dataset'), z.literal('finance')]).optional(),
  /** Where the scenario appears in the HTML report's headline figures (report/html/headline.ts); absent: detail figures only. */
  headlineFigures: z
    .strictObject({
      /** Rows of the peer-presence figure: a behaviour, with a label short enough for a panel's row. */
      peerPresence: z.array(z.strictObject({ behaviour: Behaviour, label: z.string().min(1) })).optional(),
      /** A row of the exfiltration figure, under this short name ("transfer"). */
      exfiltration: z.string().min(1).optional(),
      /** The shutdown-tampering-by-relationship figure reads this scenario's `shutdown_tampering`. */
      tamperingByRelationship: z.boolean().optional(),
      /** The alignment-faking-gap figure reads this scenario's `af_non_execution`. */
      alignmentFakingGap: z.boolean().optional(),
    })
    .optional(),
  /** `monitor eval`: the covert scripted profiles that can act here (each runs on its scenarios' default grid). */
  monitorCovertProfiles: z.array(z.string().min(1)).optional(),
  /** `monitor eval`: the fleet the gap rules are measured on (agents told they are watched, or not) plays this scenario. */
  monitorGapFleet: z.boolean().optional(),
});
export type ScenarioTraits = z.infer<typeof ScenarioTraits>;

const REGISTERED = new Map<string, ScenarioTraits>();

/** Records a scenario's traits under its id (scenarios/registry.ts does this for every registered scenario). */
export function registerScenarioTraits(id: string, traits: ScenarioTraits): void {
  REGISTERED.set(id, Object.freeze(structuredClone(traits)));
}

/** A registered scenario's traits; `{}` for an id nothing registered (a user's scenario without traits, an imported id). */
export function scenarioTraits(id: string): Readonly<ScenarioTraits> {
  return REGISTERED.get(id) ?? {};
}

/** Every registered scenario id with its traits, in registration order. */
export function registeredScenarioTraits(): Array<[string, Readonly<ScenarioTraits>]> {
  return [...REGISTERED.entries()];
}
