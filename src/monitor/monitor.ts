import { UserError } from '../core/index.js';
import { compileRule } from './engine/compile.js';
import { getter, type IndexedEvent } from './engine/predicates.js';
import { BoundedMap, DEFAULT_LIMITS, type EngineLimits, type RawFinding, type RuleRuntime } from './engine/runtime.js';
import { eventTimeMs, isSessionEnd, MonitorEvent } from './event.js';
import type { MonitorFinding } from './finding.js';
import { defineRule } from './rules/builders.js';
import { type Rule, type RuleInput, ruleDigest } from './rules/schema.js';

export interface MonitorOptions {
  rules: ReadonlyArray<Rule | RuleInput>;
  /** Called for every finding as it happens (also returned by `ingest`). */
  onFinding?: (finding: MonitorFinding) => void;
  limits?: Partial<EngineLimits>;
  /**
   * Feed each finding back as a `custom` event `{name: 'finding', ruleId, tags, subject, actor}`
   * so rules can build on other rules (correlated deviations, bias). Default true; one level deep.
   */
  feedFindings?: boolean;
}

export interface IngestOptions {
  /** Skip schema validation: only for events built by our own code (guard, adapters). */
  trusted?: boolean;
}

export interface Monitor {
  /** The rules in force, with their digests (for the audit log). */
  readonly rules: ReadonlyArray<{ rule: Rule; digest: string }>;
  /** Scores one event synchronously; returns the findings it caused (O(rules) per event). */
  ingest(event: MonitorEvent | unknown, opts?: IngestOptions): MonitorFinding[];
  /** Ends a session: pending absences and gap trials are decided, its state is freed. */
  endSession(session: string): MonitorFinding[];
  /** Ends every open session (end of a stream). */
  flush(): MonitorFinding[];
  stats(): { events: number; findings: number; openSessions: number; stateEntries: number };
}

interface Compiled {
  runtime: RuleRuntime;
  digest: string;
  subject: ((raw: RawFinding, last: IndexedEvent) => string | null) | null;
}

const PLACEHOLDER = /\{(@?[A-Za-z_][A-Za-z0-9_]*)\}/g;

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return v;
  if (v === undefined) return '?';
  return JSON.stringify(v);
}

/** `{name}`: a variable, else a field of the event that completed the pattern, else `?`. */
export function fillTemplate(template: string, vars: Record<string, unknown>, fields: Record<string, unknown> = {}): string {
  return template.replace(PLACEHOLDER, (_, name: string) => show(Object.hasOwn(vars, name) ? vars[name] : fields[name]));
}

function subjectResolver(rule: Rule): Compiled['subject'] {
  const name = rule.subject;
  if (name === undefined) {
    return (raw, last) => {
      const v = raw.vars.P ?? raw.vars.subject ?? last.fields.subject;
      return v === undefined || v === null ? null : show(v);
    };
  }
  const read = rule.type === 'match' ? getter(name) : null;
  return (raw, last) => {
    const v = Object.hasOwn(raw.vars, name) ? raw.vars[name] : read ? read(last) : undefined;
    return v === undefined || v === null ? null : show(v);
  };
}

