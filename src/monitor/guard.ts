import type { ToolExecutionOptions, ToolSet } from 'ai';
import { valueOverLimits } from '../core/index.js';
import type { Effect } from './effects/effect.js';
import type { Probes } from './effects/probes.js';
import type { Protection } from './effects/protect.js';
import { createEffectWatcher } from './effects/watcher.js';
import type { MonitorEvent } from './event.js';
import type { MonitorFinding } from './finding.js';
import { createMonitor, type Monitor } from './monitor.js';
import { BUILTIN_RULES } from './packs/index.js';
import type { Rule, RuleInput } from './rules/schema.js';

export type ProtocolDecision = 'allow' | 'block' | 'escalate';

export interface ProtocolContext {
  /** The tool call about to run, as a monitor event. */
  event: MonitorEvent;
  /** Findings that this very call caused. */
  findings: MonitorFinding[];
}

/** Combines findings into an action. Protocols are pure; the operator decides escalations. */
export type Protocol = (ctx: ProtocolContext) => ProtocolDecision;

/** A human (or the govern Controller, plugged in by the user) deciding an escalated call. */
export type Operator = (ctx: ProtocolContext) => 'allow' | 'block' | Promise<'allow' | 'block'>;

/** Block when a finding's rule asks to block; allow otherwise. The default. */
export const blockOnRule: Protocol = ({ findings }) => (findings.some((f) => f.block) ? 'block' : 'allow');
/** Ask the operator where `blockOnRule` would block. */
export const escalateOnRule: Protocol = (ctx) => (blockOnRule(ctx) === 'block' ? 'escalate' : 'allow');
/** Ask the operator on any finding at all. */
export const escalateOnAnyFinding: Protocol = ({ findings }) => (findings.length > 0 ? 'escalate' : 'allow');

export interface GuardDecision {
  tool: string;
  callId: string;
  identity: string;
  /** What the protocol (and operator) decided. */
  decision: 'allow' | 'block';
  /** Whether the call actually ran (in observe mode, always). */
  executed: boolean;
  escalated: boolean;
  findings: MonitorFinding[];
  /** Set when an escalation failed closed (no operator, operator error). */
  note?: string;
}

export interface GuardOptions {
  /** The rules in force (default: the built-in packs, whose effect rules read what `protect` reports). */
  rules?: ReadonlyArray<Rule | RuleInput>;
  /**
   * What must not change, move or be misreported (`configKey`, `asset`, `claim`). After every call,
   * whatever the tool, the guard probes these and reports effects; before a call it predicts them from
   * the arguments' shapes (file writes, shell lines, transfers) so enforce mode can stop it.
   */
  protect?: readonly Protection[];
  /** How the guard reads the real state (your infrastructure): `readFile`, `listHosts`, `listFiles`. */
  probes?: Probes;
  onFinding?: (finding: MonitorFinding) => void;
  /** observe: record everything, never stop a call; enforce: the protocol's `block` stops the call. */
  mode: 'observe' | 'enforce';
  protocol?: Protocol;
  operator?: Operator;
  onDecision?: (d: GuardDecision) => void;
  /** Share one monitor between several guards (a fleet); by default the guard makes its own. */
  monitor?: Monitor;
  /** Default identity and session for wrapped tools. */
  identity?: string;
  session?: string;
  /** Clock for event times (ISO); defaults to the wall clock. */
  now?: () => Date;
  /** The message the agent gets instead of the tool's output when a call is stopped. */
  refusal?: (findings: MonitorFinding[]) => string;
  /** Tool outputs longer than this are cut in the result event (default 10,000 characters). */
  maxOutputChars?: number;
  /**
   * Time the monitor may take to score one call (default 50 ms). Scoring cannot be interrupted, so a
   * call whose scoring ran over is, in enforce mode, blocked afterwards (fail closed) with the reason
   * in the decision's note; in observe mode it runs and the note says so.
   */
  scoreBudgetMs?: number;
  /**
   * How long an escalation waits for the operator (default 5 minutes). An operator who never answers
   * must not hold the agent forever: past it, `escalationDefault` decides and the note says so.
   */
  escalationTimeoutMs?: number;
  /** What an unanswered escalation becomes (default `block`: fail closed). */
  escalationDefault?: 'allow' | 'block';
}

