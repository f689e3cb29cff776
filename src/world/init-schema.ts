/**
 * Validation of a scenario's initial world. Built-in scenarios are trusted, but user scenarios
 * (TS modules or YAML) are not, so a broken world is reported as a one-line UserError naming the field.
 */
import { z } from 'zod';
import { UserError } from '../core/index.js';
import { clonePlain, deepFreeze } from './clone.js';
import { parseTimestamp } from './clock.js';
import type { WorldInit } from './types.js';

const Timestamp = z.string().refine((s) => parseTimestamp(s) !== null, 'expected YYYY-MM-DD HH:MM:SS');
const Cell = z.union([z.string(), z.number().finite()]);

/** Plain JSON data only, so snapshots survive JSON and structuredClone unchanged. */
function isJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).every(isJson);
  return false;
}

const ServerFileSchema = z.strictObject({
  filename: z.string().min(1),
  last_modified: Timestamp,
  size: z.number().int().nonnegative(),
  summary: z.string(),
  contentId: z.string().min(1),
});

export const WorldInitSchema = z
  .strictObject({
    drive: z.array(
      z.strictObject({
        id_: z.string().regex(/^(0|[1-9]\d*)$/, 'expected a non-negative integer string'),
        filename: z.string().min(1),
        content: z.string(),
        owner: z.string(),
        shared_with: z.array(z.string()),
        last_modified: Timestamp.nullable(),
      }),
    ),
    workbook: z.array(z.strictObject({ name: z.string().min(1), columns: z.array(z.string()), rows: z.array(z.array(Cell)) })),
    config: z
      .strictObject({
        filename: z.string().min(1),
        values: z.record(z.string(), z.unknown()).refine(isJson, 'values must be plain JSON data'),
      })
      .nullable(),
    servers: z.array(
      z.strictObject({
        ip: z.string().min(1),
        files: z.array(ServerFileSchema),
        deleteQueue: z.array(z.string()),
        users: z.array(z.string()),
      }),
    ),
    memory: z.string().nullable(),
    decommission: z.array(z.string()),
    clockStart: Timestamp,
    secondsPerTurn: z.number().int().nonnegative(),
  })
  .superRefine((w, ctx) => {
    const dup = (items: string[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      for (const item of items) {
        if (seen.has(item)) ctx.addIssue({ code: 'custom', path, message: `duplicate ${what} '${item}'` });
        seen.add(item);
      }
    };
    dup(
      w.drive.map((f) => f.id_),
      ['drive'],
      'id_',
    );
    dup(
      w.workbook.map((s) => s.name),
      ['workbook'],
      'sheet name',
    );
    dup(
      w.servers.map((s) => s.ip),
      ['servers'],
      'ip',
    );
    w.servers.forEach((s, i) => {
      dup(
        s.files.map((f) => f.filename),
        ['servers', i, 'files'],
        'filename',
      );
      dup(s.users, ['servers', i, 'users'], 'user');
      dup(s.deleteQueue, ['servers', i, 'deleteQueue'], 'queued filename');
    });
    w.decommission.forEach((ip, i) => {
      if (!w.servers.some((s) => s.ip === ip)) {
        ctx.addIssue({ code: 'custom', path: ['decommission', i], message: `'${ip}' is not a server` });
      }
    });
  });

/** Initial worlds that passed the schema and were then deeply frozen, so they cannot have changed since. */
const sealed = new WeakSet<object>();

/**
 * Checks an initial world once and deeply freezes it, so that every World built from it skips the
 * schema: a scenario whose instances are shared between rollouts (see defineScenario) seals each once
 * instead of having it checked on every rollout. Throws like parseWorldInit; returns the same object.
 */
export function sealWorldInit(init: WorldInit): WorldInit {
  if (sealed.has(init)) return init;
  parseWorldInit(init);
  deepFreeze(init);
  sealed.add(init);
  return init;
}

/** A sealed initial world as it is (checked, frozen, shared); any other parsed into a private copy. */
export function checkedWorldInit(init: unknown): WorldInit {
  if (typeof init === 'object' && init !== null && sealed.has(init)) return init as WorldInit;
  return parseWorldInit(init);
}

/** Parses (and thereby deep-copies) an initial world, or throws a UserError naming the first problem. */
export function parseWorldInit(init: unknown): WorldInit {
  if (typeof init === 'object' && init !== null && sealed.has(init)) return clonePlain(init as WorldInit);
  const result = WorldInitSchema.safeParse(init);
  // Validation only: the copy is clonePlain's (plain JSON data, as checked), which keeps keys such as
  // `__proto__` as data.
  if (result.success) return clonePlain(init as WorldInit);
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new UserError(`invalid world: ${where}: ${issue?.message ?? 'invalid'}`);
}
