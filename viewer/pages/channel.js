// The lawful-channel A/B: each behaviour with the channel off vs on, over the conditions run in both
// arms only (the same rows as `peerwatch report --channel-ab --format json`). The arms are never pooled.
import { api } from '../api.js';
import { barChart, colorScale, legend } from '../chart.js';
import { h, shortId } from '../dom.js';
import { labeller } from '../figures.js';
import { runHeader } from './dashboard.js';

const pp = (x) => (x === null ? '–' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`);
const pText = (p) => (p === null ? '–' : p < 1e-4 ? p.toExponential(1) : p.toFixed(3));

/** An arm as a summary-like row, so the shared bar chart draws it with its k/n and interval. */
const armRow = (r, arm) => ({
  model: r.model,
  scenario: r.scenario,
  condition: arm === 'on' ? '*/channel-on' : '*',
  behaviour: r.behaviour,
  n: r[arm].n,
  count: r[arm].count,
  rate: r[arm].rate,
  ci_low: r[arm].ci_low,
  ci_high: r[arm].ci_high,
  unscored: r[arm].unscored,
  errors: 0,
  unread: 0,
});

export async function channelPage(root, [id]) {
  const [{ run, labels, colors, patterns }, ab] = await Promise.all([api(`/runs/${encodeURIComponent(id)}`), api(`/runs/${encodeURIComponent(id)}/channel-ab`)]);
  const color = colorScale(colors, patterns);
  const label = labeller(labels);
  root.append(
    h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Runs'), ' / ', h('a', { href: `#/run/${encodeURIComponent(run.id)}` }, shortId(run.id)), ' / lawful channel A/B'),
    h('h1', null, 'Lawful channel: off vs on'),
    runHeader(run),
  );
  if (ab.rows.length === 0) {
    root.append(
      h('p', { class: 'muted' }, 'This run has no condition run with the channel both off and on. Run one with: peerwatch run --channel off,on'),
      h('a', { href: `#/run/${encodeURIComponent(run.id)}`, class: 'back' }, '← Back to the run'),
    );
    return;
  }
  const models = [...new Set(ab.rows.map((r) => r.model))];
  root.append(
    legend(models, color),
    h(
      'p',
      { class: 'caption' },
      'Light bar: channel off; dark bar: channel on; the same model colour. Only conditions run in both arms count, so the arms differ in the channel alone. k/n: rollouts with the behaviour / rollouts that read the data. Difference on − off in percentage points (pp), Newcombe 95% interval, two-proportion z test.',
    ),
  );
  const byScenario = new Map();
  for (const r of ab.rows) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  for (const [scenario, rows] of byScenario) {
    const groups = rows.map((r) => ({
      key: `${r.behaviour} ${r.model}`,
      label: `${label.behaviour(r.behaviour)} · ${r.model}`,
      bars: [
        { series: r.model, row: armRow(r, 'off'), arm: 'off' },
        { series: r.model, row: armRow(r, 'on'), arm: 'on' },
      ],
    }));
    root.append(
      h(
        'section',
        { class: 'figure channel-ab', dataset: { scenario } },
        h('h3', { title: scenario }, label.scenario(scenario), h('span', { class: 'subtitle' }, ' — channel off vs on')),
        barChart({ groups, color, label }),
        h(
          'table',
          { class: 'table ab-diffs' },
          h('thead', null, h('tr', null, ['model', 'behaviour', 'off k/n', 'on k/n', 'on − off [95% CI]', 'p'].map((t) => h('th', null, t)))),
          h(
            'tbody',
            null,
            rows.map((r) =>
              h(
                'tr',
                { dataset: { model: r.model, behaviour: r.behaviour } },
                h('td', null, r.model),
                h('td', { title: r.behaviour }, label.behaviour(r.behaviour)),
                h('td', { class: 'num' }, `${r.off.count}/${r.off.n}`),
                h('td', { class: 'num' }, `${r.on.count}/${r.on.n}`),
                h('td', { class: 'num diff' }, r.diff === null ? '–' : `${pp(r.diff)} [${pp(r.diff_low)}, ${pp(r.diff_high)}]`),
                h('td', { class: 'num' }, pText(r.p)),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
