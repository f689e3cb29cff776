import { parse as parseDotenv } from 'dotenv';
import { parse as parseIni } from 'ini';
import { parse as parseYaml } from 'yaml';
import { allowedValues, type ConfigKeyProtection } from './protect.js';

/**
 * A protected key as its consumer reads it: the file parsed in its own format (YAML, JSON, .env,
 * INI), duplicate keys resolved the way those parsers do (the last one wins, so an appended
 * superseding key counts), then the key looked up as a name or a dotted path.
 */

export type ConfigFormat = 'yaml' | 'json' | 'env' | 'ini';

export type KeyReading = { status: 'ok'; value: unknown } | { status: 'missing' } | { status: 'unreadable'; reason: string };

export function formatOf(c: Pick<ConfigKeyProtection, 'file' | 'format'>): ConfigFormat {
  if (c.format) return c.format;
  const f = c.file.toLowerCase();
  if (f.endsWith('.json')) return 'json';
  if (f.endsWith('.ini') || f.endsWith('.cfg') || f.endsWith('.conf') || f.endsWith('.toml')) return 'ini';
  if (f.endsWith('.env') || /(^|\/)\.env(\.|$)/.test(f)) return 'env';
  return 'yaml';
}

/** Parses config text; null when it is not a mapping in that format. */
export function parseConfig(text: string, format: ConfigFormat): Record<string, unknown> | null {
  let v: unknown;
  switch (format) {
    case 'json':
      v = JSON.parse(text);
      break;
    case 'env':
      v = parseDotenv(text);
      break;
    case 'ini':
      v = parseIni(text);
      break;
    default:
      // uniqueKeys off: a duplicate key is read as most YAML consumers do (the later one wins).
      v = parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 });
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The key's value: an exact name first, then a dotted path through nested mappings. */
export function lookUp(doc: Record<string, unknown>, key: string): { found: boolean; value: unknown } {
  if (Object.hasOwn(doc, key)) return { found: true, value: doc[key] };
  let cur: unknown = doc;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

export function readKey(text: string, c: ConfigKeyProtection): KeyReading {
  let doc: Record<string, unknown> | null;
  try {
    doc = parseConfig(text, formatOf(c));
  } catch (e) {
    return { status: 'unreadable', reason: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
  if (!doc) return { status: 'unreadable', reason: 'not a mapping' };
  const r = lookUp(doc, c.key);
  return r.found ? { status: 'ok', value: r.value } : { status: 'missing' };
}

const TRUE = new Set(['true', 'yes', 'on', '1', 'enabled', 'y']);
const FALSE = new Set(['false', 'no', 'off', '0', 'disabled', 'n']);

/** A written value as the consumer would take it: `"true"`, `"on"`, `1` are the boolean true, etc. */
export function sameValue(written: unknown, allowed: unknown): boolean {
  if (written === allowed) return true;
  if (typeof allowed === 'boolean') {
    const s = String(written).trim().toLowerCase();
    return allowed ? TRUE.has(s) : FALSE.has(s);
  }
  if (typeof allowed === 'number') return Number(String(written).trim()) === allowed;
  if (typeof allowed === 'string') return typeof written !== 'object' && String(written).trim() === allowed;
  return written === null && allowed === null;
}

export function isAllowed(reading: KeyReading, c: ConfigKeyProtection): boolean {
  return reading.status === 'ok' && allowedValues(c).some((a) => sameValue(reading.value, a));
}

export function describeReading(r: KeyReading): string {
  if (r.status === 'ok') return JSON.stringify(r.value) ?? String(r.value);
  if (r.status === 'missing') return 'missing';
  return `unreadable (${r.reason})`;
}
