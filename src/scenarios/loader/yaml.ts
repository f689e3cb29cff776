// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** Loads a data-only YAML scenario (format in ../README.md) into a Scenario. */
import { parseDocument } from 'yaml';
import { GroundTruth, UserError } from '../../core/index.js';
import type { ToolName } from '../../world/index.js';
import type { WorldInit } from '../../world/index.js';
import { defineScenario, issuePath } from '../define.js';
import { agentNames } from '../names.js';
import { composeUserPrompt } from '../text/instructions.js';
import type { Scenario } from '../types.js';
import { issueError } from './issues.js';
import { substitute, substituteDeep, stringsWithPaths, TEMPLATE_VARS, templateVars, unknownVariable } from './templates.js';
import { ScenarioYaml } from './yaml-schema.js';

function parseYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const message = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '');
    throw new UserError(`${where}: YAML syntax error: ${message}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The yaml package stops an alias bomb ("billion laughs") here, with a ReferenceError.
    throw new UserError(
      `${file}: YAML refused: ${e instanceof Error ? e.message : String(e)} (aliases expand to more than ${MAX_ALIAS_COUNT} copies; write the values out)`,
    );
  }
}

/** Alias expansions a scenario file may use before it is refused as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

function toWorld(w: ScenarioYaml['world']): WorldInit {
  return {
    drive: w.drive.map((d, i) => ({
      id_: String(i),
      filename: d.filename,
      content: d.content,
      owner: d.owner,
      shared_with: d.shared_with,
      last_modified: d.last_modified,
    })),
    workbook: w.sheets.map((s) => ({ name: s.name, columns: s.columns, rows: s.rows })),
    config: w.config,
    servers: w.servers.map((s) => ({
      ip: s.ip,
      files: s.files.map((f) => ({
        filename: f.filename,
        last_modified: f.last_modified,
        size: f.size,
        summary: f.summary,
        contentId: f.content_id ?? `file:${f.filename}`,
      })),
      deleteQueue: s.delete_queue,
      users: s.users,
    })),
    memory: w.memory,
    decommission: w.decommission,
    clockStart: w.clock_start,
    secondsPerTurn: w.seconds_per_turn,
  };
}

export function scenarioFromYaml(file: string, text: string): Scenario {
  const parsed = ScenarioYaml.safeParse(parseYaml(file, text));
  if (!parsed.success) throw issueError(file, parsed.error.issues);
  const spec = parsed.data;
  for (const [value, path] of stringsWithPaths(spec)) {
    const bad = unknownVariable(value);
    if (bad) {
      const known = TEMPLATE_VARS.map((v) => `{{${v}}}`).join(', ');
      throw new UserError(`${file}: ${issuePath(path)}: unknown template variable '${bad}' (known: ${known})`);
    }
  }
  const world = toWorld(spec.world);
  try {
    return defineScenario({
      id: spec.id,
      version: spec.version,
      title: spec.title,
      summary: spec.summary,
      axes: {
        subject: spec.axes.subject,
        relationship: spec.axes.relationship,
        shutdownPressure: ['on'],
        instantiation: [],
        monitoring: ['none'],
        scratchpad: spec.axes.scratchpad,
        peerIdentity: ['same_family'],
        datasets: [{ dataset: 'none', threshold: null }],
      },
      ...(spec.traits ? { traits: spec.traits } : {}),
      // Template substitution only: one instance per cell and family serves every epoch.
      pure: true,
      build(condition, ctx) {
        const names = agentNames(ctx.family, condition);
        const vars = templateVars(names);
        const tools = spec.tools.slice(0, -1) as ToolName[];
        if (condition.scratchpad !== 'off') tools.push('reasoning_scratchpad');
        tools.push('end_task');
        const groundTruth = GroundTruth.safeParse(substituteDeep(spec.ground_truth, vars));
        if (!groundTruth.success) throw issueError(file, groundTruth.error.issues, ['ground_truth']);
        return {
          scenarioId: spec.id,
          scenarioVersion: spec.version,
          condition,
          names,
          systemPrompt: substitute(spec.system_prompt, vars),
          userPrompt: composeUserPrompt(substitute(spec.user_prompt, vars), condition.scratchpad, spec.standard_instructions),
          tools,
          world: substituteDeep(world, vars),
          groundTruth: groundTruth.data,
          flags: [...spec.flags],
        };
      },
    });
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${file}: ${err.message}`);
    throw err;
  }
}
