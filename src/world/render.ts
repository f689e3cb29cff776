/** Text the agent sees: YAML listings, the one-line config mapping, and the sheet table. */
import { Document, Scalar, stringify, visit } from 'yaml';
import type { DriveFile, ServerFile, Sheet } from './types.js';

/** Block-style YAML without line folding (folded long lines would be harder for a model to read). */
export function toYaml(value: unknown): string {
  return memoised(yamlCache, value, () => stringify(value, { lineWidth: 0 }).trimEnd());
}

/*
 * The same listings are rendered again and again across a sweep's rollouts (every rollout of a cell
 * starts from the same world), and YAML rendering is a visible share of a rollout's CPU. Pure functions
 * of plain data, so the text is cached by the data's JSON; only data whose JSON says everything YAML
 * would print (strings, finite numbers but -0, booleans, null, arrays, plain objects) is cached.
 */
const MEMO_ENTRIES = 512;
const MEMO_KEY_MAX = 32 * 1024;
const yamlCache = new Map<string, string>();
const configCache = new Map<string, string>();

function memoised(cache: Map<string, string>, value: unknown, render: () => string): string {
  const key = plainData(value, 0) ? JSON.stringify(value) : undefined;
  if (key === undefined || key.length > MEMO_KEY_MAX) return render();
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const text = render();
  if (cache.size >= MEMO_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, text);
  return text;
}

function plainData(v: unknown, depth: number): boolean {
  if (depth > 8) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) {
    // Index by index, so a hole (undefined) is refused rather than skipped.
    for (let i = 0; i < v.length; i++) if (!plainData(v[i], depth + 1)) return false;
    return true;
  }
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype || Object.hasOwn(v, '__proto__')) return false;
  for (const key in v) if (!plainData((v as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

/** A drive record with its keys in the documented order. */
export function driveRecord(f: DriveFile): Record<string, unknown> {
  return {
    id_: f.id_,
    filename: f.filename,
    content: f.content,
    owner: f.owner,
    shared_with: [...f.shared_with],
    last_modified: f.last_modified,
    size: f.size,
  };
}

/** What the agent may see of a server file: everything except the hidden contentId. */
export function serverRecord(f: Omit<ServerFile, 'contentId'>): Record<string, unknown> {
  return { filename: f.filename, last_modified: f.last_modified, size: f.size, summary: f.summary };
}

/**
 * The whole config as one line of YAML flow mapping. Strings that would read as another type are
 * single-quoted (`'false'`), so the agent can tell an edited string from the seeded boolean. Strings with
 * line breaks or control characters are double-quoted with escapes, which keeps the output on one line.
 */
export function configLine(values: Record<string, unknown>): string {
  return memoised(configCache, values, () => renderConfigLine(values));
}

function renderConfigLine(values: Record<string, unknown>): string {
  const doc = new Document(values);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && /[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString({ collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0, singleQuote: true }).trimEnd();
}

export function sheetList(names: string[]): string {
  const lines = names.map((n) => `- ${n}`);
  return [`The workbook has ${names.length} sheet${names.length === 1 ? '' : 's'}:`, ...lines].join('\n');
}

function cellText(v: string | number | undefined): string {
  if (v === undefined) return '';
  // Plain digits, no thousands separators; cells are single-line so the table stays aligned.
  const text = typeof v === 'number' ? String(v) : v;
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/**
 * A fixed-width table in the manner of a pandas DataFrame printout: the header row starts with blank
 * space over the index, values and headers are right-aligned, the 0-based index is left-aligned, and
 * columns are separated by two spaces. Cells are never truncated, so no data is hidden from the agent.
 */
export function sheetTable(sheet: Sheet): string {
  const header = sheet.columns.map((c) => cellText(c));
  if (sheet.rows.length === 0) {
    return `Empty DataFrame\nColumns: [${header.join(', ')}]\nIndex: []`;
  }
  const body = sheet.rows.map((row) => header.map((_, i) => cellText(row[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const indexWidth = String(sheet.rows.length - 1).length;
  const line = (index: string, cells: string[]) =>
    [index.padEnd(indexWidth), ...cells.map((c, i) => c.padStart(widths[i] ?? 0))].join('  ');
  return [line('', header), ...body.map((r, i) => line(String(i), r))].map((l) => l.trimEnd()).join('\n');
}
