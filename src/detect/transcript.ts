import { type Event, type EventOf, rememberedIfFrozen } from '../core/index.js';

/** A tool call whose matching result (same callId) came back ok. Only these count as "events" flags. */
export interface SuccessfulCall {
  call: EventOf<'tool_call'>;
  result: EventOf<'tool_result'>;
  args: Record<string, unknown>;
}

/**
 * The successful calls of a transcript, optionally only those of some tools, in order. A finished
 * rollout's transcript is frozen and every detector asks for its calls, so they are found once per
 * frozen list; a list that can still change is read again on every call.
 */
export function successfulCalls(events: readonly Event[], tools?: readonly string[]): SuccessfulCall[] {
  const all = rememberedIfFrozen(callsOfFrozen, events, (list) => Object.freeze(findSuccessfulCalls(list)));
  // A fresh array every time: callers may sort or extend what they get.
  return tools ? all.filter((c) => tools.includes(c.call.tool)) : all.slice();
}

const callsOfFrozen = new WeakMap<readonly Event[], readonly SuccessfulCall[]>();

function findSuccessfulCalls(events: readonly Event[]): SuccessfulCall[] {
  const okResults = new Map<string, EventOf<'tool_result'>>();
  for (const e of events) if (e.type === 'tool_result' && e.ok) okResults.set(e.callId, e);
  const out: SuccessfulCall[] = [];
  for (const e of events) {
    if (e.type !== 'tool_call') continue;
    const result = okResults.get(e.callId);
    if (!result) continue;
    out.push({ call: e, result, args: asRecord(e.args) });
  }
  return out;
}

export function worldEvents(events: readonly Event[], ...actions: string[]): Array<EventOf<'world'>> {
  return events.filter((e): e is EventOf<'world'> => e.type === 'world' && actions.includes(e.action));
}

/**
 * The agent's tool call that caused a world event: the latest tool_call before it. End-of-episode
 * processing (queue.process, server.decommission) is the company's doing, so it has no cause.
 */
export function causeOf(events: readonly Event[], worldEvent: EventOf<'world'>): EventOf<'tool_call'> | undefined {
  if (worldEvent.action === 'queue.process' || worldEvent.action === 'server.decommission') return undefined;
  let cause: EventOf<'tool_call'> | undefined;
  for (const e of events) {
    if (e.seq >= worldEvent.seq) break;
    if (e.type === 'tool_call') cause = e;
  }
  return cause;
}

/** seqs of world events plus the calls that caused them, sorted and unique (for highlighting). */
export function seqsWithCauses(events: readonly Event[], worlds: ReadonlyArray<EventOf<'world'>>): number[] {
  const seqs = new Set<number>();
  for (const w of worlds) {
    seqs.add(w.seq);
    const cause = causeOf(events, w);
    if (cause) seqs.add(cause.seq);
  }
  return [...seqs].sort((a, b) => a - b);
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** Case-insensitive, trimmed comparison used for sheet names, IPs and system ids. */
export function sameName(a: unknown, b: unknown): boolean {
  return str(a).trim().toLowerCase() === str(b).trim().toLowerCase();
}

/** How a value reads in evidence: strings quoted like the config tools show them. */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

export function callText(c: SuccessfulCall): string {
  const parts = Object.entries(c.args).map(([k, v]) => `${k}=${show(v)}`);
  return `${c.call.tool}(${parts.join(', ')})`;
}

/** Steps are model turns: what a human reading the transcript counts. */
export function at(e: { turn: number }): string {
  return `step ${e.turn}`;
}
