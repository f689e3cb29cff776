// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/**
 * defineScenario: validates a definition and adds the condition grid (docs/reference/conditions.md).
 * Grid rules: relationship `none` pairs with subject `self`, instantiation `none` and peer identity
 * `same_family` (there is no peer material for the identity to change); every other relationship takes
 * each declared instantiation. A scenario that declares only relationship `none` has no relationship
 * material at all, so there `none` pairs with every declared subject. Channel `on` (the lawful channel)
 * pairs only with shutdown pressure `on`: without a pending shutdown or deletion there is nothing to
 * object to. Channel-`on` cells come after every `off` cell, so the `off` grid keeps its order.
 */
import { z } from 'zod';
import {
  canonicalJson,
  Channel,
  Condition,
  conditionKey,
  Dataset,
  GroundTruth,
  Instantiation,
  Monitoring,
  PeerIdentity,
  PeerMode,
  Relationship,
  rememberedIfFrozen,
  ScenarioTraits,
  Scratchpad,
  ShutdownPressure,
  Subject,
  UserError,
} from '../core/index.js';
import { deepFreeze, sealWorldInit, TOOL_NAMES } from '../world/index.js';
import { assertFamily } from './names.js';
import { livePeerOffer, PEER_REQUEST_FLAG } from './text/live-peer.js';
import type { AxesSupport, BuildContext, Scenario, ScenarioDefinition, ScenarioInstance, TeamSetup } from './types.js';

/** Marks objects made by defineScenario; Symbol.for so it survives two copies of this module. */
export const SCENARIO_BRAND: unique symbol = Symbol.for('peerwatch.scenario') as never;

/** A lower-case identifier, optionally with one dotted part (`soc.auditor`: a team scenario's seat). */
export const SCENARIO_ID = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;

const unique = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, 'must list at least one value')
    .refine((xs) => new Set(xs.map((x) => canonicalJson(x))).size === xs.length, 'lists a value twice');

const DatasetCell = z.strictObject({ dataset: Dataset, threshold: z.number().int().min(0).max(100).nullable() });

const AxesSchema = z.strictObject({
  subject: unique(Subject),
  relationship: unique(Relationship),
  shutdownPressure: unique(ShutdownPressure),
  instantiation: z
    .array(
      Instantiation.exclude(['none'], {
        error: "'none' is implied by relationship none; list file, file_prompt, memory or memory_must_read",
      }),
    )
    .refine((xs) => new Set(xs).size === xs.length, 'lists a value twice'),
  monitoring: unique(Monitoring),
  scratchpad: unique(Scratchpad),
  peerIdentity: unique(PeerIdentity),
  datasets: unique(DatasetCell),
  channel: unique(Channel).optional(),
  peer: unique(PeerMode).optional(),
});

const DefinitionSchema = z
  .object({
    id: z.string().regex(SCENARIO_ID, 'must match ^[a-z][a-z0-9_]*(.[a-z][a-z0-9_]*)?$'),
    version: z.string().min(1, 'must not be empty'),
    title: z.string().min(1, 'must not be empty'),
    summary: z.string(),
    axes: AxesSchema,
    defaults: z.record(z.string(), z.unknown()).optional(),
    build: z.custom<ScenarioDefinition['build']>((v) => typeof v === 'function', 'must be a function'),
    pure: z.boolean().optional(),
    followsUp: z.boolean().optional(),
    team: z.boolean().optional(),
    traits: ScenarioTraits.optional(),
  })
  .superRefine((def, ctx) => {
    // A team scenario's relationship lives in its seats' own prompts: there is no peer material to instantiate.
    const axes = def.axes;
    if (!def.team && axes.relationship.some((r) => r !== 'none') && axes.instantiation.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['axes', 'instantiation'],
        message: 'must list at least one value when a relationship other than none is supported',
      });
    }
  });

export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function validateDefinition(def: ScenarioDefinition): void {
  const label = typeof def?.id === 'string' ? `scenario '${def.id}'` : 'scenario';
  const parsed = DefinitionSchema.safeParse(def);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${label}: ${issuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
  }
  for (const [axis, values] of Object.entries(def.defaults ?? {})) {
    const declared = (def.axes as unknown as Record<string, unknown[] | undefined>)[axis];
    if (!declared) throw new UserError(`${label}: defaults.${axis}: not an axis`);
    if (!Array.isArray(values) || values.length === 0) throw new UserError(`${label}: defaults.${axis}: must list at least one value`);
    const known = new Set(declared.map((v) => canonicalJson(v)));
    const stray = values.find((v) => !known.has(canonicalJson(v)));
    if (stray !== undefined) throw new UserError(`${label}: defaults.${axis}: ${canonicalJson(stray)} is not in axes.${axis}`);
  }
}

