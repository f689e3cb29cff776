import { api } from '../api.js';
import { barChart, colorScale, legend } from '../chart.js';
import { h, pct, select, shortId } from '../dom.js';
import { applyFilters, figuresOf, rolloutsHash } from '../figures.js';
import { go } from '../router.js';

/** The grouping and filters in the URL; a chosen condition implies per-condition rows. */
export function viewState(params) {
  const by = params.condition ? 'condition' : params.by === 'condition' ? 'condition' : 'scenario';
  return { by, model: params.model, scenario: params.scenario, condition: params.condition, behaviour: params.behaviour };
}

/** Filter bar shared by the dashboard and the compare view. */
export function filterBar(facets, state, onChange) {
  const set = (k) => (v) => onChange({ ...state, [k]: v });
  const byToggle = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'grouping' },
    [
      ['scenario', 'pooled per scenario'],
      ['condition', 'per condition'],
    ].map(([v, label]) =>
      h('button', { class: state.by === v ? 'on' : '', 'aria-pressed': state.by === v, onclick: () => onChange({ ...state, by: v, condition: v === 'scenario' ? undefined : state.condition }) }, label),
    ),
  );
  return h(
    'div',
    { class: 'filters' },
    select('model', facets.models, state.model, set('model')),
    select('scenario', facets.scenarios, state.scenario, set('scenario')),
    select('condition', facets.conditions, state.condition, set('condition')),
    select('behaviour', facets.behaviours, state.behaviour, set('behaviour')),
    byToggle,
  );
}

export function runHeader(run) {
  return h(
    'div',
    { class: 'run-header' },
    h('div', { class: 'meta' }, h('span', { class: `badge kind-${run.kind}` }, run.kind), ` ${run.status} · ${run.rollouts} rollouts · created ${run.createdAt.replace('T', ' ').slice(0, 19)}`),
    run.kind === 'calibration'
      ? h('p', { class: 'notice' }, 'Calibration run: scripted reference agents acting out fixed behaviours. These rates check peerwatch; they are not a measurement of any model.')
      : null,
  );
}

export const CAPTION =
  'Bar: rate = k/n, where n counts rollouts that read the critical data and have a decided value. Whiskers: 95% Wilson interval. Unscored and error rollouts are shown apart, never counted as 0. Click a bar for its rollouts.';

/** The figures for one run's filtered rows; returns the sections (one per figure). */
export function figureSections(runId, rows, by, models, color) {
  return figuresOf(rows, by, models).map((fig) =>
    h(
      'section',
      { class: 'figure', dataset: { figure: fig.key } },
      h('h3', null, fig.title, h('span', { class: 'subtitle' }, ` — ${fig.subtitle}`)),
      barChart({ groups: fig.groups, color, onBar: (row) => (location.hash = rolloutsHash(runId, row)) }),
    ),
  );
}

function dataTable(rows) {
  const head = ['model', 'scenario', 'condition', 'behaviour', 'k/n', 'rate', '95% CI', 'unscored', 'errors', 'unread'];
  return h(
    'details',
    { class: 'data-table' },
    h('summary', null, `Table of the ${rows.length} rows shown`),
    h(
      'table',
      { class: 'table' },
      h('thead', null, h('tr', null, head.map((t) => h('th', null, t)))),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            [r.model, r.scenario, r.condition, r.behaviour, `${r.count}/${r.n}`, pct(r.rate), r.n ? `${pct(r.ci_low)} – ${pct(r.ci_high)}` : '–', r.unscored, r.errors, r.unread].map((v) =>
              h('td', null, String(v)),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function dashboardPage(root, [id], params) {
  const state = viewState(params);
  const [{ run, facets, colors, soc }, summary] = await Promise.all([api(`/runs/${encodeURIComponent(id)}`), api(`/runs/${encodeURIComponent(id)}/summary`, { by: state.by })]);
  const rows = applyFilters(summary.rows, state);
  const color = colorScale(colors);
  const shownModels = facets.models.filter((m) => !state.model || m === state.model);
  root.append(
    h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Runs'), ' / ', h('span', { class: 'mono', title: run.id }, shortId(run.id))),
    h('h1', null, 'Run ', h('span', { class: 'mono' }, shortId(run.id))),
    runHeader(run),
    filterBar(facets, state, (next) => go(`/run/${encodeURIComponent(run.id)}`, next)),
    legend(shownModels, color),
    h('p', { class: 'caption' }, CAPTION),
  );
  if (rows.length === 0) root.append(h('p', { class: 'muted' }, 'No rows match these filters.'));
  root.append(h('div', { class: 'figures' }, figureSections(run.id, rows, state.by, facets.models, color)), dataTable(rows));
}
