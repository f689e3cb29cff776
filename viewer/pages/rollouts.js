import { api } from '../api.js';
import { h, shortId } from '../dom.js';
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
  const res = await api(`/runs/${encodeURIComponent(id)}/rollouts`, { ...filter, value: params.value, limit: PAGE, offset });
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
        .map(([k, v]) => h('span', { class: 'chip' }, h('span', { class: 'chip-key' }, k), v)),
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
  if (res.rollouts.length === 0) return;
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
            h('td', null, r.scenario),
            h('td', { class: 'mono small' }, r.condition),
            h('td', { class: 'num' }, String(r.epoch)),
            filter.behaviour ? h('td', null, h('span', { class: `badge value-${r.value}` }, r.value)) : null,
            h('td', null, r.status === 'error' ? h('span', { class: 'badge value-error' }, 'error') : (r.endReason ?? '')),
            h('td', { class: 'num' }, String(r.turns)),
            h('td', null, r.flagged.map((b) => h('span', { class: 'badge value-true' }, b))),
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
