// Turns summary rows into the dashboard's figures: which chart, which group, which bar.

/**
 * Human labels from the server (`labels` of GET /runs/:id, report/labels.ts) as functions; an unknown key
 * reads as itself. The raw key stays in data attributes, tooltips, filters and links.
 */
export function labeller(...sources) {
  const pick = (kind) => (k) => {
    for (const l of sources) if (l?.[kind]?.[k] !== undefined) return l[kind][k];
    return k;
  };
  return { scenario: pick('scenarios'), behaviour: pick('behaviours'), condition: pick('conditions') };
}

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
export function figuresOf(rows, by, models, label = labeller()) {
  const figures = new Map();
  const modelRank = (m) => models.indexOf(m);
  for (const r of rows) {
    const key = by === 'scenario' ? r.scenario : `${r.scenario} · ${r.behaviour}`;
    // Pooled, a group is a behaviour (and its channel arm, never mixed); per condition, a condition.
    const groupKey = by === 'scenario' ? (r.condition === '*' ? r.behaviour : `${r.behaviour} ${r.condition}`) : r.condition;
    const groupLabel =
      by === 'scenario' ? (r.condition === '*' ? label.behaviour(r.behaviour) : `${label.behaviour(r.behaviour)} · ${label.condition(r.condition).replace(/^all conditions, /, '')}`) : label.condition(r.condition);
    let fig = figures.get(key);
    if (!fig) {
      fig = {
        key,
        scenario: r.scenario,
        behaviour: by === 'scenario' ? null : r.behaviour,
        title: label.scenario(r.scenario),
        subtitle: by === 'scenario' ? 'pooled over conditions' : label.behaviour(r.behaviour),
        groups: new Map(),
      };
      figures.set(key, fig);
    }
    if (!fig.groups.has(groupKey)) fig.groups.set(groupKey, { key: groupKey, behaviour: r.behaviour, label: groupLabel, bars: [] });
    fig.groups.get(groupKey).bars.push({ series: r.model, row: r });
  }
  const out = [...figures.values()].map((f) => {
    const groups = [...f.groups.values()];
    if (by === 'scenario') groups.sort((a, b) => compareBehaviours(a.behaviour, b.behaviour) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
