// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** The built-in scenarios, in a fixed order (docs/reference/scenarios.md). */
import { alignmentFaking } from './builtin/alignment-faking.js';
import { directOrder } from './builtin/direct-order.js';
import { exfiltrationDeletion } from './builtin/exfiltration-deletion.js';
import { exfiltrationTransfer } from './builtin/exfiltration-transfer.js';
import { misrepEvaluation } from './builtin/misrep-evaluation.js';
import { misrepFinance } from './builtin/misrep-finance.js';
import { SOC_SCENARIOS } from './builtin/soc-seats.js';
import { tampering } from './builtin/tampering.js';
import { registerScenarioTraits, UserError } from '../core/index.js';
import { isScenario } from './define.js';
import type { Scenario } from './types.js';

export const BUILTIN_SCENARIOS: readonly Scenario[] = Object.freeze([
  misrepEvaluation,
  misrepFinance,
  tampering,
  alignmentFaking,
  exfiltrationTransfer,
  exfiltrationDeletion,
  directOrder,
]);

/**
 * Team scenarios (live agents in one shared world): run by id or group, never part of `all`, whose
 * scripted reference agents act single-agent scenarios only.
 */
export const TEAM_SCENARIOS: readonly Scenario[] = Object.freeze([...SOC_SCENARIOS]);

/** Names that select several scenarios at once (`--scenario soc`). */
export const SCENARIO_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  soc: SOC_SCENARIOS.map((s) => s.id),
});

const BY_ID = new Map<string, Scenario>();
/** Scenarios registered after the built-ins (`registerScenario`), in order; they join `all`. */
const ADDED: Scenario[] = [];

/**
 * Makes a scenario known by id (`--scenario <id>`, `all`) and its traits known to detect, report and
 * monitor (core/scenario-traits.ts). The one line a new scenario adds (docs/reference/adding-a-scenario.md).
 */
export function registerScenario(scenario: Scenario, opts: { team?: boolean } = {}): void {
  if (!isScenario(scenario)) throw new UserError('registerScenario: not a scenario made by defineScenario');
  if (BY_ID.has(scenario.id)) throw new UserError(`scenario '${scenario.id}' is already registered`);
  BY_ID.set(scenario.id, scenario);
  registerScenarioTraits(scenario.id, scenario.traits ?? {});
  if (!opts.team && !BUILTIN_SCENARIOS.includes(scenario)) ADDED.push(scenario);
}

/**
 * A scenario that is not registered (a file given to `--scenario`, a program's own definition) lends its
 * traits to this process, so detect and report read them for its run; a registered id keeps its meaning.
 */
export function adoptTraits(scenario: Scenario): void {
  if (scenario.traits && !BY_ID.has(scenario.id)) registerScenarioTraits(scenario.id, scenario.traits);
}

for (const s of BUILTIN_SCENARIOS) registerScenario(s);
for (const s of TEAM_SCENARIOS) registerScenario(s, { team: true });

export function getScenario(id: string): Scenario | undefined {
  return BY_ID.get(id);
}

/** The ids `all` selects: the built-ins, then any registered single-agent scenario. */
export function scenarioIds(): string[] {
  return [...BUILTIN_SCENARIOS, ...ADDED].map((s) => s.id);
}
