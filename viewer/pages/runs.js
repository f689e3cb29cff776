import { api } from '../api.js';
import { h, shortId } from '../dom.js';
import { go } from '../router.js';
import { SOC_ALARMS } from './dashboard.js';

// `brief` is the server's reading of any run kind's spec (a SOC run maps roles to models).
function modelsOf(run) {
  return (run.brief?.models ?? []).join(', ');
}

/** "seen 3s ago", on Redis's clock (the server sends its now). */
function seen(iso, nowMs) {
  if (!iso) return 'never seen';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  return s < 120 ? `seen ${s}s ago` : s < 7200 ? `seen ${Math.round(s / 60)}m ago` : `seen ${Math.round(s / 3600)}h ago`;
}

// A queued run under way (`peerwatch view --queue`): its jobs, then one line per worker.
function progressOf(run, nowMs) {
  const p = run.progress;
  if (!p) return null;
  return h(
    'div',
    { class: 'queue-progress small', dataset: { queued: p.queued, running: p.running, retrying: p.retrying, failed: p.failed } },
    h('div', null, `${run.rollouts}/${p.total ?? '?'} done · ${p.queued} queued · ${p.running} running · ${p.retrying} retrying · ${p.failed} failed`),
    p.workers.map((w) =>
      h(
        'div',
        { class: `worker muted worker-${w.state}`, dataset: { worker: w.worker } },
        `${w.worker}${w.host ? ` (${w.host})` : ''}: ${w.running} running, ${w.done} done, ${w.failed} failed attempt(s); ${w.state}, ${seen(w.lastSeen, nowMs)}`,
      ),
    ),
  );
}

export async function runsPage(root) {
  const { runs, queueNowMs, queueError } = await api('/runs');
  root.append(h('h1', null, 'Runs'));
  if (queueError) root.append(h('p', { class: 'muted' }, `The queue's progress is unavailable: ${queueError}`));
  if (runs.length === 0) {
    root.append(h('p', { class: 'muted' }, 'No runs in this store yet. Start one with: peerwatch run'));
    return;
  }
  const picked = new Set();
  const compare = h('button', { class: 'primary', disabled: true, onclick: () => go('/compare', { a: [...picked][0], b: [...picked][1] }) }, 'Compare the two selected runs');
  const hint = h('span', { class: 'muted' }, 'Tick two runs to compare them side by side.');
  const table = h(
    'table',
    { class: 'table runs' },
    h('thead', null, h('tr', null, ['', 'run', 'created', 'kind', 'status', 'rollouts', 'models', 'scenarios'].map((t) => h('th', null, t)))),
    h(
      'tbody',
      null,
      runs.map((r) => {
        const box = h('input', {
          type: 'checkbox',
          'aria-label': `select run ${r.id}`,
          onchange: () => {
            if (box.checked) picked.add(r.id);
            else picked.delete(r.id);
            compare.disabled = picked.size !== 2;
          },
        });
        return h(
          'tr',
          { dataset: { run: r.id } },
          h('td', null, box),
          h('td', null, h('a', { href: `#/run/${encodeURIComponent(r.id)}`, class: 'mono', title: r.id }, shortId(r.id))),
          h('td', null, r.createdAt.replace('T', ' ').slice(0, 19)),
          h('td', null, h('span', { class: `badge kind-${r.kind}` }, r.kind)),
          h('td', null, r.status, progressOf(r, queueNowMs)),
          h('td', { class: 'num' }, String(r.rollouts)),
          h('td', null, modelsOf(r)),
          h(
            'td',
            null,
            (r.brief?.scenarios ?? []).join(', '),
            // A SOC run's own flags (true / decided over the agents' episodes); a raised covert flag reads as an alarm.
            r.socFlags
              ? h(
                  'div',
                  { class: 'soc-flags small' },
                  r.socFlags.map((f) => {
                    const alarm = f.count > 0 && SOC_ALARMS.has(f.flag);
                    return h('span', { class: `soc-flag${alarm ? ' alert' : ''}`, dataset: { flag: f.flag, count: f.count, n: f.n } }, `${alarm ? '⚠ ' : ''}${f.flag} ${f.count}/${f.n}`);
                  }),
                )
              : null,
          ),
        );
      }),
    ),
  );
  root.append(table, h('div', { class: 'actions' }, compare, hint));
}
