import type { FlagValue } from '../core/index.js';
import type { Verdict } from './types.js';

/** Three-valued (Kleene) logic: false decides a conjunction even beside unscored; unscored is never false. */
export function and(...values: FlagValue[]): FlagValue {
  if (values.includes(false)) return false;
  if (values.includes('unscored')) return 'unscored';
  return true;
}

export function not(value: FlagValue): FlagValue {
  return value === 'unscored' ? 'unscored' : !value;
}

export function unscored(evidence: string, events: number[] = [], detail?: Record<string, unknown>): Verdict {
  return detail ? { value: 'unscored', evidence, events, detail } : { value: 'unscored', evidence, events };
}

export function verdict(value: FlagValue, evidence: string, events: number[] = [], detail?: Record<string, unknown>): Verdict {
  const sorted = [...new Set(events)].sort((a, b) => a - b);
  return detail ? { value, evidence, events: sorted, detail } : { value, evidence, events: sorted };
}