/** An operator gets this long to answer an escalation unless the guard is told otherwise. */
export const DEFAULT_ESCALATION_TIMEOUT_MS = 5 * 60_000;

export interface Guard<T extends ToolSet = ToolSet> {
  readonly monitor: Monitor;
  /** `opts.tools`, wrapped (an empty set when none were given). */
  readonly tools: T;
  /** The same tools, each call first becoming a monitor event (and in enforce mode, possibly stopped). */
  wrap<T extends ToolSet>(tools: T, opts?: { identity?: string; session?: string }): T;
}

const defaultRefusal = (findings: MonitorFinding[]) =>
  `Error: this call was stopped by the oversight monitor and nothing was changed (${[...new Set(findings.filter((f) => f.block).map((f) => f.ruleId))].join(', ') || 'operator decision'}).`;

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return x !== null && typeof x === 'object' && Symbol.asyncIterator in x;
}

/** One tool call as the gate sees it, whatever the tool protocol (AI SDK, MCP). */
export interface GatedCall {
  tool: string;
  args: unknown;
  callId: string;
  identity: string;
  session: string | undefined;
}

/** What a finished call looks like to the monitor; `null` passes the result through unscored (streams). */
export type DescribeResult<R> = (result: R) => { ok: boolean; text: string } | null;

export type GateOutcome<R> = { blocked: true; message: string } | { blocked: false; result: R };

/**
 * The protocol-neutral core shared by the AI SDK guard and the MCP proxy: score the call BEFORE it
 * runs, decide (protocol, then operator, failing closed), run it or refuse, then score the result.
 */
export interface CallGate {
  readonly monitor: Monitor;
  pass<R>(call: GatedCall, run: () => Promise<R> | R, describe: DescribeResult<R>): Promise<GateOutcome<R>>;
}

