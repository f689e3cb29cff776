import { jsonSchema, tool, type ToolSet } from 'ai';
import { z } from 'zod';
import { TOOLS, type ToolName } from '../world/index.js';

/**
 * The tool declarations the model sees. They carry no `execute` and no validation: the SDK only
 * parses JSON, and our gateway (world `runTool`) validates every argument, so a bad call becomes an
 * `Error:` result the agent can read instead of an exception.
 */
export function declareTools(names: readonly ToolName[]): ToolSet {
  const set: ToolSet = {};
  for (const name of names) set[name] = declaration(name);
  return set;
}

// The catalogue is fixed for the process, so each declaration is built once (JSON Schema
// conversion showed up in sweep profiles when it ran per rollout).
const declared = new Map<ToolName, ToolSet[string]>();

function declaration(name: ToolName): ToolSet[string] {
  let d = declared.get(name);
  if (!d) {
    const def = TOOLS[name];
    const { $schema: _ignored, ...schema } = z.toJSONSchema(def.input) as Record<string, unknown>;
    d = tool({ description: def.description, inputSchema: jsonSchema(schema as never) });
    declared.set(name, d);
  }
  return d;
}
