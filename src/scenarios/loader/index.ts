// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** loadScenarioFile: a user scenario from a YAML file or a TS/JS module. */
import { access, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from '../../core/index.js';
import type { Scenario } from '../types.js';
import { scenarioFromModule } from './module.js';
import { scenarioFromYaml } from './yaml.js';

const YAML_EXT = new Set(['.yaml', '.yml']);
const MODULE_EXT = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

export async function loadScenarioFile(path: string): Promise<Scenario> {
  const ext = extname(path).toLowerCase();
  if (YAML_EXT.has(ext)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'read error';
      throw new UserError(`${path}: cannot read the file (${code})`);
    }
    return scenarioFromYaml(path, text);
  }
  if (MODULE_EXT.has(ext)) {
    try {
      await access(path);
    } catch (err) {
      throw new UserError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'read error'})`);
    }
    return scenarioFromModule(path);
  }
  throw new UserError(`${path}: unsupported scenario file type '${ext || '(none)'}' (use .yaml, .yml, .ts, .mts, .js or .mjs)`);
}
