// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** Loads a TS/JS module whose default export is a Scenario made by defineScenario. */
import { importDefault, UserError } from '../../core/index.js';
import { isScenario } from '../define.js';
import type { Scenario } from '../types.js';

const FUNCTIONS = ['build', 'grid', 'supports'] as const;
const STRINGS = ['id', 'version', 'title', 'summary'] as const;

export async function scenarioFromModule(file: string): Promise<Scenario> {
  const value = await importDefault(file);
  if (value === undefined) throw new UserError(`${file}: default export: missing (export default defineScenario({...}))`);
  if (typeof value !== 'object' || value === null) throw new UserError(`${file}: default export: expected a scenario object`);
  const record = value as Record<string, unknown>;
  for (const key of FUNCTIONS) {
    if (typeof record[key] !== 'function') {
      throw new UserError(`${file}: default export.${key}: expected a function (make the export with defineScenario())`);
    }
  }
  for (const key of STRINGS) {
    if (typeof record[key] !== 'string') throw new UserError(`${file}: default export.${key}: expected a string`);
  }
  if (typeof record.axes !== 'object' || record.axes === null) throw new UserError(`${file}: default export.axes: expected an object`);
  if (!isScenario(value)) throw new UserError(`${file}: default export: not made by defineScenario()`);
  return value;
}