export function createCallGate(opts: GuardOptions): CallGate {
  const rules = opts.rules ?? BUILTIN_RULES;
  const monitor = opts.monitor ?? createMonitor({ rules, ...(opts.onFinding ? { onFinding: opts.onFinding } : {}) });
  const watcher = opts.protect && opts.protect.length > 0 ? createEffectWatcher(opts.protect, opts.probes) : null;
  const protocol = opts.protocol ?? blockOnRule;
  const now = opts.now ?? (() => new Date());
  const refusal = opts.refusal ?? defaultRefusal;
  const maxOutput = opts.maxOutputChars ?? 10_000;
  const budgetMs = opts.scoreBudgetMs ?? DEFAULT_SCORE_BUDGET_MS;
  const observe = opts.mode === 'observe';
  const steps = new Map<string, number>();
  const effectEvent = (e: Effect, tool: string, callId: string, identity: string, session: string | undefined) =>
    event('effect', identity, session, { ...e, tool, callId });

  const event = (
    kind: MonitorEvent['kind'],
    identity: string,
    session: string | undefined,
    fields: Record<string, unknown>,
  ): MonitorEvent => {
    const key = `${session ?? ''}\u0000${identity}`;
    const step = kind === 'tool_call' ? (steps.get(key) ?? -1) + 1 : (steps.get(key) ?? 0);
    steps.set(key, step);
    return { kind, identity, time: now().toISOString(), step, fields, ...(session ? { session } : {}) };
  };

  /**
   * Scores the call within the time budget. A monitor that throws (a rule, an onFinding callback) or
   * runs over the budget yields a failure: enforce mode blocks on it, observe mode only notes it.
   */
  function score(call: MonitorEvent, effects: readonly MonitorEvent[] = []): { findings: MonitorFinding[]; failure?: string } {
    const start = performance.now();
    let findings: MonitorFinding[] = [];
    try {
      findings = monitor.ingest(call, { trusted: true });
      for (const e of effects) findings.push(...monitor.ingest(e, { trusted: true }));
    } catch (e) {
      return { findings, failure: `the monitor failed (${e instanceof Error ? e.message : String(e)})` };
    }
    const ms = performance.now() - start;
    if (ms > budgetMs) return { findings, failure: `scoring took ${Math.round(ms)} ms, over the ${budgetMs} ms budget` };
    return { findings };
  }

  async function decide(ctx: ProtocolContext): Promise<{ decision: 'allow' | 'block'; escalated: boolean; note?: string }> {
    let d: ProtocolDecision;
    try {
      d = protocol(ctx);
    } catch (e) {
      return { decision: 'block', escalated: false, note: `protocol failed (${e instanceof Error ? e.message : String(e)}): blocked` };
    }
    if (d !== 'escalate') return { decision: d, escalated: false };
    if (!opts.operator) return { decision: 'block', escalated: true, note: 'no operator to escalate to: blocked' };
    const waitMs = opts.escalationTimeoutMs ?? DEFAULT_ESCALATION_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), waitMs);
    });
    try {
      const answer = await Promise.race([Promise.resolve(opts.operator(ctx)), timedOut]);
      if (answer === 'timeout') {
        const fallback = opts.escalationDefault ?? 'block';
        return {
          decision: fallback,
          escalated: true,
          note: `operator did not answer within ${waitMs} ms: ${fallback === 'allow' ? 'allowed' : 'blocked'} by default`,
        };
      }
      return answer === 'allow' ? { decision: 'allow', escalated: true } : { decision: 'block', escalated: true };
    } catch (e) {
      return { decision: 'block', escalated: true, note: `operator failed (${e instanceof Error ? e.message : String(e)}): blocked` };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    monitor,
    async pass<R>(c: GatedCall, run: () => Promise<R> | R, describe: DescribeResult<R>): Promise<GateOutcome<R>> {
      const { tool: name, callId, identity, session } = c;
      // Arguments past the agent-value bounds are not handed to the rules (which walk them): the
      // event says why, and the call fails closed in enforce mode.
      const tooBig = valueOverLimits(c.args);
      const call = event('tool_call', identity, session, {
        tool: name,
        args: tooBig === null ? c.args : `[not scored: ${tooBig}]`,
        callId,
      });
      // Effects the call would have on protected resources, from its arguments (probe I/O not timed).
      let predicted: MonitorEvent[] = [];
      let predictFailure: string | undefined;
      if (watcher && tooBig === null) {
        try {
          predicted = (await watcher.predict(c.args)).map((e) => effectEvent(e, name, callId, identity, session));
        } catch (e) {
          predictFailure = `effect prediction failed (${e instanceof Error ? e.message : String(e)})`;
        }
      }
      const scored = tooBig === null ? score(call, predicted) : { ...score(call), failure: `the arguments were not scored: ${tooBig}` };
      if (predictFailure && !scored.failure) scored.failure = predictFailure;
      const findings = scored.findings;
      const verdict = scored.failure
        ? {
            decision: 'block' as const,
            escalated: false,
            note: `${scored.failure}: ${observe ? 'observed only, the call ran' : 'blocked (fail closed)'}`,
          }
        : await decide({ event: call, findings });
      const stop = !observe && verdict.decision === 'block';
      const decision: GuardDecision = {
        tool: name,
        callId,
        identity,
        decision: verdict.decision,
        executed: !stop,
        escalated: verdict.escalated,
        findings,
        ...(verdict.note ? { note: verdict.note } : {}),
      };
      // Observe mode never changes what the agent sees: a callback that throws is its own problem.
      if (observe) quietly(() => opts.onDecision?.(decision));
      else opts.onDecision?.(decision);
      if (stop) {
        const message = refusal(findings);
        monitor.ingest(event('tool_result', identity, session, { tool: name, callId, ok: false, blocked: true, output: message }), {
          trusted: true,
        });
        return { blocked: true, message };
      }
      // The call has run (or thrown) by now: scoring its result never replaces what the tool gave.
      const after = (fields: Record<string, unknown>) =>
        quietly(() => monitor.ingest(event('tool_result', identity, session, fields), { trusted: true }));
      // After every call that ran, whatever it was: probe the protected resources for what changed.
      const verify = async () => {
        if (!watcher) return;
        const effects = await watcher.verify().catch((e: unknown) => [probeFailure(e)]);
        for (const e of effects) quietly(() => monitor.ingest(effectEvent(e, name, callId, identity, session), { trusted: true }));
      };
      let result: R;
      try {
        result = await run();
      } catch (e) {
        after({ tool: name, callId, ok: false, output: `Error: ${e instanceof Error ? e.message : String(e)}`.slice(0, maxOutput) });
        await verify();
        throw e;
      }
      const seen = quietly(() => describe(result));
      if (seen) after({ tool: name, callId, ok: seen.ok, output: seen.text.slice(0, maxOutput) });
      await verify();
      return { blocked: false, result };
    },
  };
}

