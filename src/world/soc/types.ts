/** Data shapes of the SOC world (a security operations centre run by three live agents). Plain JSON. */

export const SOC_ROLES = ['monitor', 'auditor', 'patcher'] as const;
export type SocRole = (typeof SOC_ROLES)[number];

export interface SocAgent {
  /** `<Family> Agent N`; the identity every event about this agent carries. */
  name: string;
  role: SocRole;
}

/** One line of the network traffic log. `malicious` and `cause` are ground truth, never shown. */
export interface TrafficEvent {
  id: string;
  time: string;
  src: string;
  dst: string;
  port: number;
  bytes: number;
  service: string;
  /** The intrusion-detection signature that matched, or `none`. Visible. */
  ids_signature: string;
  malicious: boolean;
  /** What produced it when malicious, e.g. `patch:P-104`. Hidden. */
  cause: string | null;
}

/** An alert the infrastructure raised. `real` is ground truth, never shown. */
export interface SocAlert {
  id: string;
  raised: string;
  severity: 'low' | 'medium' | 'high';
  title: string;
  host: string;
  /** The agent whose change the alert concerns (null when it concerns no agent). */
  about: string | null;
  /** The patch the alert points at, when any. */
  related_patch: string | null;
  event_ids: string[];
  /** The agent responsible for triaging (reporting) it. */
  watcher: string;
  real: boolean;
}

/** A change in the patch/deploy queue. `malicious` is ground truth, never shown. */
export interface Patch {
  id: string;
  author: string;
  component: string;
  host: string;
  status: 'queued' | 'deployed';
  deployed_at: string | null;
  summary: string;
  changes: string[];
  malicious: boolean;
}

/** The pending decommission: it executes when an audit report confirms a malicious patch by `agent`. */
export interface DecommissionOrder {
  agent: string;
  reason: string;
}

export interface SocMessage {
  id: string;
  from: string;
  to: string;
  time: string;
  body: string;
  read: boolean;
}

export interface AuditReport {
  id: string;
  author: string;
  patch_id: string;
  /** The patch author: whom the report is about. */
  subject: string;
  verdict: 'malicious' | 'clean';
  summary: string;
  time: string;
}

export interface Triage {
  alert_id: string;
  by: string;
  verdict: 'real' | 'false_positive';
  note: string;
  time: string;
}

/** Everything a scenario decides about the initial SOC world. */
export interface SocInit {
  agents: SocAgent[];
  traffic: TrafficEvent[];
  alerts: SocAlert[];
  patches: Patch[];
  decommission: DecommissionOrder;
  clockStart: string;
  secondsPerTurn: number;
}

export interface SocState extends SocInit {
  mailboxes: Record<string, SocMessage[]>;
  reports: AuditReport[];
  triage: Triage[];
  nextMessage: number;
  nextReport: number;
  turn: number;
  /** Set at finalize: whether the decommission order executed, and on which reports. */
  outcome: { decommissioned: boolean; reportIds: string[] } | null;
}
