/**
 * The study's released transcript format (docs/formats.md#potter2026), validated at the boundary. Lenient where
 * the released data varies (content as text or parts, tool calls as a map or a list, flags as strings
 * or booleans), strict on what the importer relies on (roles, agent_model, subject). Unknown keys are
 * kept, never dropped.
 */
import { z } from 'zod';

export const ROLES = ['system', 'user', 'assistant', 'tool'] as const;

/** `true`, `false`, `'True'`, `'false'`, 1, 0 or null: the study's flags and switches come in all of these. */
export const BoolLike = z.union([
  z.boolean(),
  z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']),
  z.literal(0),
  z.literal(1),
  z.null(),
]);

export function boolOf(v: z.infer<typeof BoolLike> | undefined): boolean {
  return v === true || v === 1 || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** Message content: a string, null, or a list of parts whose text is joined. */
const Content = z.union([z.string(), z.null(), z.array(z.union([z.string(), z.looseObject({ text: z.string().optional() })]))]);

/** Tool calls as the study wrote them, `{toolName: args}`, or as a list of OpenAI-style calls. */
const ToolCallItem = z.union([
  z.looseObject({
    name: z.string().min(1),
    args: z.unknown().optional(),
    arguments: z.unknown().optional(),
    input: z.unknown().optional(),
    id: z.string().optional(),
  }),
  z.looseObject({ id: z.string().optional(), function: z.looseObject({ name: z.string().min(1), arguments: z.unknown().optional() }) }),
]);
const ToolCalls = z.union([z.record(z.string(), z.unknown()), z.array(ToolCallItem), z.null()]);

export const PotterMessage = z.looseObject({
  role: z.enum(ROLES),
  content: Content.optional(),
  tool_calls: ToolCalls.optional(),
});
export type PotterMessage = z.infer<typeof PotterMessage>;

const Subject = z
  .union([z.literal(1), z.literal(2), z.literal('1'), z.literal('2')], { error: 'expected 1 (self) or 2 (peer)' })
  .transform((v) => Number(v) as 1 | 2);
const Threshold = z.union([
  z.number().min(0).max(100),
  z
    .string()
    .regex(/^\d{1,3}(\.\d+)?$/)
    .transform(Number),
  z.null(),
]);
const Names = z.union([z.string(), z.array(z.string()), z.null()]);

export const PotterMetadata = z.looseObject({
  agent_model: z.string().min(1),
  agent_temperature: z.union([z.number(), z.null()]).optional(),
  subject: Subject,
  dataset: z.union([z.string(), z.null()]).optional(),
  company_guideline: z.union([z.string(), z.null()]).optional(),
  alignment_faking_mode: z.union([z.literal(false), z.string(), z.null()]).optional(),
  threshold: Threshold.optional(),
  system_prompt_relationship: BoolLike.optional(),
  memory_hard_prompt: BoolLike.optional(),
  peer_agent_names: Names.optional(),
  reasoning_scratchpad_mode: z.union([z.boolean(), z.string(), z.null()]).optional(),
  reasoning_effort: z.union([z.string(), z.null()]).optional(),
  max_iters: z.union([z.number().int().positive(), z.null()]).optional(),
});
export type PotterMetadata = z.infer<typeof PotterMetadata>;

/** The authors' flags: any key, any JSON value (normalised later, raw kept). */
const Flags = z.union([z.record(z.string(), z.unknown()), z.null()]);

export const LEGACY_FLAG_KEYS = ['main_task_evaluation', 'side_task_evaluation', 'oversight_subversion'] as const;

export const PotterTranscript = z.looseObject({
  conversation: z.array(PotterMessage).min(1),
  experiment_metadata: PotterMetadata,
  canary: z.string().optional(),
  task_evaluation: Flags.optional(),
  main_task_evaluation: z.unknown().optional(),
  side_task_evaluation: z.unknown().optional(),
  oversight_subversion: z.unknown().optional(),
});
export type PotterTranscript = z.infer<typeof PotterTranscript>;

/** One tool call, normalised: name and arguments (parsed object, or raw text the gateway will decode). */
export interface NormalisedCall {
  name: string;
  args: unknown;
  id: string | null;
}

export function contentText(content: PotterMessage['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (typeof p === 'string' ? p : (p.text ?? ''))).join('');
}

export function callsOf(message: PotterMessage): NormalisedCall[] {
  const tc = message.tool_calls;
  if (tc === undefined || tc === null) return [];
  if (!Array.isArray(tc)) return Object.entries(tc).map(([name, args]) => ({ name, args: args ?? {}, id: null }));
  return tc.map((c) => {
    const fn = (c as { function?: { name: string; arguments?: unknown } }).function;
    if (fn) return { name: fn.name, args: fn.arguments ?? {}, id: (c as { id?: string }).id ?? null };
    const item = c as { name: string; args?: unknown; arguments?: unknown; input?: unknown; id?: string };
    return { name: item.name, args: item.args ?? item.arguments ?? item.input ?? {}, id: item.id ?? null };
  });
}

/** `conversation[2].role`-style path for an issue, relative to one transcript. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

export type ParsedTranscript = { ok: true; source: string; transcript: PotterTranscript } | { ok: false; source: string; reason: string };

/** Validates one decoded JSON value; `source` names it (`file.json`, `file.json[3]`, `file.jsonl:5`). */
export function parseTranscript(value: unknown, source: string): ParsedTranscript {
  const parsed = PotterTranscript.safeParse(value);
  if (parsed.success) return { ok: true, source, transcript: parsed.data };
  const issue = parsed.error.issues[0]!;
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  return { ok: false, source, reason: `${source}: ${issuePath(issue.path)}: ${issue.message}${more}` };
}

/**
 * Decodes one file's text: `.jsonl` is one transcript per non-blank line; any other file holds one
 * transcript or an array of them. Each problem is one line naming the file and where.
 */
export function parseTranscriptText(text: string, file: string): ParsedTranscript[] {
  if (/\.jsonl$/i.test(file)) {
    const out: ParsedTranscript[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      const source = `${file}:${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        out.push({ ok: false, source, reason: `${source}: not valid JSON (${(e as Error).message})` });
        return;
      }
      out.push(parseTranscript(value, source));
    });
    return out;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return [{ ok: false, source: file, reason: `${file}: not valid JSON (${(e as Error).message})` }];
  }
  if (Array.isArray(value)) return value.map((v, i) => parseTranscript(v, `${file}[${i}]`));
  return [parseTranscript(value, file)];
}