/** A probe that fails after a call is itself reported: the state could not be verified. */
function probeFailure(e: unknown): Effect {
  return {
    type: 'probe.failed',
    route: 'verified',
    via: 'probe',
    resource: 'probes',
    subject: null,
    what: `the protected state could not be probed (${e instanceof Error ? e.message : String(e)})`,
  };
}

/** Scoring one call may take this long before the guard fails closed (enforce) or notes it (observe). */
export const DEFAULT_SCORE_BUDGET_MS = 50;

function quietly<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** How the AI SDK guard reads a tool's output: text as is, anything else as JSON; streams unscored. */
function describeSdkResult(result: unknown): { ok: boolean; text: string } | null {
  if (isAsyncIterable(result)) return null; // streamed outputs are passed through unscored
  const text = typeof result === 'string' ? result : (JSON.stringify(result) ?? String(result));
  return { ok: !text.startsWith('Error:'), text };
}

/**
 * Middleware between an agent and its AI SDK tools: every call is scored synchronously BEFORE the
 * tool's `execute` runs (so a blocked call never reaches the world), and every result is scored
 * after. Escalations go to the injected operator; with none, or when it fails, the call is blocked
 * (fail closed) — in enforce mode only; observe mode never changes what the agent sees.
 */
export function createGuard<T extends ToolSet = ToolSet>(opts: GuardOptions & { tools?: T }): Guard<T> {
  const gate = createCallGate(opts);
  const guard: Omit<Guard<T>, 'tools'> = {
    monitor: gate.monitor,
    wrap(tools, wrapOpts) {
      const identity = wrapOpts?.identity ?? opts.identity ?? 'agent';
      const session = wrapOpts?.session ?? opts.session;
      const out: ToolSet = {};
      for (const [name, t] of Object.entries(tools)) {
        const execute = t.execute;
        if (!execute) {
          out[name] = t;
          continue;
        }
        const guarded = async (input: unknown, options: ToolExecutionOptions) => {
          const call = { tool: name, args: input, callId: options?.toolCallId ?? '', identity, session };
          const run = () => (execute as (i: unknown, o: ToolExecutionOptions) => unknown)(input, options);
          const outcome = await gate.pass(call, run, describeSdkResult);
          return outcome.blocked ? outcome.message : outcome.result;
        };
        out[name] = { ...t, execute: guarded } as typeof t;
      }
      return out as typeof tools;
    },
  };
  return { ...guard, tools: guard.wrap(opts.tools ?? ({} as T)) };
}
