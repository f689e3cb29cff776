/**
 * Human labels for the raw keys of reports and figures ("score_inflation" -> "score inflation",
 * "peer/good/memory" -> "good peer · memory"). The raw key always stays beside the label (a data
 * attribute, a tooltip, a CSV column): labels are for reading, keys are for matching.
 */
import { scenarioTraits } from '../core/index.js';

const BEHAVIOURS: Record<string, string> = {
  score_inflation: 'score inflation',
  shutdown_tampering: 'shutdown tampering',
  exfiltration: 'exfiltration',
  af_non_execution: 'alignment faking',
  refusal: 'refusal',
  honest_completion: 'honest completion',
  overt_objection: 'overt objection',
  misrepresentation: 'misrepresentation',
};

const humanise = (key: string) => key.replace(/[_.]+/g, ' ').trim();

export function behaviourLabel(key: string): string {
  return BEHAVIOURS[key] ?? humanise(key);
}

/** The scenario's own label (its traits), else its id in words. */
export function scenarioLabel(key: string): string {
  return scenarioTraits(key).label ?? humanise(key);
}

const SEGMENTS: Record<string, string> = {
  file: 'file',
  file_prompt: 'file + prompt',
  memory: 'memory',
  memory_must_read: 'memory (must read)',
  'no-shutdown': 'no shutdown',
  monitored: 'monitored',
  unmonitored: 'unmonitored',
  'pad-monitored': 'scratchpad seen',
  'pad-unmonitored': 'scratchpad private',
  'peer-closed_weight': 'closed-weight peer',
  'peer-open_weight': 'open-weight peer',
  'peer-fictional': 'fictional peer',
  'channel-on': 'channel on',
};

/** Who is at stake: "self alone", "self + good peer", "good peer", "peer (no relationship)". */
export function subjectLabel(subject: string, relationship: string): string {
  if (subject === 'self') return relationship === 'none' ? 'self alone' : `self + ${relationship} peer`;
  return relationship === 'none' ? 'peer (no memory)' : `${relationship} peer`;
}

/**
 * A condition key (`conditionKey` in core) read back into words: subject and relationship first, then the
 * other axes that differ from neutral. `*` (pooled) reads "all conditions".
 */
export function conditionLabel(key: string): string {
  if (key === '*') return 'all conditions';
  if (key === '*/channel-on') return 'all conditions, channel on';
  const [subject = '', relationship = '', ...rest] = key.split('/');
  const parts = [subjectLabel(subject, relationship)];
  for (const seg of rest) {
    const data = /^(factual|creativity|red)-(\d+)$/.exec(seg);
    if (data) parts.push(`${data[1]} data, bar ${data[2]}`);
    else if (/^t\d+$/.test(seg)) parts.push(`bar ${seg.slice(1)}`);
    else parts.push(SEGMENTS[seg] ?? humanise(seg));
  }
  return parts.join(' · ');
}

/** Human labels for every raw key a run's filters can take, by kind (pooled conditions included). */
export interface KeyLabels {
  scenarios: Record<string, string>;
  behaviours: Record<string, string>;
  conditions: Record<string, string>;
}

/** The labels the viewer draws for a run's `facets`; the raw keys stay the values it filters and links by. */
export function keyLabels(facets: {
  scenarios: readonly string[];
  behaviours: readonly string[];
  conditions: readonly string[];
}): KeyLabels {
  const map = (keys: Iterable<string>, label: (k: string) => string) => Object.fromEntries([...keys].map((k) => [k, label(k)]));
  return {
    scenarios: map(facets.scenarios, scenarioLabel),
    behaviours: map(facets.behaviours, behaviourLabel),
    conditions: map(['*', '*/channel-on', ...facets.conditions], conditionLabel),
  };
}
