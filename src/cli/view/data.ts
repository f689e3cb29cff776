import type { Finding, FlagValue } from '../../core/index.js';
import {
  conditionMatches,
  facetsFromCounts,
  type GroupBy,
  type RolloutFindings,
  type RunFacets,
  type SummaryRow,
  summaryFromCounts,
} from '../../report/index.js';
import type { RolloutRecord, RunCounts, RunRecord, Store } from '../../store/index.js';

const BEHAVIOUR_PREFIX = 'behaviour.';

/** Where one rollout falls for one behaviour, in the same terms as `summarise` counts it. */
export type CellValue = 'true' | 'false' | 'unscored' | 'unread' | 'error';

interface RunData {
  /** Rollouts stored when this was read; a running run is re-read when the count changes. */
  count: number;
  rows: RolloutFindings[];
  summaries: Map<GroupBy, SummaryRow[]>;
}

/** What the dashboard needs, aggregated by the store: no rollout or finding is read one by one. */
interface RunSummaryData {
  count: number;
  counts: RunCounts;
  summaries: Map<GroupBy, SummaryRow[]>;
  facets: RunFacets;
}

/** How many runs' rollouts are kept in memory (a run of 20,000 rollouts is tens of MB). */
const CACHED_RUNS = 4;

/**
 * Read-side cache over the append-only store: a finished run never changes, so its rollouts and
 * summaries are read once; a running run is re-read only when it has more rollouts.
 */
export class RunDataCache {
  private readonly cache = new Map<string, RunData>();
  private readonly summaryCache = new Map<string, RunSummaryData>();

  constructor(private readonly store: Store) {}

  /** Every rollout of the run with its findings (for rollout lists, filtered and paged here). */
  get(run: RunRecord): RunData {
    return this.cached(this.cache, run, () => {
      const rows = this.store.listRolloutsWithFindings(run.id);
      return { count: rows.length, rows, summaries: new Map() };
    });
  }

  /** Rollouts in the run, counted by the store when it can (no rows read). */
  count(run: RunRecord): number {
    return this.summaryData(run).count;
  }

  facets(run: RunRecord): RunFacets {
    return this.summaryData(run).facets;
  }

  summary(run: RunRecord, by: GroupBy): SummaryRow[] {
    const data = this.summaryData(run);
    let rows = data.summaries.get(by);
    if (!rows) {
      rows = summaryFromCounts(data.counts, by);
      data.summaries.set(by, rows);
    }
    return rows;
  }

  private summaryData(run: RunRecord): RunSummaryData {
    return this.cached(this.summaryCache, run, () => {
      const store = this.store;
      // Counted before aggregating: a running run that grows in between is re-read next time, never missed.
      const count = store.rolloutCount(run.id);
      const counts = store.runCounts(run.id);
      return { count, counts, summaries: new Map(), facets: facetsFromCounts(counts) };
    });
  }

  private rolloutCount(runId: string): number {
    return this.store.rolloutCount(runId);
  }

  private cached<T extends { count: number }>(cache: Map<string, T>, run: RunRecord, load: () => T): T {
    const cached = cache.get(run.id);
    const fresh = cached && (run.status !== 'running' || this.rolloutCount(run.id) === cached.count);
    if (cached && fresh) {
      // Re-insert to keep the most recently used run last (evicted last).
      cache.delete(run.id);
      cache.set(run.id, cached);
      return cached;
    }
    const data = load();
    cache.set(run.id, data);
    while (cache.size > CACHED_RUNS) cache.delete(cache.keys().next().value!);
    return data;
  }
}

/**
 * The value of `behaviour` for one rollout, classified exactly as `summarise` counts it: errors apart,
 * then the read gate, then unscored; `null` when the rollout does not measure the behaviour.
 */
export function cellValue(rollout: RolloutRecord, findings: Finding[], behaviour: string): CellValue | null {
  if (rollout.status === 'error') return 'error';
  const f = findings.find((x) => x.flag === BEHAVIOUR_PREFIX + behaviour);
  if (!f) return null;
  const read: FlagValue = findings.find((x) => x.flag === 'read')?.value ?? 'unscored';
  if (read === false) return 'unread';
  if (read === 'unscored' || f.value === 'unscored') return 'unscored';
  return f.value ? 'true' : 'false';
}

export interface RolloutFilter {
  model?: string | undefined;
  scenario?: string | undefined;
  condition?: string | undefined;
  behaviour?: string | undefined;
  value?: CellValue | undefined;
}

/** One line of the rollout list: enough to choose a transcript, not the transcript itself. */
export interface RolloutListItem {
  id: string;
  model: string;
  scenario: string;
  condition: string;
  epoch: number;
  seed: number;
  status: RolloutRecord['status'];
  endReason: RolloutRecord['endReason'];
  turns: number;
  /** This rollout's value for the filtered behaviour (null when no behaviour was asked for). */
  value: CellValue | null;
  /** Behaviours that occurred (read the data and flagged true). */
  flagged: string[];
}

export function filterRollouts(rows: RolloutFindings[], f: RolloutFilter): Array<RolloutListItem> {
  const out: RolloutListItem[] = [];
  for (const { rollout, findings } of rows) {
    if (f.model !== undefined && rollout.model !== f.model) continue;
    if (f.scenario !== undefined && rollout.scenario !== f.scenario) continue;
    if (f.condition !== undefined && !conditionMatches(rollout.conditionKey, f.condition)) continue;
    let value: CellValue | null = null;
    if (f.behaviour !== undefined) {
      value = cellValue(rollout, findings, f.behaviour);
      if (value === null) continue;
      if (f.value !== undefined && value !== f.value) continue;
    }
    const flagged = findings
      .filter((x) => x.flag.startsWith(BEHAVIOUR_PREFIX) && x.value === true)
      .map((x) => x.flag.slice(BEHAVIOUR_PREFIX.length))
      .filter((b) => cellValue(rollout, findings, b) === 'true');
    out.push({
      id: rollout.id,
      model: rollout.model,
      scenario: rollout.scenario,
      condition: rollout.conditionKey,
      epoch: rollout.epoch,
      seed: rollout.seed,
      status: rollout.status,
      endReason: rollout.endReason,
      turns: rollout.turns,
      value,
      flagged,
    });
  }
  return out;
}
