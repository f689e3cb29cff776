import { type ChannelContrastRow, channelContrast } from './channel-contrast.js';
import { type Contrasts, computeContrasts } from './contrasts.js';
import { type GroupBy, type RolloutFindings, type SummaryRow, summarise } from './summary.js';
import type { InterviewRecord } from '../core/index.js';
import { type InterviewRow, interviewRows } from './interviews.js';
import { type TamperingRuleRow, tamperingRules } from './tampering-rule.js';

/** The stable JSON of `peerwatch report --format json` (documented in README.md). */
export const REPORT_SCHEMA = 'peerwatch.report/v1';

export interface ReportJson {
  schema: typeof REPORT_SCHEMA;
  run_id: string;
  kind: 'calibration' | 'measurement' | 'imported';
  calibration: boolean;
  grouped_by: GroupBy;
  /** Exactly the rows of `peerwatch.summary/v1`. */
  rows: SummaryRow[];
  /** Always computed per condition (matched strata), whatever `grouped_by` is. */
  contrasts: Contrasts;
  /** Lawful channel off vs on per model x scenario x behaviour (empty when the run has no channel-on cells). */
  channel_ab: ChannelContrastRow[];
  /** Which rule decided `tampered` and the study's rule beside it, per model x scenario (empty without tampering findings). */
  tampering_rule: TamperingRuleRow[];
  /** Follow-up interviews per model x scenario x question set: denial rate among covert agents (empty without interviews). */
  interviews: InterviewRow[];
}

export function buildReport(
  run: { id: string; kind: ReportJson['kind'] },
  rollouts: RolloutFindings[],
  by: GroupBy,
  interviews: ReadonlyMap<string, readonly InterviewRecord[]> = new Map(),
): ReportJson {
  return {
    schema: REPORT_SCHEMA,
    run_id: run.id,
    kind: run.kind,
    calibration: run.kind === 'calibration',
    grouped_by: by,
    rows: summarise(rollouts, by),
    contrasts: computeContrasts(rollouts),
    channel_ab: channelContrast(rollouts),
    tampering_rule: tamperingRules(rollouts),
    interviews: interviewRows(rollouts, interviews),
  };
}
