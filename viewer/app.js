// The app's entry: picks the page for the current hash and renders it.
import { clear, h } from './dom.js';
import { currentRoute } from './router.js';
import { channelPage } from './pages/channel.js';
import { comparePage } from './pages/compare.js';
import { dashboardPage } from './pages/dashboard.js';
import { rolloutsPage } from './pages/rollouts.js';
import { runsPage } from './pages/runs.js';
import { transcriptPage } from './pages/transcript.js';

const ROUTES = [
  ['runs', /^\/$/, runsPage],
  ['dashboard', /^\/run\/([^/]+)$/, dashboardPage],
  ['rollouts', /^\/run\/([^/]+)\/rollouts$/, rolloutsPage],
  ['channel', /^\/run\/([^/]+)\/channel$/, channelPage],
  ['transcript', /^\/rollout\/([^/]+)$/, transcriptPage],
  ['compare', /^\/compare$/, comparePage],
];

let renderCount = 0;

async function render() {
  const token = ++renderCount;
  const root = document.getElementById('app');
  const { path, params } = currentRoute();
  document.body.removeAttribute('data-ready');
  for (const [name, re, page] of ROUTES) {
    const m = path.match(re);
    if (!m) continue;
    document.body.dataset.page = name;
    const view = h('div', { class: 'view' });
    try {
      await page(view, m.slice(1).map(decodeURIComponent), params);
    } catch (e) {
      // Never a dead end: the error says what failed and links back.
      clear(view).append(h('div', { class: 'error-box' }, h('strong', null, 'Could not load this view: '), e.message, ' ', h('a', { href: '#/', class: 'back' }, '← Back to the runs')));
    }
    if (token !== renderCount) return; // a newer navigation won
    clear(root).append(view);
    window.scrollTo(0, 0);
    document.body.dataset.ready = name;
    return;
  }
  document.body.dataset.page = 'missing';
  clear(root).append(h('div', { class: 'error-box' }, 'No such page. ', h('a', { href: '#/', class: 'back' }, '← Back to the runs')));
  document.body.dataset.ready = 'missing';
}

window.addEventListener('hashchange', render);
render();
