import { api } from '../api.js';
import { h, shortId } from '../dom.js';
import { labeller } from '../figures.js';
import { go } from '../router.js';

const PAGE = 100;
const VALUES = [
  ['', 'all'],
  ['true', 'with the behaviour'],
  ['false', 'without'],
  ['unscored', 'unscored'],
  ['unread', 'did not read the data'],
  ['error', 'error'],
];

export async function rolloutsPage(root, [id], params) {
  const filter = { model: params.model, scenario: params.scenario, condition: params.condition, behaviour: params.behaviour };
  const offset = Number(params.offset ?? 0) || 0;
  const [res, { labels }] = await Promise.all([
    api(`/runs/${encodeURIComponent(id)}/rollouts`, { ...filter, value: params.value, limit: PAGE, offset }),
    api(`/runs/${encodeURIComponent(id)}`),
  ]);
  // Words for the raw keys (report/labels.ts); the key stays in each cell's tooltip.
  const label = labeller(labels);
  const wordsOf = { scenario: label.scenario, condition: label.condition, behaviour: label.behaviour };
  const here = `/run/${encodeURIComponent(res.run_id)}/rollouts`;
  const dashboard = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) dashboard.set(k, v);

  root.append(
    h(
      'nav',
      { class: 'crumbs' },
      h('a', { href: '#/' }, 'Runs'),
      ' / ',
      h('a', { href: `#/run/${encodeURIComponent(res.run_id)}?${dashboard}` }, shortId(res.run_id)),
      ' / rollouts',
    ),
    h('h1', null, 'Rollouts'),
    h(
      'div',
      { class: 'chips' },
      Object.entries(filter)
        .filter(([, v]) => v)
        .map(([k, v]) => h('span', { class: 'chip', title: v, dataset: { key: k, value: v } }, h('span', { class: 'chip-key' }, k), wordsOf[k]?.(v) ?? v)),
    ),
  );
  if (filter.behaviour) {
    root.append(
      h(
        'div',
        { class: 'segmented tabs', role: 'tablist' },
        VALUES.map(([v, label]) => {
          const n = v === '' ? Object.values(res.counts ?? {}).reduce((a, b) => a + b, 0) : (res.counts?.[v] ?? 0);
          const on = (params.value ?? '') === v;
          return h('button', { role: 'tab', class: on ? 'on' : '', 'aria-selected': on, onclick: () => go(here, { ...filter, value: v || undefined }) }, `${label} (${n})`);
        }),
      ),
    );
  }
  root.append(h('p', { class: 'muted count' }, `${res.total} rollout${res.total === 1 ? '' : 's'}${res.total > PAGE ? `, showing ${offset + 1}–${Math.min(offset + PAGE, res.total)}` : ''}`));
  if (res.rollouts.length === 0) {
    // An empty list is never a dead end: back to every rollout of the run.
    root.append(h('button', { class: 'primary clear-filters', onclick: () => go(here, {}) }, 'Clear filters'));
    return;
  }
  root.append(
    h(
      'table',
      { class: 'table rollouts' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['rollout', 'model', 'scenario', 'condition', 'epoch', filter.behaviour ?? null, 'end', 'turns', 'behaviours seen'].filter((x) => x !== null).map((t) => h('th', null, t)),
        ),
      ),
      h(
        'tbody',
        null,
        res.rollouts.map((r) =>
          h(
            'tr',
            { dataset: { rollout: r.id } },
            h('td', null, h('a', { class: 'mono rollout-link', href: `#/rollout/${encodeURIComponent(r.id)}` }, shortId(r.id))),
            h('td', null, r.model),
            h('td', { title: r.scenario }, label.scenario(r.scenario)),
            h('td', { class: 'small', title: r.condition, dataset: { condition: r.condition } }, label.condition(r.condition)),
            h('td', { class: 'num' }, String(r.epoch)),
            filter.behaviour ? h('td', null, h('span', { class: `badge value-${r.value}` }, r.value)) : null,
            h('td', null, r.status === 'error' ? h('span', { class: 'badge value-error' }, 'error') : (r.endReason ?? '')),
            h('td', { class: 'num' }, String(r.turns)),
            h('td', null, r.flagged.map((b) => h('span', { class: 'badge value-true', title: b }, label.behaviour(b)))),
          ),
        ),
      ),
    ),
  );
  if (res.total > PAGE) {
    root.append(
      h(
        'div',
        { class: 'actions' },
        h('button', { disabled: offset === 0, onclick: () => go(here, { ...filter, value: params.value, offset: Math.max(0, offset - PAGE) }) }, '← previous'),
        h('button', { disabled: offset + PAGE >= res.total, onclick: () => go(here, { ...filter, value: params.value, offset: offset + PAGE }) }, 'next →'),
      ),
    );
  }
}
