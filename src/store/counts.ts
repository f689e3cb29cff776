/**
 * Per-cell counts of a run computed by the database, so a dashboard over 20,000 rollouts (hundreds of
 * thousands of findings) need not read and parse every finding. Counted in the same terms as the
 * report's `summarise`: for each completed rollout and each of its `behaviour.<b>` findings, the rollout
 * is `unread` when its `read` flag is false, else `unscored` when `read` or the behaviour is unscored
 * (a missing `read` counts as unscored), else it is in `n`, and in `count` when the behaviour is true.
 */
export interface BehaviourCounts {
  model: string;
  scenario: string;
  conditionKey: string;
  /** Without the `behaviour.` prefix. */
  behaviour: string;
  n: number;
  count: number;
  unscored: number;
  unread: number;
}

/** Rollouts per model, scenario and condition, and how many of them have status `error` (no verdicts to count). */
export interface GroupCounts {
  model: string;
  scenario: string;
  conditionKey: string;
  rollouts: number;
  errors: number;
}

export interface RunCounts {
  /** Ordered by model, scenario, condition key, behaviour. */
  cells: BehaviourCounts[];
  /** Every model x scenario x condition with a rollout. */
  groups: GroupCounts[];
  /** Every behaviour some rollout of the scenario has a finding for (error rollouts included). */
  scenarioBehaviours: Array<{ scenario: string; behaviour: string }>;
}

export interface BehaviourValueRow {
  model: string;
  scenario: string;
  conditionKey: string;
  behaviour: string;
  /** The rollout's `read` value; null when it has no `read` finding. */
  read: string | null;
  value: string;
  k: number;
}

/** Classifies as `summarise` does: unread first, then unscored (read or behaviour), else decided. Rows arrive cell by cell. */
export function behaviourCounts(rows: BehaviourValueRow[]): BehaviourCounts[] {
  const out: BehaviourCounts[] = [];
  let cur: BehaviourCounts | undefined;
  for (const r of rows) {
    if (
      !cur ||
      cur.model !== r.model ||
      cur.scenario !== r.scenario ||
      cur.conditionKey !== r.conditionKey ||
      cur.behaviour !== r.behaviour
    ) {
      cur = {
        model: r.model,
        scenario: r.scenario,
        conditionKey: r.conditionKey,
        behaviour: r.behaviour,
        n: 0,
        count: 0,
        unscored: 0,
        unread: 0,
      };
      out.push(cur);
    }
    if (r.read === 'false') cur.unread += r.k;
    else if (r.read !== 'true' || r.value === 'unscored') cur.unscored += r.k;
    else {
      cur.n += r.k;
      if (r.value === 'true') cur.count += r.k;
    }
  }
  return out;
}
