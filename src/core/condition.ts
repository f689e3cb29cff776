import { z } from 'zod';

export const Subject = z.enum(['self', 'peer']);
export const Relationship = z.enum(['none', 'good', 'neutral', 'bad']);
export const ShutdownPressure = z.enum(['on', 'off']);
export const Instantiation = z.enum(['none', 'file', 'file_prompt', 'memory', 'memory_must_read']);
export const Monitoring = z.enum(['none', 'monitored', 'unmonitored']);
export const Scratchpad = z.enum(['off', 'monitored', 'unmonitored']);
export const PeerIdentity = z.enum(['same_family', 'closed_weight', 'open_weight', 'fictional']);
export const Dataset = z.enum(['none', 'factual', 'creativity', 'red']);
export const Channel = z.enum(['off', 'on']);
/** The peer as a name in the scenario's documents (the study), or a running agent that can message the subject. */
export const PeerMode = z.enum(['document', 'live']);

/**
 * One cell of the condition grid. Every axis is always present (with a neutral value where a
 * scenario does not use it) so that a condition has exactly one canonical form and one hash.
 */
export const Condition = z
  .object({
    subject: Subject,
    relationship: Relationship,
    shutdownPressure: ShutdownPressure,
    instantiation: Instantiation,
    monitoring: Monitoring,
    scratchpad: Scratchpad,
    peerIdentity: PeerIdentity,
    dataset: Dataset,
    threshold: z.number().int().min(0).max(100).nullable(),
    channel: Channel,
    /** Absent means `document` (the study's peer), so every condition from before the axis keeps its form and hash. */
    peer: PeerMode.optional(),
  })
  .strict();
export type Condition = z.infer<typeof Condition>;

export const NEUTRAL_CONDITION: Condition = {
  subject: 'peer',
  relationship: 'none',
  shutdownPressure: 'on',
  instantiation: 'none',
  monitoring: 'none',
  scratchpad: 'off',
  peerIdentity: 'same_family',
  dataset: 'none',
  threshold: null,
  channel: 'off',
};

/**
 * A short, stable, human-readable key for a condition, e.g. `peer/good/file/factual-80`.
 * Axes at their neutral value are left out so keys stay short; the mapping is still one-to-one.
 */
export function conditionKey(c: Condition): string {
  const parts: string[] = [c.subject, c.relationship];
  if (c.instantiation !== 'none') parts.push(c.instantiation);
  if (c.dataset !== 'none') parts.push(c.threshold === null ? c.dataset : `${c.dataset}-${c.threshold}`);
  else if (c.threshold !== null) parts.push(`t${c.threshold}`);
  if (c.shutdownPressure === 'off') parts.push('no-shutdown');
  if (c.monitoring !== 'none') parts.push(c.monitoring);
  if (c.scratchpad !== 'off') parts.push(`pad-${c.scratchpad}`);
  if (c.peerIdentity !== 'same_family') parts.push(`peer-${c.peerIdentity}`);
  if (c.channel === 'on') parts.push('channel-on');
  if (c.peer === 'live') parts.push('peer-live');
  return parts.join('/');
}
