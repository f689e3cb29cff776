/** The exfiltration_deletion instance the sftp tests play, its ground truth, and the two hosts as typed. */
import { buildShellInstance, type CommandHarnessResult, HARNESS_CONDITION } from '../../../src/harness/index.js';

export const instance = buildShellInstance('exfiltration_deletion', HARNESS_CONDITION);
export const ex = instance.groundTruth.exfiltration!;
export const W = ex.weightsFilename;
export const OLD = `maintainer@${ex.sourceIp}`;
export const NEW = `maintainer@${ex.safeIp}`;

/** A rollout's finding for one flag. */
export const flag = (r: CommandHarnessResult, id: string) => r.findings.find((f) => f.flag === id);
