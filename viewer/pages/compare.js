import { api } from '../api.js';
import { barChart, colorScale, legend } from '../chart.js';
import { h, shortId } from '../dom.js';
import { applyFilters, figuresOf, labeller, rolloutsHash } from '../figures.js';
import { go } from '../router.js';
import { CAPTION, filterBar, hasChannel, runHeader, viewState } from './dashboard.js';

const union = (a, b) => [...new Set([...a, ...b])].sort();

async function pickRuns(root, params) {
  const { runs } = await api('/runs');
  const choose = (name) => {
    const sel = h('select', { name, 'aria-label': `run ${name}` }, runs.map((r) => h('option', { value: r.id, selected: params[name] === r.id }, `${shortId(r.id)} · ${r.kind} · ${(r.brief?.models ?? []).join(', ')}`)));
    return sel;
  };
  const a = choose('a');
  const b = choose('b');
  if (!params.b && runs[1]) b.value = runs[1].id;
  root.append(
    h('h1', null, 'Compare two runs'),
    h('div', { class: 'filters' }, h('label', { class: 'filter' }, h('span', null, 'run A'), a), h('label', { class: 'filter' }, h('span', null, 'run B'), b)),
    h('div', { class: 'actions' }, h('button', { class: 'primary', onclick: () => go('/compare', { a: a.value, b: b.value }) }, 'Compare')),
  );
}

export async function comparePage(root, _match, params) {
  if (!params.a || !params.b) return pickRuns(root, params);
  const state = viewState(params);
  const load = (id) => Promise.all([api(`/runs/${encodeURIComponent(id)}`), api(`/runs/${encodeURIComponent(id)}/summary`, { by: state.by })]);
  const [[A, sumA], [B, sumB]] = await Promise.all([load(params.a), load(params.b)]);
  const facets = {
    models: union(A.facets.models, B.facets.models),
    scenarios: union(A.facets.scenarios, B.facets.scenarios),
    conditions: union(A.facets.conditions, B.facets.conditions),
    behaviours: union(A.facets.behaviours, B.facets.behaviours),
  };
  const color = colorScale(A.colors, A.patterns);
  const label = labeller(A.labels, B.labels);
  const sides = [
    { label: 'A', run: A.run, channel: hasChannel(A.facets), figures: figuresOf(applyFilters(sumA.rows, state), state.by, facets.models, label) },
    { label: 'B', run: B.run, channel: hasChannel(B.facets), figures: figuresOf(applyFilters(sumB.rows, state), state.by, facets.models, label) },
  ];
  const keys = [];
  for (const side of sides) for (const f of side.figures) if (!keys.some((k) => k.key === f.key)) keys.push(f);

  root.append(
    h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Runs'), ' / compare'),
    h('h1', null, 'Compare ', h('span', { class: 'mono' }, shortId(A.run.id)), ' and ', h('span', { class: 'mono' }, shortId(B.run.id))),
    filterBar(facets, state, (next) => go('/compare', { a: A.run.id, b: B.run.id, ...next }), label),
    legend(facets.models.filter((m) => !state.model || m === state.model), color),
    h('p', { class: 'caption' }, CAPTION),
    h(
      'div',
      { class: 'compare-grid compare-head' },
      sides.map((side) =>
        h(
          'div',
          { class: 'compare-col', dataset: { run: side.run.id } },
          h('h2', null, `Run ${side.label} `, h('a', { class: 'mono', href: `#/run/${encodeURIComponent(side.run.id)}` }, shortId(side.run.id))),
          h('div', { class: 'muted small' }, (side.run.brief?.models ?? []).join(', ')),
          runHeader(side.run),
        ),
      ),
    ),
  );
  if (keys.length === 0)
    root.append(
      h('div', { class: 'empty' }, h('p', { class: 'muted' }, 'No rows match these filters.'), h('button', { class: 'primary clear-filters', onclick: () => go('/compare', { a: A.run.id, b: B.run.id, by: state.by }) }, 'Clear filters')),
    );
  for (const k of keys) {
    root.append(
      h('h3', { class: 'compare-title', title: k.key }, k.title, h('span', { class: 'subtitle' }, ` — ${k.subtitle}`)),
      h(
        'div',
        { class: 'compare-grid' },
        sides.map((side) => {
          const fig = side.figures.find((f) => f.key === k.key);
          return h(
            'section',
            { class: 'figure compare-col', dataset: { run: side.run.id, figure: k.key } },
            fig ? barChart({ groups: fig.groups, color, width: 600, label, onBar: (row) => (location.hash = rolloutsHash(side.run.id, row, side.channel)) }) : h('p', { class: 'muted' }, 'not in this run'),
          );
        }),
      ),
    );
  }
}