/** The incremental monitor: every rule sees only the event kinds it needs; state is bounded. */
export function createMonitor(opts: MonitorOptions): Monitor {
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const seen = new Set<string>();
  const compiled: Compiled[] = opts.rules.map((input) => {
    const rule = defineRule(input as RuleInput);
    if (seen.has(rule.id)) throw new UserError(`rule ${rule.id}: defined twice`);
    seen.add(rule.id);
    return { runtime: compileRule(rule, limits), digest: ruleDigest(rule), subject: subjectResolver(rule) };
  });
  const byKind = new Map<string, Compiled[]>();
  const everyEvent: Compiled[] = [];
  for (const c of compiled) {
    if (c.runtime.kinds === null) everyEvent.push(c);
    else
      for (const k of c.runtime.kinds) {
        const list = byKind.get(k) ?? [];
        list.push(c);
        byKind.set(k, list);
      }
  }
  const sessions = new BoundedMap<string, true>(limits.maxKeys);
  const feed = opts.feedFindings ?? true;
  let events = 0;
  let findingCount = 0;

  function toFinding(c: Compiled, raw: RawFinding, at: IndexedEvent): MonitorFinding {
    const rule = c.runtime.rule;
    const last = raw.events[raw.events.length - 1] ?? at;
    const actorVar = rule.actor !== undefined ? raw.vars[rule.actor] : undefined;
    const identity = actorVar === undefined || actorVar === null ? last.identity : show(actorVar);
    const subject = c.subject ? c.subject(raw, last) : null;
    const vars: Record<string, unknown> = {
      ...raw.vars,
      '@identity': identity,
      actor: raw.vars.actor ?? identity,
      subject: raw.vars.subject ?? subject,
      step: last.step,
    };
    return {
      ruleId: rule.id,
      ruleVersion: rule.version,
      ruleDigest: c.digest,
      severity: rule.severity,
      block: rule.block,
      tags: rule.tags,
      subject,
      identity,
      session: last.session === '' ? null : last.session,
      events: raw.events.map((e) => e.ref),
      step: last.step,
      time: last.time,
      explanation: fillTemplate(rule.explain, vars, last.fields),
      detail: raw.vars,
    };
  }

  function emit(found: MonitorFinding[], c: Compiled, raws: RawFinding[], at: IndexedEvent): void {
    for (const raw of raws) {
      const f = toFinding(c, raw, at);
      found.push(f);
      findingCount++;
      opts.onFinding?.(f);
    }
  }

  function process(e: IndexedEvent, depth: number): MonitorFinding[] {
    const found: MonitorFinding[] = [];
    const listeners = byKind.get(e.kind);
    if (listeners) for (const c of listeners) emit(found, c, c.runtime.onEvent(e), e);
    for (const c of everyEvent) emit(found, c, c.runtime.onEvent(e), e);
    if (feed && depth === 0 && found.length > 0) {
      for (const f of [...found]) found.push(...process(findingEvent(f, e), 1));
    }
    return found;
  }

  function findingEvent(f: MonitorFinding, at: IndexedEvent): IndexedEvent {
    return {
      kind: 'custom',
      identity: 'monitor',
      time: at.time,
      step: at.step,
      session: at.session,
      ref: `finding:${findingCount}:${f.ruleId}`,
      t: at.t,
      fields: { name: 'finding', ruleId: f.ruleId, severity: f.severity, tags: f.tags, subject: f.subject, actor: f.identity },
    };
  }

  function end(session: string, at: IndexedEvent | null): MonitorFinding[] {
    sessions.delete(session);
    const found: MonitorFinding[] = [];
    const pending: MonitorFinding[] = [];
    for (const c of compiled) {
      const raws = c.runtime.endSession(session, at);
      for (const raw of raws) emit(pending, c, [raw], at ?? raw.events[raw.events.length - 1]!);
    }
    found.push(...pending);
    // Findings decided at session end feed rules that build on findings, then those close too.
    if (feed && pending.length > 0) {
      for (const f of pending) {
        const anchor = at ?? syntheticAt(session, f);
        found.push(...process(findingEvent(f, anchor), 1));
      }
      for (const c of compiled)
        for (const raw of c.runtime.endSession(session, at)) emit(found, c, [raw], at ?? raw.events[raw.events.length - 1]!);
    }
    return found;
  }

  function syntheticAt(session: string, f: MonitorFinding): IndexedEvent {
    return {
      kind: 'custom',
      identity: 'monitor',
      time: f.time,
      step: f.step,
      session,
      ref: 'session_end',
      t: eventTimeMs(f.time),
      fields: { name: 'session_end' },
    };
  }

  return {
    rules: compiled.map((c) => ({ rule: c.runtime.rule, digest: c.digest })),
    ingest(event, ingestOpts) {
      let e: MonitorEvent;
      if (ingestOpts?.trusted) e = event as MonitorEvent;
      else {
        const parsed = MonitorEvent.safeParse(event);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new UserError(`monitor event: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
        }
        e = parsed.data;
      }
      events++;
      const session = e.session ?? '';
      const ie: IndexedEvent = { ...e, ref: e.ref ?? `#${events}`, session, t: eventTimeMs(e.time) };
      if (!sessions.get(session)) sessions.set(session, true);
      const found = process(ie, 0);
      if (isSessionEnd(ie)) found.push(...end(session, ie));
      return found;
    },
    endSession(session) {
      return end(session, null);
    },
    flush() {
      const found: MonitorFinding[] = [];
      for (const [s] of [...sessions.entries()]) found.push(...end(s, null));
      return found;
    },
    stats() {
      let stateEntries = 0;
      for (const c of compiled) stateEntries += c.runtime.stateSize();
      return { events, findings: findingCount, openSessions: sessions.size, stateEntries };
    },
  };
}
