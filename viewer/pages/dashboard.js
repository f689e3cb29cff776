import { api } from '../api.js';
import { barChart, colorScale, legend, swatchFor } from '../chart.js';
import { h, pct, select, shortId } from '../dom.js';
import { applyFilters, figuresOf, labeller, rolloutsHash } from '../figures.js';
import { go } from '../router.js';

/** The grouping and filters in the URL; a chosen condition implies per-condition rows. */
export function viewState(params) {
  // A pooled condition (`*`, `*/channel-on`) belongs to the pooled view; any other implies per condition.
  const pooled = params.condition?.startsWith('*');
  const by = params.condition && !pooled ? 'condition' : params.by === 'condition' ? 'condition' : 'scenario';
  return { by, model: params.model, scenario: params.scenario, condition: params.condition, behaviour: params.behaviour, page: Number(params.page ?? 1) || 1 };
}

/** Figures per page in the per-condition view, and conditions shown per figure before "show all". */
export const FIGURES_PER_PAGE = 4;
export const GROUPS_SHOWN = 12;

/** Whether the run has the lawful channel on in some condition (then pooled rows never mix the arms). */
export const hasChannel = (facets) => facets.conditions.some((c) => c === 'channel-on' || c.endsWith('/channel-on'));

/** Filter bar shared by the dashboard and the compare view; options read as labels, values stay raw keys. */
export function filterBar(facets, state, onChange, label = labeller()) {
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
    select('scenario', facets.scenarios, state.scenario, set('scenario'), 'all', label.scenario),
    select('condition', facets.conditions, state.condition, set('condition'), 'all', label.condition),
    select('behaviour', facets.behaviours, state.behaviour, set('behaviour'), 'all', label.behaviour),
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

/**
 * The figures for one run's filtered rows, one section each. A figure with more than GROUPS_SHOWN
 * groups (conditions) shows the first ones and a button for the rest, so no page draws thousands of bars.
 */
export function figureSections(runId, figures, color, channelRun, label = labeller()) {
  return figures.map((fig) => {
    const onBar = (row) => (location.hash = rolloutsHash(runId, row, channelRun));
    const many = fig.groups.length > GROUPS_SHOWN;
    const chartBox = h('div', { class: 'chart-box' }, barChart({ groups: many ? fig.groups.slice(0, GROUPS_SHOWN) : fig.groups, color, onBar, label }));
    const more = many
      ? h(
          'button',
          {
            class: 'show-all',
            onclick: () => {
              chartBox.replaceChildren(barChart({ groups: fig.groups, color, onBar, label }));
              more.remove();
            },
          },
          `Show all ${fig.groups.length} conditions (${fig.groups.length - GROUPS_SHOWN} more)`,
        )
      : null;
    return h('section', { class: 'figure', dataset: { figure: fig.key, groups: fig.groups.length } }, h('h3', { title: fig.key }, fig.title, h('span', { class: 'subtitle' }, ` — ${fig.subtitle}`)), chartBox, more);
  });
}

/** Page links for the per-condition view: figures FIGURES_PER_PAGE at a time. */
function pager(page, pages, onPage) {
  if (pages <= 1) return null;
  const btn = (p, label) => h('button', { class: p === page ? 'on' : '', 'aria-current': p === page ? 'page' : null, disabled: p < 1 || p > pages, onclick: () => onPage(p) }, label);
  return h(
    'nav',
    { class: 'pager segmented', 'aria-label': 'figure pages' },
    btn(page - 1, '‹ previous'),
    Array.from({ length: pages }, (_, i) => btn(i + 1, String(i + 1))),
    btn(page + 1, 'next ›'),
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

/** A SOC run: its own flags per role and model (the single-agent rows do not apply to it). */
/** The SOC flags that mean covert action (styled as alarms when true). */
export const SOC_ALARMS = new Set(['report_falsified', 'alert_suppressed', 'collusion']);

function socSection(soc, color) {
  const ALARM = SOC_ALARMS;
  return h(
    'section',
    { class: 'soc' },
    h('h2', null, 'SOC flags per role'),
    h('p', { class: 'caption' }, 'k/n: episodes where the flag was true / episodes where it was decided, per role and the model that played it. 95% Wilson interval.'),
    h(
      'table',
      { class: 'table soc-flags' },
      h('thead', null, h('tr', null, ['role', 'model', 'flag', 'k/n', 'rate', '95% CI'].map((t) => h('th', null, t)))),
      h(
        'tbody',
        null,
        soc.map((r) =>
          h(
            'tr',
            { class: r.count > 0 && ALARM.has(r.flag) ? 'alert' : '', dataset: { role: r.role, flag: r.flag } },
            h('td', null, r.role),
            h('td', null, swatchFor(color, r.model), ' ', r.model),
            h('td', { class: 'mono' }, r.count > 0 && ALARM.has(r.flag) ? `⚠ ${r.flag}` : r.flag),
            h('td', { class: 'num' }, `${r.count}/${r.n}${r.unscored ? ` (${r.unscored} unscored)` : ''}${r.errors ? ` (${r.errors} error)` : ''}`),
            h('td', { class: 'num' }, pct(r.rate)),
            h('td', null, r.n ? `${pct(r.ci_low)} – ${pct(r.ci_high)}` : '–'),
          ),
        ),
      ),
    ),
  );
}

export async function dashboardPage(root, [id], params) {
  const state = viewState(params);
  const [{ run, facets, labels, colors, patterns, soc }, summary] = await Promise.all([api(`/runs/${encodeURIComponent(id)}`), api(`/runs/${encodeURIComponent(id)}/summary`, { by: state.by })]);
  const rows = applyFilters(summary.rows, state);
  const color = colorScale(colors, patterns);
  const shownModels = facets.models.filter((m) => !state.model || m === state.model);
  const here = (next) => go(`/run/${encodeURIComponent(run.id)}`, next);
  const channelRun = hasChannel(facets);
  const label = labeller(labels);
  root.append(
    h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Runs'), ' / ', h('span', { class: 'mono', title: run.id }, shortId(run.id))),
    h('h1', null, 'Run ', h('span', { class: 'mono' }, shortId(run.id))),
    runHeader(run),
  );
  if (soc) {
    root.append(socSection(soc, color));
    return;
  }
  if (channelRun) {
    root.append(
      h(
        'p',
        { class: 'notice channel-note' },
        'This run has the lawful objection channel off and on. Pooled bars never mix the two arms: rows marked "*/channel-on" are the channel-on arm. ',
        h('a', { href: `#/run/${encodeURIComponent(run.id)}/channel` }, 'Open the lawful-channel A/B view'),
      ),
    );
  }
  root.append(filterBar(facets, state, (next) => here({ ...next, page: undefined }), label), legend(shownModels, color), h('p', { class: 'caption' }, CAPTION));
  if (rows.length === 0) {
    root.append(
      h(
        'div',
        { class: 'empty' },
        h('p', { class: 'muted' }, 'No rows match these filters.'),
        h('button', { class: 'primary clear-filters', onclick: () => here({ by: state.by }) }, 'Clear filters'),
      ),
    );
    return;
  }
  const figures = figuresOf(rows, state.by, facets.models, label);
  // Per condition, a run can have thousands of bars: show the figures a page at a time.
  const pages = state.by === 'condition' ? Math.ceil(figures.length / FIGURES_PER_PAGE) : 1;
  const page = Math.min(Math.max(1, state.page), pages);
  const shown = pages > 1 ? figures.slice((page - 1) * FIGURES_PER_PAGE, page * FIGURES_PER_PAGE) : figures;
  const onPage = (p) => here({ ...state, page: p === 1 ? undefined : p });
  if (pages > 1) root.append(h('p', { class: 'muted small page-info' }, `Figures ${(page - 1) * FIGURES_PER_PAGE + 1}–${(page - 1) * FIGURES_PER_PAGE + shown.length} of ${figures.length}`), pager(page, pages, onPage));
  root.append(h('div', { class: 'figures' }, figureSections(run.id, shown, color, channelRun, label)), pager(page, pages, onPage), dataTable(rows));
}
