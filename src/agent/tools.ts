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
    const def = TOOLS[name];
    const { $schema: _ignored, ...schema } = z.toJSONSchema(def.input) as Record<string, unknown>;
    d = declareTool(name, def.description, schema);
    declared.set(name, d);
  }
  return d;
}
