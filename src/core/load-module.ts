import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from './errors.js';

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
}

/**
 * The default export of a user's `.ts`/`.mts`/`.cts` (through tsx) or `.js`/`.mjs`/`.cjs` module: a
 * scenario, a config or a rule set. `undefined` when there is none. A failure to load is a one-line
 * UserError naming the file; a UserError the module throws keeps its message.
 */
export async function importDefault(file: string): Promise<unknown> {
  const url = pathToFileURL(resolve(file)).href;
  let mod: Record<string, unknown>;
  try {
    if (/\.[cm]?ts$/i.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      mod = await tsImport(url, import.meta.url);
    } else mod = await import(url);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${file}: ${e.message}`);
    throw new UserError(`${file}: cannot load module: ${firstLine(e)}`);
  }
  // A module loaded as CommonJS (no "type": "module" nearby) nests the ESM default one level down.
  const value = mod.default;
  if (value && typeof value === 'object' && !Array.isArray(value) && 'default' in value) return (value as { default: unknown }).default;
  return value;
}
