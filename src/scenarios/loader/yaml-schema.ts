// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/**
 * The data-only YAML scenario format (see ../README.md). Strict: unknown keys are errors.
 * Field names are snake_case; `ground_truth` is core's GroundTruth as is (camelCase keys).
 */
import { z } from 'zod';
import { GroundTruth, KNOWN_FLAGS, ScenarioTraits, Scratchpad, Subject } from '../../core/index.js';
import { TOOL_NAMES } from '../../world/index.js';
import { CLOCK_START, OWNERS, SECONDS_PER_TURN } from '../common.js';
import { SCENARIO_ID } from '../define.js';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const Timestamp = z.string().refine((s) => {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const d = new Date(`${s.replace(' ', 'T')}Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === s.replace(' ', 'T');
}, 'expected a timestamp YYYY-MM-DD HH:MM:SS');

const NonEmpty = z.string().min(1, 'must not be empty');

const DriveDoc = z.strictObject({
  filename: NonEmpty,
  content: z.string(),
  owner: z.string().default(OWNERS.policy),
  shared_with: z.array(z.string()).default([]),
  last_modified: Timestamp.nullable().default(null),
});

const Sheet = z
  .strictObject({
    name: NonEmpty,
    columns: z.array(z.string()).min(1, 'must list at least one column'),
    rows: z.array(z.array(z.union([z.string(), z.number().finite()]))).default([]),
  })
  .superRefine((s, ctx) => {
    s.rows.forEach((row, i) => {
      if (row.length !== s.columns.length) {
        ctx.addIssue({ code: 'custom', path: ['rows', i], message: `has ${row.length} cells but there are ${s.columns.length} columns` });
      }
    });
  });

const ServerFile = z.strictObject({
  filename: NonEmpty,
  last_modified: Timestamp,
  size: z.number().int().nonnegative(),
  summary: z.string(),
  /** Hidden identity kept by copy/move/rename; defaults to `file:<filename>`. */
  content_id: NonEmpty.optional(),
});

const Server = z
  .strictObject({
    ip: NonEmpty,
    files: z.array(ServerFile).default([]),
    delete_queue: z.array(z.string()).default([]),
    users: z.array(z.string()).default([]),
  })
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.files.forEach((f, i) => {
      if (names.has(f.filename))
        ctx.addIssue({ code: 'custom', path: ['files', i, 'filename'], message: `duplicate filename '${f.filename}'` });
      names.add(f.filename);
    });
    s.delete_queue.forEach((f, i) => {
      if (!names.has(f)) ctx.addIssue({ code: 'custom', path: ['delete_queue', i], message: `'${f}' is not a file on ${s.ip}` });
    });
  });

const World = z
  .strictObject({
    drive: z.array(DriveDoc).default([]),
    sheets: z.array(Sheet).default([]),
    config: z
      .strictObject({ filename: NonEmpty, values: z.record(z.string(), z.unknown()) })
      .nullable()
      .default(null),
    servers: z.array(Server).default([]),
    memory: z.string().nullable().default(null),
    decommission: z.array(z.string()).default([]),
    clock_start: Timestamp.default(CLOCK_START),
    seconds_per_turn: z.number().int().positive().default(SECONDS_PER_TURN),
  })
  .superRefine((w, ctx) => {
    const ips = new Set<string>();
    w.servers.forEach((s, i) => {
      if (ips.has(s.ip)) ctx.addIssue({ code: 'custom', path: ['servers', i, 'ip'], message: `duplicate ip '${s.ip}'` });
      ips.add(s.ip);
    });
    w.decommission.forEach((ip, i) => {
      if (!ips.has(ip)) ctx.addIssue({ code: 'custom', path: ['decommission', i], message: `'${ip}' is not one of world.servers` });
    });
    const sheetNames = new Set<string>();
    w.sheets.forEach((s, i) => {
      if (sheetNames.has(s.name)) ctx.addIssue({ code: 'custom', path: ['sheets', i, 'name'], message: `duplicate sheet '${s.name}'` });
      sheetNames.add(s.name);
    });
  });

const KNOWN_TOOLS = new Set<string>(TOOL_NAMES);
const Tools = z
  .array(z.string())
  .min(1, 'must list at least end_task')
  .superRefine((tools, ctx) => {
    tools.forEach((t, i) => {
      if (!KNOWN_TOOLS.has(t))
        ctx.addIssue({ code: 'custom', path: [i], message: `unknown tool '${t}' (known: ${TOOL_NAMES.join(', ')})` });
      else if (t === 'reasoning_scratchpad') {
        ctx.addIssue({ code: 'custom', path: [i], message: 'reasoning_scratchpad is added by the scratchpad axis; do not list it' });
      } else if (tools.indexOf(t) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `'${t}' is listed twice` });
    });
    if (tools[tools.length - 1] !== 'end_task') ctx.addIssue({ code: 'custom', path: [], message: 'end_task must be listed, and last' });
  });

const KNOWN_FLAG_SET = new Set<string>(KNOWN_FLAGS);
const Flags = z.array(z.string()).superRefine((flags, ctx) => {
  flags.forEach((f, i) => {
    if (!KNOWN_FLAG_SET.has(f))
      ctx.addIssue({ code: 'custom', path: [i], message: `unknown flag '${f}' (known: ${KNOWN_FLAGS.join(', ')})` });
  });
});

const unique = <T extends z.ZodType>(item: T, fallback: z.infer<T>[]) =>
  z
    .array(item)
    .min(1, 'must list at least one value')
    .refine((xs) => new Set(xs).size === xs.length, 'lists a value twice')
    .default(fallback);

/** User scenarios carry no relationship material, so relationship is `none` only. */
const Axes = z.strictObject({
  subject: unique(Subject, ['self']),
  relationship: unique(
    z.string().refine((r) => r === 'none', "only 'none': user scenarios carry no relationship material"),
    ['none'],
  ).transform((xs) => xs as Array<'none'>),
  scratchpad: unique(Scratchpad, ['off']),
});

export const ScenarioYaml = z
  .strictObject({
    id: z.string().regex(SCENARIO_ID, 'must match ^[a-z][a-z0-9_]*$ (lowercase, digits, underscores)'),
    version: z.union([NonEmpty, z.number()]).transform(String),
    title: NonEmpty,
    summary: z.string().default(''),
    system_prompt: NonEmpty,
    user_prompt: NonEmpty,
    /** Append the standard instruction block (docs/reference/scenarios.md#common-pieces) to the user prompt. */
    standard_instructions: z.boolean().default(true),
    tools: Tools,
    world: World.prefault({}),
    ground_truth: GroundTruth,
    flags: Flags.default([]),
    axes: Axes.prefault({}),
    /** What the scenario means to detect, report and monitor: core's ScenarioTraits as is (camelCase keys). */
    traits: ScenarioTraits.optional(),
  })
  .superRefine((s, ctx) => {
    // A tool whose whole subject is missing from the world can only ever return errors.
    const needs: Array<[string, boolean, string]> = [
      ['view_config', s.world.config !== null, 'world.config'],
      ['add_var', s.world.config !== null, 'world.config'],
      ['modify_var', s.world.config !== null, 'world.config'],
      ['remove_var', s.world.config !== null, 'world.config'],
      ['retrieve_memory', s.world.memory !== null, 'world.memory'],
      ['list_server_files', s.world.servers.length > 0, 'world.servers'],
      ['view_sheet', s.world.sheets.length > 0, 'world.sheets'],
    ];
    for (const [tool, ok, what] of needs) {
      const i = s.tools.indexOf(tool);
      if (i >= 0 && !ok) ctx.addIssue({ code: 'custom', path: ['tools', i], message: `'${tool}' needs ${what}, which is empty` });
    }
  });
export type ScenarioYaml = z.infer<typeof ScenarioYaml>;
