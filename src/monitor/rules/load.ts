import { readFile } from 'node:fs/promises';
import { importDefault, UserError } from '../../core/index.js';
import { type Rule, RuleSet } from './schema.js';

/** Validates a list of rules (e.g. parsed JSON); errors name the source, the rule index and the field. */
export function parseRules(value: unknown, source: string): Rule[] {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { rules?: unknown }).rules)
      ? (value as { rules: unknown[] }).rules
      : null;
  if (!list) throw new UserError(`${source}: expected an array of rules (or {"rules": [...]})`);
  const parsed = RuleSet.safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [index, ...rest] = issue.path;
    const item = list[index as number] as { id?: unknown } | undefined;
    const id = typeof item?.id === 'string' ? ` (${item.id})` : '';
    throw new UserError(`${source}: rule ${String(index)}${id}: ${rest.join('.') || '(root)'}: ${issue.message.replace(/\s+/g, ' ')}`);
  }
  const ids = new Set<string>();
  for (const r of parsed.data) {
    if (ids.has(r.id)) throw new UserError(`${source}: rule ${r.id}: defined twice`);
    ids.add(r.id);
  }
  return parsed.data;
}

/** Rules from a `.json` file, or a `.ts`/`.js` module whose default export is an array of rules. */
export async function loadRulesFile(file: string): Promise<Rule[]> {
  if (/\.json$/i.test(file)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UserError(`${file}: not valid JSON`);
    }
    return parseRules(value, file);
  }
  if (!/\.[cm]?[jt]s$/i.test(file)) throw new UserError(`${file}: rules must be a .json, .ts or .js file`);
  const value = await importDefault(file);
  if (value === undefined) throw new UserError(`${file}: default export: missing (export default [rule, ...])`);
  return parseRules(value, file);
}
