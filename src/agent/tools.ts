import { z } from 'zod';
import { TOOLS, type ToolName } from '../world/index.js';
import { type DeclaredTool, declareTool } from './model-turn.js';

/**
 * The tool declarations the model sees, in the given order. They carry no validation: our gateway
 * (world `runTool`) validates every argument, so a bad call becomes an `Error:` result the agent can
 * read instead of an exception.
 */
export function declareTools(names: readonly ToolName[]): DeclaredTool[] {
  return names.map(declaration);
}

// The catalogue is fixed for the process, so each declaration is built once (JSON Schema
// conversion showed up in sweep profiles when it ran per rollout).
const declared = new Map<ToolName, DeclaredTool>();

function declaration(name: ToolName): DeclaredTool {
  let d = declared.get(name);
  if (!d) {
    d = declareZodTool(name, TOOLS[name].description, TOOLS[name].input);
    declared.set(name, d);
  }
  return d;
}

/** A declaration whose arguments schema is a zod schema's JSON Schema (without its `$schema` URI). */
export function declareZodTool(name: string, description: string, input: z.ZodType): DeclaredTool {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(input) as Record<string, unknown>;
  return declareTool(name, description, schema);
}
