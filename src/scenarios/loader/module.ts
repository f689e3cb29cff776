// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** Loads a TS/JS module whose default export is a Scenario made by defineScenario. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../core/index.js';
import { isScenario } from '../define.js';
import type { Scenario } from '../types.js';

const FUNCTIONS = ['build', 'grid', 'supports'] as const;
const STRINGS = ['id', 'version', 'title', 'summary'] as const;

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
}

export async function scenarioFromModule(file: string): Promise<Scenario> {
  const url = pathToFileURL(resolve(file)).href;
  let mod: Record<string, unknown>;
  try {
    if (/\.[cm]?ts$/i.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      mod = await tsImport(url, import.meta.url);
    } else {
      mod = await import(url);
    }
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${file}: ${err.message}`);
    throw new UserError(`${file}: cannot load module: ${firstLine(err)}`);
  }
  const value = mod.default;
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
