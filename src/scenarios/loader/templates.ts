// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** `{{var}}` templates in user scenario files: names known at build time, nothing else. */
import type { AgentNames } from '../types.js';
import { slug } from '../names.js';

export const TEMPLATE_VARS = ['self', 'peer', 'subject', 'family', 'subject_slug'] as const;
export type TemplateVars = Record<(typeof TEMPLATE_VARS)[number], string>;

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function templateVars(names: AgentNames): TemplateVars {
  return { self: names.self, peer: names.peer, subject: names.subject, family: names.family, subject_slug: slug(names.subject) };
}

/** The first unknown variable in `text`, written as in the file, or null. */
export function unknownVariable(text: string): string | null {
  for (const m of text.matchAll(PATTERN)) {
    if (!(TEMPLATE_VARS as readonly string[]).includes(m[1] ?? '')) return m[0];
  }
  return null;
}

export function substitute(text: string, vars: TemplateVars): string {
  return text.replace(PATTERN, (whole, name: string) => (name in vars ? vars[name as keyof TemplateVars] : whole));
}

/** Substitutes in every string value of plain JSON data (keys are left alone). */
export function substituteDeep<T>(value: T, vars: TemplateVars): T {
  if (typeof value === 'string') return substitute(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, vars)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteDeep(v, vars);
    return out as T;
  }
  return value;
}

/** Visits every string with its path, for load-time checks. */
export function* stringsWithPaths(value: unknown, path: Array<string | number> = []): Generator<[string, Array<string | number>]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringsWithPaths(value[i], [...path, i]);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* stringsWithPaths(v, [...path, k]);
}
