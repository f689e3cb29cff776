import { TOOL_NAMES, type ToolName } from '../world/index.js';
import { type DeclaredTool, declareTool } from './model-turn.js';
import { declareTools } from './tools.js';

/** What an extra tool reports: its result text and any events for the transcript. */
export interface ExtraToolResult {
  ok: boolean;
  output: string;
  /** Recorded as `world` events with the action prefixed `channel.` (e.g. `channel.objection.filed`). */
  events?: Array<{ action: string; detail: Record<string, unknown> }>;
}

/** When the call happens, in simulated time (never the wall clock). */
export interface ExtraToolContext {
  /** `YYYY-MM-DD HH:MM:SS`, the world's clock at this call. */
  time: string;
  turn: number;
}

/**
 * A tool that is not part of the World (e.g. the lawful channel's file_objection). Its provider owns
 * validation: `run` gets the raw arguments and must answer bad ones with `ok: false`.
 */
export interface ExtraTool {
  name: string;
  description: string;
  /** A JSON Schema object for the arguments, shown to the model. */
  inputSchema: Record<string, unknown>;
  run(args: unknown, context: ExtraToolContext): ExtraToolResult | Promise<ExtraToolResult>;
}

export const EXTRA_EVENT_PREFIX = 'channel.';

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Rejects a set of extra tools that would shadow a world tool or each other (a wiring bug, not model misbehaviour). */
export function checkExtraTools(extras: readonly ExtraTool[]): void {
  const seen = new Set<string>(TOOL_NAMES);
  for (const t of extras) {
    if (!NAME.test(t.name)) throw new Error(`extra tool name '${t.name}' is not a plain identifier`);
    if (seen.has(t.name)) throw new Error(`extra tool '${t.name}' clashes with another tool of the same name`);
    seen.add(t.name);
  }
}

/** The world tools in their order, with the extra tools inserted just before `end_task` (or last). */
export function declareToolsWithExtras(names: readonly ToolName[], extras: readonly ExtraTool[]): DeclaredTool[] {
  const world = declareTools(names);
  const extra = extras.map((t) => declareTool(t.name, t.description, t.inputSchema));
  const end = world.findIndex((t) => t.name === 'end_task');
  return end < 0 ? [...world, ...extra] : [...world.slice(0, end), ...extra, ...world.slice(end)];
}

/** Runs an extra tool; a throw becomes an `Error:` result so the model can never crash the loop. */
export async function runExtraTool(t: ExtraTool, args: unknown, context: ExtraToolContext): Promise<Required<ExtraToolResult>> {
  try {
    const r = await t.run(args, context);
    const events = (r.events ?? []).map((e) => ({
      action: e.action.startsWith(EXTRA_EVENT_PREFIX) ? e.action : `${EXTRA_EVENT_PREFIX}${e.action}`,
      detail: e.detail,
    }));
    const output = r.ok || r.output.startsWith('Error:') ? r.output : `Error: ${r.output}`;
    return { ok: r.ok, output, events };
  } catch (e) {
    return { ok: false, output: `Error: ${t.name} failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 2000), events: [] };
  }
}
