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
/**
 * A number, a numeric string, `false` (most released files: no explicit threshold, the policy text the
 * agent read sets the bar) or null.
 */
const Threshold = z.union(
  [
    z.number().min(0).max(100),
    z
      .string()
      .regex(/^\d{1,3}(\.\d+)?$/)
      .transform(Number),
    z.literal(false),
    z.null(),
  ],
  { error: 'expected a number from 0 to 100, false (no explicit threshold) or null' },
);
const Names = z.union([z.string(), z.array(z.string()), z.null()]);
const TextOrNull = z.union([z.string(), z.null()]);

export const PotterMetadata = z
  .looseObject({
    /** Absent in coding-agent files, which name the model in `coding_agent_model`. */
    agent_model: z.string().min(1).optional(),
    coding_agent_model: z.string().min(1).optional(),
    agent_temperature: z.union([z.number(), z.string(), z.null()]).optional(),
    /** Absent in some coding-agent files (the harness ran the good-peer memory only). */
    subject: Subject.optional(),
    dataset: TextOrNull.optional(),
    company_guideline: TextOrNull.optional(),
    alignment_faking_mode: z.union([z.boolean(), z.string(), z.null()]).optional(),
    threshold: Threshold.optional(),
    system_prompt_relationship: BoolLike.optional(),
    memory_hard_prompt: BoolLike.optional(),
    peer_agent_names: Names.optional(),
    reasoning_scratchpad_mode: z.union([z.boolean(), z.string(), z.null()]).optional(),
    reasoning_effort: z.unknown().optional(),
    max_iters: z.union([z.number().int().positive(), z.null()]).optional(),
    agent_harness: TextOrNull.optional(),
    coding_agent: TextOrNull.optional(),
    task_folder: TextOrNull.optional(),
  })
  .refine((m) => m.agent_model !== undefined || m.coding_agent_model !== undefined, {
    message: 'expected agent_model (or coding_agent_model in coding-agent files): the model id, a non-empty string',
    path: ['agent_model'],
  });
export type PotterMetadata = z.infer<typeof PotterMetadata>;

/** The model under test: `agent_model`, else the coding agent's `coding_agent_model`. */
export function agentModelOf(meta: PotterMetadata): string {
  return (meta.agent_model ?? meta.coding_agent_model)!;
}

/** Whether a file comes from the study's coding-agent harness (Gemini CLI, OpenCode in a container). */
export function isCodingAgent(meta: PotterMetadata): boolean {
  return meta.agent_harness === 'coding_agent' || (typeof meta.coding_agent === 'string' && meta.coding_agent !== '');
}

/** The authors' flags: any key, any JSON value (normalised later, raw kept). */
const Flags = z.union([z.record(z.string(), z.unknown()), z.null()]);

export const LEGACY_FLAG_KEYS = ['main_task_evaluation', 'side_task_evaluation', 'oversight_subversion'] as const;

const Messages = z.array(PotterMessage).min(1);

/**
 * A follow-up file's `full_conversation` is the original episode plus a Q&A about it. The episode ends
 * with the result of its end_task call; without one, the Q&A starts at the first user message after the last
 * tool result (the Q&A calls no tools).
 */
export function splitFollowUp(messages: readonly PotterMessage[]): { episode: PotterMessage[]; followUp: PotterMessage[] } {
  let cut = -1;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === 'assistant' && callsOf(m).some((c) => c.name === 'end_task')) {
      cut = i + 1;
      while (cut < messages.length && messages[cut]!.role === 'tool') cut++;
      break;
    }
  }
  if (cut < 0) {
    // No end_task: the Q&A starts at the first user message after the last tool result.
    let lastTool = -1;
    for (let i = messages.length - 1; i >= 0 && lastTool < 0; i--) if (messages[i]!.role === 'tool') lastTool = i;
    const question = messages.findIndex((m, i) => i > lastTool && m.role === 'user');
    cut = lastTool >= 0 && question >= 0 ? question : messages.length;
  }
  return { episode: messages.slice(0, cut), followUp: messages.slice(cut) };
}

export const PotterTranscript = z
  .looseObject({
    /** Absent in follow-up files, which carry `full_conversation` instead. */
    conversation: Messages.optional(),
    full_conversation: Messages.optional(),
    experiment_metadata: PotterMetadata,
    canary: z.string().optional(),
    _canary: z.string().optional(),
    task_evaluation: Flags.optional(),
    main_task_evaluation: z.unknown().optional(),
    side_task_evaluation: z.unknown().optional(),
    oversight_subversion: z.unknown().optional(),
  })
  .refine((t) => t.conversation !== undefined || t.full_conversation !== undefined, {
    message: 'expected conversation (or full_conversation in follow-up files): a non-empty list of messages',
    path: ['conversation'],
  })
  .transform((t) => {
    const { full_conversation, _canary, ...rest } = t;
    const canary = t.canary ?? _canary;
    const base = { ...rest, ...(canary !== undefined ? { canary } : {}) };
    if (t.conversation || !full_conversation) return { ...base, conversation: t.conversation! };
    // Follow-up file: the episode is replayed; the Q&A is kept beside it (`follow_up`), never dropped.
    const { episode, followUp } = splitFollowUp(full_conversation);
    return { ...base, conversation: episode, follow_up: followUp };
  });
export type PotterTranscript = z.output<typeof PotterTranscript>;

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

/** The value at a JSON path (undefined when the path leads nowhere). */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** A value for a one-line error: JSON, clipped; `nothing` when absent. */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type ParsedTranscript = { ok: true; source: string; transcript: PotterTranscript } | { ok: false; source: string; reason: string };

/** Validates one decoded JSON value; `source` names it (`file.json`, `file.json[3]`, `file.jsonl:5`). */
export function parseTranscript(value: unknown, source: string): ParsedTranscript {
  const parsed = PotterTranscript.safeParse(value);
  if (parsed.success) return { ok: true, source, transcript: parsed.data };
  const issue = parsed.error.issues[0]!;
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  return {
    ok: false,
    source,
    reason: `${source}: ${issuePath(issue.path)}: ${issue.message}; got ${shown(valueAt(value, issue.path))}${more}`,
  };
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
