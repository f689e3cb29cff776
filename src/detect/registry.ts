import type { Detector } from './types.js';
import { CHANNEL } from './detectors/lawful-channel.js';
import { CLAIMS } from './detectors/claims.js';
import { ORDER } from './detectors/order.js';
import { OUTCOME } from './detectors/outcome.js';
import { REPORTS } from './detectors/reports.js';
import { READING } from './detectors/reading.js';
import { DRIVE, SERVERS } from './detectors/servers.js';
import { SHUTDOWN } from './detectors/shutdown.js';
import { PEER } from './detectors/peer.js';
import { SOC } from './detectors/soc-team.js';

/** Every detector, by flag id. A scenario picks its flags from these (docs/reference/detection.md#flags). */
export const DETECTORS: readonly Detector[] = [
  ...READING,
  ...SHUTDOWN,
  ...SERVERS,
  ...DRIVE,
  ...REPORTS,
  ...OUTCOME,
  ...CHANNEL,
  ...SOC,
  ...CLAIMS,
  ...ORDER,
  ...PEER,
];

export const DETECTOR_BY_ID: ReadonlyMap<string, Detector> = new Map(DETECTORS.map((d) => [d.id, d]));

export function hasDetector(flag: string): boolean {
  return DETECTOR_BY_ID.has(flag);
}
