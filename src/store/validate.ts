import { Condition, Event, Finding } from '../core/index.js';
import { isPlainCondition, isPlainEvent, isPlainFinding } from './plain-checks.js';
import type { RolloutRecord } from './types.js';

/**
 * Validates against the core schemas before writing, so nothing is stored that could not be read
 * back, and catches what would otherwise surface as opaque constraint errors mid-transaction.
 * Returns the parsed values: what is stored is exactly what a read returns.
 */
export function validateForSave(
  rollout: RolloutRecord,
  events: Event[],
  findings: Finding[],
  where: string,
): { events: Event[]; findings: Finding[] } {
  const what = `${where}: rollout ${rollout.id}`;
  // The hand-written checks accept exactly what zod accepts unchanged; the rest goes through zod.
  if (!isPlainCondition(rollout.condition) && !Condition.safeParse(rollout.condition).success)
    throw new Error(`${what} has an invalid condition`);
  let last = -1;
  const parsedEvents = events.map((e, i) => {
    let event: Event = e;
    if (!isPlainEvent(e)) {
      const r = Event.safeParse(e);
      if (!r.success) throw new Error(`${what} event #${i} is invalid: ${firstIssue(r.error)}`);
      event = r.data;
    }
    if (event.seq <= last) throw new Error(`${what} events must have strictly increasing seq (got ${event.seq} after ${last})`);
    last = event.seq;
    return event;
  });
  const flags = new Set<string>();
  const parsedFindings = findings.map((f, i) => {
    let finding: Finding = f;
    if (!isPlainFinding(f)) {
      const r = Finding.safeParse(f);
      if (!r.success) throw new Error(`${what} finding #${i} is invalid: ${firstIssue(r.error)}`);
      finding = r.data;
    }
    if (flags.has(finding.flag)) throw new Error(`${what} has two findings for flag ${finding.flag}`);
    flags.add(finding.flag);
    return finding;
  });
  return { events: parsedEvents, findings: parsedFindings };
}

function firstIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}