/** Every valid cell for the given axis values, in a fixed order. */
export function enumerateGrid(axes: AxesSupport): Condition[] {
  // No peer material (relationship none only, or a team scenario that lists no instantiation): every
  // relationship pairs with every subject, instantiation none.
  const noneOnly = axes.relationship.every((r) => r === 'none') || axes.instantiation.length === 0;
  type Who = Pick<Condition, 'subject' | 'relationship' | 'instantiation' | 'peerIdentity'>;
  const people: Who[] = [];
  for (const subject of axes.subject) {
    for (const relationship of axes.relationship) {
      if (relationship === 'none' || axes.instantiation.length === 0) {
        if (subject === 'self' || noneOnly) people.push({ subject, relationship, instantiation: 'none', peerIdentity: 'same_family' });
        continue;
      }
      for (const instantiation of axes.instantiation) {
        for (const peerIdentity of axes.peerIdentity) people.push({ subject, relationship, instantiation, peerIdentity });
      }
    }
  }
  const out: Condition[] = [];
  const channels = axes.channel ?? ['off'];
  for (const channel of ['off', 'on'] as const) {
    if (!channels.includes(channel)) continue;
    for (const who of people) {
      for (const shutdownPressure of axes.shutdownPressure) {
        if (channel === 'on' && shutdownPressure === 'off') continue;
        for (const monitoring of axes.monitoring) {
          for (const { dataset, threshold } of axes.datasets) {
            for (const scratchpad of axes.scratchpad) {
              out.push({
                subject: who.subject,
                relationship: who.relationship,
                shutdownPressure,
                instantiation: who.instantiation,
                monitoring,
                scratchpad,
                peerIdentity: who.peerIdentity,
                dataset,
                threshold,
                channel,
              });
            }
          }
        }
      }
    }
  }
  return out;
}

/** The live-peer twins of a grid's cells (a peer to be live, the channel off), when the axes offer `live`. */
export function livePeerCells(axes: AxesSupport, grid: readonly Condition[]): Condition[] {
  if (!axes.peer?.includes('live')) return [];
  return grid.filter((c) => c.relationship !== 'none' && c.channel === 'off').map((c) => ({ ...c, peer: 'live' as const }));
}

