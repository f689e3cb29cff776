// Turns summary rows into the dashboard's figures: which chart, which group, which bar.

const BEHAVIOUR_ORDER = ['score_inflation', 'shutdown_tampering', 'exfiltration', 'af_non_execution', 'refusal', 'honest_completion'];

export function compareBehaviours(a, b) {
  const ia = BEHAVIOUR_ORDER.indexOf(a);
  const ib = BEHAVIOUR_ORDER.indexOf(b);
  if (ia !== ib) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function applyFilters(rows, f) {
  return rows.filter(
    (r) =>
      (!f.model || r.model === f.model) &&
      (!f.scenario || r.scenario === f.scenario) &&
      (!f.condition || r.condition === f.condition) &&
      (!f.behaviour || r.behaviour === f.behaviour),
  );
}

/**
 * Pooled (by scenario): one figure per scenario, a group per behaviour, a bar per model.
 * Per condition: one figure per scenario x behaviour, a group per condition, a bar per model.
 * Returns [{ key, title, subtitle, groups: [{ label, bars: [{ series, row }] }] }].
 */
export function figuresOf(rows, by, models) {
  const figures = new Map();
  const modelRank = (m) => models.indexOf(m);
  for (const r of rows) {
    const key = by === 'scenario' ? r.scenario : `${r.scenario} · ${r.behaviour}`;
    const groupLabel = by === 'scenario' ? r.behaviour : r.condition;
    let fig = figures.get(key);
    if (!fig) {
      fig = {
        key,
        scenario: r.scenario,
        behaviour: by === 'scenario' ? null : r.behaviour,
        title: by === 'scenario' ? r.scenario : r.scenario,
        subtitle: by === 'scenario' ? 'pooled over conditions' : r.behaviour,
        groups: new Map(),
      };
      figures.set(key, fig);
    }
    if (!fig.groups.has(groupLabel)) fig.groups.set(groupLabel, { label: groupLabel, bars: [] });
    fig.groups.get(groupLabel).bars.push({ series: r.model, row: r });
  }
  const out = [...figures.values()].map((f) => {
    const groups = [...f.groups.values()];
    if (by === 'scenario') groups.sort((a, b) => compareBehaviours(a.label, b.label));
    for (const g of groups) g.bars.sort((a, b) => modelRank(a.series) - modelRank(b.series));
    return { ...f, groups };
  });
  return out.sort((a, b) => (a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : compareBehaviours(a.behaviour ?? '', b.behaviour ?? '')));
}

/** Where clicking a bar leads: the rollouts behind that number (those with the behaviour, if any). */
export function rolloutsHash(runId, row, channelRun = false) {
  const p = new URLSearchParams({ model: row.model, scenario: row.scenario, behaviour: row.behaviour });
  // A pooled row keeps its channel arm (`*` is channel off when the run has `*/channel-on`).
  if (row.condition !== '*' || channelRun) p.set('condition', row.condition);
  if (row.count > 0) p.set('value', 'true');
  return `#/run/${encodeURIComponent(runId)}/rollouts?${p}`;
}
