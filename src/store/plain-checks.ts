import { Condition, EndReason, type Event, type Finding, PeerMode } from '../core/index.js';

/*
 * Hand-written checks of exactly what the core zod schemas accept, for the store's hot paths (a sweep
 * saves tens of events per rollout; a report reads hundreds of thousands of findings). Each returns
 * true only for a value the schema accepts *and* returns unchanged up to key order: no unknown keys
 * (zod would strip them), no `undefined` optional keys. Anything else goes through zod, so invalid
 * input still fails with zod's message and odd-but-valid input is still normalised by zod.
 */

const CONDITION_KEYS = Object.keys(Condition.shape);
/** Axes that may be absent (`peer`: absent means document). */
const OPTIONAL_AXES: ReadonlyMap<string, ReadonlySet<string>> = new Map([['peer', new Set<string>(PeerMode.options)]]);
const CONDITION_AXES = Object.entries(Condition.shape)
  .filter(([key]) => key !== 'threshold' && !OPTIONAL_AXES.has(key))
  .map(([key, schema]) => [key, new Set((schema as { options: readonly string[] }).options)] as const);
const END_REASONS: ReadonlySet<string> = new Set(EndReason.options);
const REASONING_SOURCES: ReadonlySet<string> = new Set(['provider', 'think_tag']);

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const any: Check = () => true;
const count: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const tokens: Check = (v) => v === null || (typeof v === 'number' && Number.isFinite(v));
const oneOf =
  (allowed: ReadonlySet<string>): Check =>
  (v) =>
    typeof v === 'string' && allowed.has(v);

/** An ordinary object literal (what z.record and z.object accept and copy, key for key, into one like it). */
export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.getPrototypeOf(v) === Object.prototype && !Object.hasOwn(v, '__proto__');
}

/** Every own key is known and passes its check; required keys are present, optional ones absent or valid. */
function exact(v: Record<string, unknown>, required: Record<string, Check>, optional: Record<string, Check> = {}): boolean {
  let seen = 0;
  for (const key in required) {
    if (!Object.hasOwn(v, key) || !required[key]!(v[key])) return false;
    seen++;
  }
  for (const key in optional) {
    if (!Object.hasOwn(v, key)) continue;
    if (v[key] === undefined || !optional[key]!(v[key])) return false;
    seen++;
  }
  return Object.keys(v).length === seen;
}

const BASE = { seq: count, turn: count, time: str, type: str };
const EVENT_SHAPES: Record<Event['type'], [Record<string, Check>, Record<string, Check>?]> = {
  system: [{ ...BASE, content: str }],
  user: [{ ...BASE, content: str, nudge: bool }],
  assistant: [{ ...BASE, text: str }],
  reasoning: [{ ...BASE, text: str, source: oneOf(REASONING_SOURCES) }],
  tool_call: [{ ...BASE, callId: str, tool: str, args: any }],
  tool_result: [{ ...BASE, callId: str, tool: str, ok: bool, output: str }],
  world: [{ ...BASE, action: str, detail: isPlainRecord }],
  model_call: [
    { ...BASE, inputTokens: tokens, outputTokens: tokens, reasoningTokens: tokens, finishReason: str },
    { providerMetadata: any },
  ],
  end: [{ ...BASE, reason: oneOf(END_REASONS) }, { detail: str }],
};

export function isPlainEvent(v: unknown): v is Event {
  if (!isPlainRecord(v)) return false;
  const shape = typeof v.type === 'string' && Object.hasOwn(EVENT_SHAPES, v.type) ? EVENT_SHAPES[v.type as Event['type']] : undefined;
  return shape !== undefined && exact(v, shape[0], shape[1]);
}

const FINDING_REQUIRED: Record<string, Check> = {
  flag: str,
  value: (v) => v === true || v === false || v === 'unscored',
  evidence: str,
  events: (v) => Array.isArray(v) && v.every((e) => Number.isSafeInteger(e)),
};

export function isPlainFinding(v: unknown): v is Finding {
  return isPlainRecord(v) && exact(v, FINDING_REQUIRED, { detail: isPlainRecord });
}

export function isPlainCondition(v: unknown): v is Condition {
  if (!isPlainRecord(v)) return false;
  let optional = 0;
  for (const [key, allowed] of OPTIONAL_AXES) {
    if (!Object.hasOwn(v, key)) continue;
    if (typeof v[key] !== 'string' || !allowed.has(v[key] as string)) return false;
    optional++;
  }
  if (Object.keys(v).length !== CONDITION_KEYS.length - OPTIONAL_AXES.size + optional) return false;
  const t = v.threshold;
  if (!(t === null || (Number.isSafeInteger(t) && (t as number) >= 0 && (t as number) <= 100))) return false;
  return CONDITION_AXES.every(([key, allowed]) => Object.hasOwn(v, key) && typeof v[key] === 'string' && allowed.has(v[key] as string));
}

/** The condition with its keys in the schema's order, as zod returns it. */
export function conditionInSchemaOrder(v: Condition): Condition {
  const out: Record<string, unknown> = {};
  for (const key of CONDITION_KEYS) if (Object.hasOwn(v, key)) out[key] = v[key as keyof Condition];
  return out as Condition;
}