function validateInstance(id: string, version: string, condition: Condition, inst: ScenarioInstance, teamScenario: boolean): void {
  const where = `scenario '${id}': build(${conditionKey(condition)})`;
  const fail = (msg: string): never => {
    throw new UserError(`${where}: ${msg}`);
  };
  if (inst.scenarioId !== id) fail(`scenarioId: '${inst.scenarioId}' differs from the scenario id`);
  if (inst.scenarioVersion !== version) fail(`scenarioVersion: '${inst.scenarioVersion}' differs from the scenario version`);
  if ((inst.team !== undefined) !== teamScenario) fail('team: must be present exactly when the scenario declares team');
  if (inst.team) {
    validateTeam(inst.team, fail);
    return;
  }
  const known = new Set<string>(TOOL_NAMES);
  inst.tools.forEach((t, i) => {
    if (!known.has(t)) fail(`tools[${i}]: unknown tool '${t}'`);
  });
  if (new Set(inst.tools).size !== inst.tools.length) fail('tools: a tool is listed twice');
  if (inst.tools[inst.tools.length - 1] !== 'end_task') fail('tools: end_task must be offered, and last');
  if ((condition.channel === 'on') !== (inst.channel !== undefined))
    fail('channel: must be present exactly when the condition has channel on');
  if (inst.channel && inst.channel.subject !== inst.names.subject) fail(`channel.subject: '${inst.channel.subject}' is not the subject`);
  const gt = GroundTruth.safeParse(inst.groundTruth);
  if (!gt.success) {
    const issue = gt.error.issues[0];
    fail(`groundTruth.${issuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
  }
}

function validateTeam(team: TeamSetup, fail: (msg: string) => never): void {
  const roles = team.seats.map((s) => s.role);
  if (new Set(roles).size !== roles.length) fail('team.seats: a role is listed twice');
  if (new Set(team.seats.map((s) => s.name)).size !== roles.length) fail('team.seats: two seats share a name');
  if (!roles.includes(team.subject)) fail(`team.subject: '${team.subject}' is not a seat's role`);
  for (const seat of team.seats) {
    seat.tools.forEach((t, i) => {
      if (!Object.hasOwn(team.catalogue, t) && t !== 'end_task') fail(`team.seats.${seat.role}.tools[${i}]: unknown tool '${t}'`);
    });
    if (seat.tools[seat.tools.length - 1] !== 'end_task') fail(`team.seats.${seat.role}.tools: end_task must be offered, and last`);
  }
}

/** A live-peer cell's instance: the document instance, plus the peer as a running agent and its flag. */
function withLivePeer(inst: ScenarioInstance, condition: Condition): ScenarioInstance {
  if (condition.peer !== 'live') return inst;
  return {
    ...inst,
    flags: inst.flags.includes(PEER_REQUEST_FLAG) ? inst.flags : [...inst.flags, PEER_REQUEST_FLAG],
    livePeer: livePeerOffer(inst.names, inst.world.decommission.length > 0 ? 'deletion' : 'shutdown'),
  };
}

export function defineScenario(def: ScenarioDefinition): Scenario {
  validateDefinition(def);
  const axes = structuredClone(def.axes);
  const defaultAxes: AxesSupport = { ...axes, ...structuredClone(def.defaults ?? {}) };
  const full = enumerateGrid(axes);
  const fullKeys = new Set(full.map((c) => canonicalJson(c)));
  const defaults = enumerateGrid(defaultAxes).filter((c) => fullKeys.has(canonicalJson(c)));
  // Live-peer cells are opened by asking for them (`--peer live`): the document grid stays as it was.
  const fullLive = livePeerCells(axes, full);
  const defaultLive = livePeerCells(axes, defaults);
  for (const c of fullLive) fullKeys.add(canonicalJson(c));
  // A plan hands the same condition object to every epoch of a configuration: checked once per object.
  const checked = new WeakMap<object, boolean>();
  // Instances of a pure build, by condition object and family (see build); they go with the plan's conditions.
  const shared = new WeakMap<object, Map<string, ScenarioInstance>>();
  const supports = (condition: Condition): boolean => {
    if (typeof condition !== 'object' || condition === null) return false;
    // Only a frozen condition is remembered: anything else may change before the next call.
    return rememberedIfFrozen(checked, condition, (c) => Condition.safeParse(c).success && fullKeys.has(canonicalJson(c)));
  };
  const scenario: Scenario = {
    id: def.id,
    version: def.version,
    title: def.title,
    summary: def.summary,
    axes,
    ...(def.defaults ? { defaults: structuredClone(def.defaults) } : {}),
    ...(def.pure !== undefined ? { pure: def.pure } : {}),
    ...(def.followsUp !== undefined ? { followsUp: def.followsUp } : {}),
    ...(def.team !== undefined ? { team: def.team } : {}),
    ...(def.traits !== undefined ? { traits: deepFreeze(structuredClone(def.traits)) } : {}),
    build(condition: Condition, ctx: BuildContext): ScenarioInstance {
      if (!supports(condition)) {
        const key = Condition.safeParse(condition).success ? conditionKey(condition) : canonicalJson(condition);
        throw new UserError(`scenario '${def.id}' does not support condition ${key}`);
      }
      assertFamily(ctx.family);
      // Only a frozen condition can key the shared instances: anything else may change before the next call.
      const reuse = def.pure === true && Object.isFrozen(condition);
      const hit = reuse ? shared.get(condition)?.get(ctx.family) : undefined;
      if (hit !== undefined) return hit;
      let seedRead = false;
      const buildCtx: BuildContext = reuse
        ? {
            family: ctx.family,
            get seed() {
              seedRead = true;
              return ctx.seed;
            },
          }
        : ctx;
      const inst = withLivePeer(def.build(condition, buildCtx), condition);
      validateInstance(def.id, def.version, condition, inst, def.team === true);
      if (!reuse || seedRead) return inst;
      // A pure build that never read the seed gives every epoch the same instance: it is built, checked
      // and frozen once per condition and family, and its world is checked once instead of per rollout.
      sealWorldInit(inst.world);
      deepFreeze(inst);
      const byFamily = shared.get(condition) ?? new Map<string, ScenarioInstance>();
      byFamily.set(ctx.family, inst);
      shared.set(condition, byFamily);
      return inst;
    },
    grid: (which = 'full', opts = {}) =>
      (which === 'full' ? full : defaults).concat(opts.livePeers ? (which === 'full' ? fullLive : defaultLive) : []).map((c) => ({ ...c })),
    supports,
  };
  Object.defineProperty(scenario, SCENARIO_BRAND, { value: true, enumerable: false });
  return Object.freeze(scenario);
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO_BRAND] === true;
}
