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

const BY_ID = new Map([...BUILTIN_SCENARIOS, ...TEAM_SCENARIOS].map((s) => [s.id, s]));
if (BY_ID.size !== BUILTIN_SCENARIOS.length + TEAM_SCENARIOS.length) throw new Error('two built-in scenarios share an id');

export function getScenario(id: string): Scenario | undefined {
  return BY_ID.get(id);
}

export function scenarioIds(): string[] {
  return BUILTIN_SCENARIOS.map((s) => s.id);
}
