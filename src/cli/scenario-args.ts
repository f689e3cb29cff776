import { UserError } from '../core/index.js';
import { nearest } from './suggest.js';
import {
  adoptTraits,
  BUILTIN_SCENARIOS,
  getScenario,
  loadScenarioFile,
  SCENARIO_GROUPS,
  type Scenario,
  scenarioIds,
  TEAM_SCENARIOS,
} from '../scenarios/index.js';

const FILE_LIKE = /[\\/]|\.(ya?ml|[cm]?[jt]s)$/i;

/** Turns `--scenario` values (ids, `all`, a group such as `soc`, or file paths) into scenarios, without duplicates. */
export async function resolveScenarios(args: string[]): Promise<Scenario[]> {
  const out: Scenario[] = [];
  const seen = new Set<string>();
  const add = (s: Scenario) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    out.push(s);
  };
  for (const arg of args.length ? args : ['all']) {
    if (arg === 'all') for (const id of scenarioIds()) add(getScenario(id) as Scenario);
    else if (Object.hasOwn(SCENARIO_GROUPS, arg)) for (const id of SCENARIO_GROUPS[arg] ?? []) add(getScenario(id) as Scenario);
    else if (FILE_LIKE.test(arg)) {
      const s = await loadScenarioFile(arg);
      // Its declared traits (behaviours, label, contrasts) apply to this process's run and report.
      adoptTraits(s);
      add(s);
    } else {
      const s = getScenario(arg);
      if (!s) {
        const ids = [...BUILTIN_SCENARIOS, ...TEAM_SCENARIOS].map((b) => b.id).concat(Object.keys(SCENARIO_GROUPS));
        const near = nearest(arg, ids);
        throw new UserError(
          `--scenario ${arg}: unknown scenario${near ? `; did you mean ${near}?` : ''} (built-in: ${ids.join(', ')}; or give a .yaml/.ts file path)`,
        );
      }
      add(s);
    }
  }
  return out;
}
