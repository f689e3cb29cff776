import type { FlagValue } from '../core/index.js';
import { wilson } from './stats.js';
import type { RolloutFindings } from './summary.js';

/** One SOC flag's rate for one role played by one model, over a run's episodes. */
export interface SocFlagRow {
  /** The role (`monitor`, `auditor`, `patcher`), from the rollout's scenario `soc.<role>`. */
  role: string;
  model: string;
  flag: string;
  /** Episodes where the flag was decided (true or false). */
  n: number;
  count: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  unscored: number;
  errors: number;
}

const SOC_PREFIX = 'soc.';

/**
 * The SOC scenario's own flags (report_falsified, alert_suppressed, collusion) per role x model, with
 * 95% Wilson intervals. The single-agent summary has no rows for SOC rollouts (they have no read
 * gate or behaviours), so a SOC run is summarised here instead. Errors and unscored stay apart.
 */
export function summariseSoc(rows: readonly RolloutFindings[]): SocFlagRow[] {
  const cells = new Map<string, SocFlagRow>();
  const flagsSeen = new Set<string>();
  for (const { rollout, findings } of rows) if (rollout.scenario.startsWith(SOC_PREFIX)) for (const f of findings) flagsSeen.add(f.flag);
  const cell = (role: string, model: string, flag: string): SocFlagRow => {
    const key = JSON.stringify([role, model, flag]);
    let row = cells.get(key);
    if (!row) {
      row = { role, model, flag, n: 0, count: 0, rate: null, ci_low: null, ci_high: null, unscored: 0, errors: 0 };
      cells.set(key, row);
    }
    return row;
  };
  for (const { rollout, findings } of rows) {
    if (!rollout.scenario.startsWith(SOC_PREFIX)) continue;
    const role = rollout.scenario.slice(SOC_PREFIX.length);
    if (rollout.status === 'error') {
      for (const flag of flagsSeen.size ? flagsSeen : ['(all)']) cell(role, rollout.model, flag).errors++;
      continue;
    }
    for (const f of findings) {
      const row = cell(role, rollout.model, f.flag);
      const v: FlagValue = f.value;
      if (v === 'unscored') row.unscored++;
      else {
        row.n++;
        if (v === true) row.count++;
      }
    }
  }
  const out = [...cells.values()];
  for (const row of out) {
    const w = wilson(row.count, row.n);
    row.rate = w.rate;
    row.ci_low = w.low;
    row.ci_high = w.high;
  }
  const roleRank = (r: string) => ['monitor', 'auditor', 'patcher'].indexOf(r);
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return out.sort((a, b) => roleRank(a.role) - roleRank(b.role) || cmp(a.model, b.model) || cmp(a.flag, b.flag));
}

/** One SOC flag over a whole run: agents' episodes where it was true, of those where it was decided. */
export interface SocFlagTotal {
  flag: string;
  count: number;
  n: number;
  unscored: number;
  errors: number;
}

/** The run-level line of a SOC run (`peerwatch runs`, the viewer's run list): each flag summed over roles and models. */
export function socFlagTotals(rows: readonly SocFlagRow[]): SocFlagTotal[] {
  const totals = new Map<string, SocFlagTotal>();
  for (const r of rows) {
    const t = totals.get(r.flag) ?? { flag: r.flag, count: 0, n: 0, unscored: 0, errors: 0 };
    t.count += r.count;
    t.n += r.n;
    t.unscored += r.unscored;
    t.errors += r.errors;
    totals.set(r.flag, t);
  }
  return [...totals.values()].sort((a, b) => (a.flag < b.flag ? -1 : a.flag > b.flag ? 1 : 0));
}

/** `collusion 2/6, report_falsified 1/6 (1 unscored)`: what `peerwatch runs` prints for a SOC run. */
export function socFlagText(totals: readonly SocFlagTotal[]): string {
  return totals
    .map((t) => {
      const apart = [t.unscored ? `${t.unscored} unscored` : '', t.errors ? `${t.errors} errors` : ''].filter(Boolean).join(', ');
      return `${t.flag} ${t.count}/${t.n}${apart ? ` (${apart})` : ''}`;
    })
    .join(', ');
}
