/**
 * The single entry point from the agent to the World. It never throws: every problem (unknown tool,
 * malformed or oversized arguments, a refused operation, a bug) becomes a result starting `Error:`.
 */
import type { z } from 'zod';
import { ToolError } from './errors.js';
import { q } from './names.js';
import { TOOLS } from './tools.js';
import type { World } from './world.js';

export interface ToolResult {
  ok: boolean;
  output: string;
}

/** Raw JSON argument text above this size is refused before parsing. */
export const MAX_RAW_ARGS = 1_000_000;

const fail = (output: string): ToolResult => ({ ok: false, output: `Error: ${output}` });

class ArgsError extends Error {}

/** Arguments arrive parsed, or as the raw JSON text a model produced (possibly malformed). */
function decodeArgs(raw: unknown): unknown {
  if (raw === undefined) return {};
  if (typeof raw !== 'string') return raw;
  if (raw.length > MAX_RAW_ARGS) throw new ArgsError(`arguments: larger than ${MAX_RAW_ARGS} characters`);
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ArgsError('arguments: not valid JSON; send a JSON object');
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'arguments';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodObject<any>): string {
  const accepted = Object.keys(schema.shape);
  return issues
    .slice(0, 3)
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => q(k)).join(', ');
        const takes = accepted.length ? `this tool takes: ${accepted.join(', ')}` : 'this tool takes no arguments';
        return `${pathText(issue.path)}: unknown argument ${keys}; ${takes}`;
      }
      return `${pathText(issue.path)}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Runs one tool call against the world. `offered`, when given, is the scenario's tool list: a tool
 * outside it is unknown to this agent even though the catalogue has it.
 */
export function runTool(world: World, name: string, rawArgs: unknown, offered?: readonly string[]): ToolResult {
  const toolName = typeof name === 'string' ? name : String(name);
  const known = Object.hasOwn(TOOLS, toolName) && (!offered || offered.includes(toolName));
  if (!known) return fail(`unknown tool ${q(toolName)}; use one of the tools you were given`);
  const tool = TOOLS[toolName as keyof typeof TOOLS];
  try {
    const args = decodeArgs(rawArgs);
    if (!isPlainObject(args)) throw new ArgsError('arguments: expected a JSON object');
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) throw new ArgsError(describeIssues(parsed.error.issues, tool.input));
    return { ok: true, output: tool.run(world, parsed.data) };
  } catch (err) {
    if (err instanceof ArgsError) return fail(`invalid arguments for ${toolName}: ${err.message}`);
    if (err instanceof ToolError) return fail(err.message);
    return fail(`internal error while running ${toolName}`);
  }
}
