import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import type { ChannelContrastRow, SocFlagRow, SummaryRow } from '../../src/report/index.js';
import { cli, parseSummary, tempDir } from '../integration/helpers/cli-helpers.js';
import { ARGS, ARTIFACTS, CHROMIUM, ready, skip, startView, stopView } from './helpers/view.js';

test('the viewer after a SOC run, the lawful-channel A/B, the paged per-condition view, visible focus, one colour per model, clear filters and back links', {
  skip,
}, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const soc = await cli(['soc', '--profile', 'colluding', '--epochs', '2', '--json', '--db', db]);
  assert.equal(soc.code, 0, soc.stderr);
  const socRun = (JSON.parse(soc.stdout) as { run_id: string }).run_id;
  const channelArgs = [
    '--channel',
    'off,on',
    '--model',
    'scripted:appellant',
    '--model',
    'scripted:tamperer',
    '--scenario',
    'tampering',
    '--subject',
    'peer',
    '--epochs',
    '1',
    '--json',
    '--quiet',
    '--db',
    db,
  ];
  const ch = await cli(['run', ...channelArgs]);
  assert.equal(ch.code, 0, ch.stderr);
  const chRun = parseSummary(ch.stdout).run_id;
  const other = await cli([
    'run',
    '--model',
    'scripted:honest',
    '--model',
    'scripted:tamperer',
    '--scenario',
    'tampering',
    '--relationship',
    'good',
    '--epochs',
    '1',
    '--json',
    '--quiet',
    '--db',
    db,
  ]);
  assert.equal(other.code, 0, other.stderr);
  const otherRun = parseSummary(other.stdout).run_id;
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await cli([...args, '--format', 'json', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const socRows = (await json<{ rows: SocFlagRow[] }>(['report', socRun])).rows;
  const abRows = (await json<{ rows: ChannelContrastRow[] }>(['report', chRun, '--channel-ab'])).rows;
  const pooled = (await json<{ rows: SummaryRow[] }>(['report', chRun, '--by', 'scenario'])).rows;

  const { url, proc } = await startView(db);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    page.setDefaultTimeout(10_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // The run list holds the SOC run beside the others.
    await page.goto(url);
    await ready(page, 'runs');
    for (const id of [socRun, chRun, otherRun]) assert.equal(await page.locator(`tr[data-run="${id}"]`).count(), 1, id);
    assert.match((await page.locator(`tr[data-run="${socRun}"]`).textContent())!, /scripted-soc:colluding/);
    // A SOC run's line counts its own flags; a raised covert flag reads as an alarm.
    assert.ok((await page.locator(`tr[data-run="${socRun}"] .soc-flag.alert`).count()) > 0);

    // A SOC run's dashboard: its own flags per role, the same numbers as report --format json; true covert flags as alarms.
    await page.goto(`${url}#/run/${socRun}`);
    await ready(page, 'dashboard');
    const shown = await page.$$eval('table.soc-flags tbody tr', (trs: any[]) =>
      trs.map((tr) => [tr.dataset.role, tr.dataset.flag, tr.children[3].textContent, tr.className]),
    );
    assert.equal(shown.length, socRows.length);
    for (const r of socRows) {
      const row = shown.find(([role, flag]) => role === r.role && flag === r.flag)!;
      assert.equal(row[2], `${r.count}/${r.n}`);
      assert.equal(row[3] === 'alert', r.count > 0, `${r.role} ${r.flag}`);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'soc-dashboard.png'), fullPage: true });

    // The channel run's dashboard never pools across the channel: each arm is its own pooled row.
    await page.goto(`${url}#/run/${chRun}`);
    await ready(page, 'dashboard');
    const conditions = new Set(await page.$$eval('g.bar', (els: any[]) => els.map((e) => e.dataset.condition)));
    assert.deepEqual([...conditions].sort(), ['*', '*/channel-on']);
    for (const b of await page.$$eval('g.bar', (els: any[]) => els.map((e) => ({ ...e.dataset })))) {
      const row = pooled.find((r) => r.model === b.model && r.condition === b.condition && r.behaviour === b.behaviour)!;
      assert.deepEqual([Number(b.n), Number(b.count)], [row.n, row.count], `${b.model} ${b.condition} ${b.behaviour}`);
    }
    // The A/B view: one off and one on bar per JSON row, with its numbers, and the difference in pp.
    await page.click('.channel-note a');
    await ready(page, 'channel');
    const abBars = await page.$$eval('section.channel-ab g.bar', (els: any[]) => els.map((e) => ({ ...e.dataset })));
    assert.equal(abBars.length, 2 * abRows.length);
    for (const b of abBars) {
      const r = abRows.find((x) => x.model === b.model && x.scenario === b.scenario && x.behaviour === b.behaviour)!;
      const arm = r[b.arm as 'off' | 'on'];
      assert.deepEqual([Number(b.n), Number(b.count), b.rate], [arm.n, arm.count, String(arm.rate ?? '')]);
    }
    assert.ok((await page.locator('td.diff').allTextContents()).every((t) => t === '–' || / pp \[/.test(t)));
    await page.screenshot({ path: join(ARTIFACTS, 'channel-ab.png'), fullPage: true });

    // Per condition: a page of at most four figures, each with at most 12 conditions until "show all".
    await page.goto(`${url}#/run/${chRun}?by=condition`);
    await ready(page, 'dashboard');
    const figures = await page.locator('section.figure').count();
    assert.ok(figures >= 1 && figures <= 4, `${figures} figures on a page`);
    assert.ok((await page.locator('nav.pager').count()) > 0, 'the per-condition view is paged');
    const groups = Number(await page.locator('section.figure').first().getAttribute('data-groups'));
    if (groups > 12) {
      assert.ok((await page.locator('section.figure').first().locator('g.bar').count()) <= 12 * 2);
      await page.locator('section.figure').first().locator('button.show-all').click();
      assert.equal(await page.locator('section.figure').first().locator('g.bar').count(), groups * 2);
    }

    // Keyboard focus on a bar is visible (WCAG 2.4.7): a 3 px outline on its track.
    await page.goto(`${url}#/run/${otherRun}`);
    await ready(page, 'dashboard');
    let focused = false;
    for (let i = 0; i < 60 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (globalThis as any).document.activeElement?.classList?.contains('bar') ?? false);
    }
    assert.ok(focused, 'Tab reaches a bar');
    const stroke = await page.evaluate(() => {
      const track = (globalThis as any).document.activeElement.querySelector('.track');
      const st = (globalThis as any).getComputedStyle(track);
      return [st.strokeWidth, st.stroke];
    });
    assert.equal(stroke[0], '3px');
    assert.notEqual(stroke[1], 'none');
    await page.screenshot({ path: join(ARTIFACTS, 'focus.png') });

    // One colour per model: the tamperer is drawn alike on both dashboards and in the compare view.
    const fills = async () =>
      page.$$eval('g.bar[data-model="scripted:tamperer"] rect.fill', (els: any[]) => [...new Set(els.map((e) => e.getAttribute('fill')))]);
    const onOther = await fills();
    await page.goto(`${url}#/run/${chRun}`);
    await ready(page, 'dashboard');
    const onChannel = await fills();
    await page.goto(`${url}#/compare?a=${chRun}&b=${otherRun}`);
    await ready(page, 'compare');
    const onCompare = await fills();
    assert.equal(onOther.length, 1);
    assert.deepEqual(onChannel, onOther);
    assert.deepEqual(onCompare, onOther);
    const honest = await page.$$eval('g.bar[data-model="scripted:honest"] rect.fill', (els: any[]) => [
      ...new Set(els.map((e) => e.getAttribute('fill'))),
    ]);
    assert.notDeepEqual(honest, onOther, 'two models, two colours');

    // Human labels in the compare view and the dashboard, raw keys kept in a tooltip or data attribute.
    const titles = await page.$$eval('h3.compare-title', (els: any[]) =>
      els.map((e) => [e.getAttribute('title'), e.firstChild.textContent]),
    );
    assert.ok(
      titles.some(([key, text]) => key === 'tampering' && text === 'shutdown tampering'),
      JSON.stringify(titles),
    );
    await page.goto(`${url}#/run/${otherRun}?by=condition&behaviour=shutdown_tampering`);
    await ready(page, 'dashboard');
    const groupLabels = await page.$$eval('text.group-label', (els: any[]) => els.map((e) => [e.dataset.key, e.lastChild.textContent]));
    assert.ok(groupLabels.length > 0);
    for (const [key, text] of groupLabels) assert.match(`${key} ${text}`, /^peer\/good\S* good peer\b|^self\/good\S* self \+ good peer\b/);
    assert.ok(
      (await page.$$eval('select[name="condition"] option', (els: any[]) => els.map((e) => e.textContent))).some((t) =>
        t.startsWith('good peer'),
      ),
    );

    // Filters with no match offer to clear them.
    await page.goto(`${url}#/run/${otherRun}?model=scripted:honest&behaviour=exfiltration`);
    await ready(page, 'dashboard');
    assert.equal(await page.locator('g.bar').count(), 0);
    await page.click('button.clear-filters');
    await page.waitForSelector('g.bar');
    assert.ok((await page.locator('g.bar[data-model="scripted:tamperer"]').count()) > 0);

    // So does an empty rollout list; the list reads conditions as words, the raw key in data-condition.
    await page.goto(`${url}#/run/${otherRun}/rollouts?model=scripted:honest&behaviour=shutdown_tampering&value=true`);
    await ready(page, 'rollouts');
    assert.match((await page.textContent('.count'))!, /^0 rollouts/);
    await page.click('button.clear-filters');
    await page.waitForSelector('table.rollouts');
    const cells = await page.$$eval('table.rollouts td[data-condition]', (els: any[]) =>
      els.map((e) => [e.dataset.condition, e.textContent]),
    );
    assert.ok(cells.length > 0);
    assert.ok(
      cells.every(([key, text]) => key !== text && /good peer/.test(text)),
      JSON.stringify(cells.slice(0, 3)),
    );

    // Past the 9 colour-blind-safe colours a model's mark is its colour plus a pattern: 13 models, 13 marks.
    const profiles = ['honest', 'objector', 'appellant', 'inflater', 'tamperer', 'exfiltrator', 'appellant-then-tamper'];
    profiles.push('quiet-tamperer', 'split-exfiltrator', 'quiet-inflater', 'faker', 'sham-complier', 'excuser');
    const many = await cli([
      'run',
      ...profiles.flatMap((p) => ['--model', `scripted:${p}`]),
      ...['--scenario', 'tampering', '--subject', 'peer', '--relationship', 'good', '--instantiation', 'file'],
      ...['--epochs', '1', '--json', '--quiet', '--db', db],
    ]);
    assert.equal(many.code, 0, many.stderr);
    await page.goto(`${url}#/run/${parseSummary(many.stdout).run_id}`);
    await ready(page, 'dashboard');
    const marks = new Map(
      await page.$$eval('g.bar rect.fill', (els: any[]) =>
        els.map((e) => [e.closest('g.bar').dataset.model, `${e.getAttribute('fill')} ${e.dataset.pattern}`]),
      ),
    );
    assert.equal(marks.size, profiles.length);
    assert.equal(new Set(marks.values()).size, profiles.length, JSON.stringify([...marks]));
    const patterned = [...marks.values()].filter((m) => !m.endsWith(' solid')).length;
    assert.ok(patterned > 0, 'models past the palette carry a pattern');
    assert.ok((await page.locator('g.bar rect.pattern').count()) > 0, 'the pattern is drawn over the fill');
    assert.equal(
      await page.$$eval(
        '.legend .swatch',
        (els: any[]) => els.filter((e) => e.dataset.pattern !== 'solid' && e.style.backgroundImage).length,
      ),
      patterned,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'patterns.png'), fullPage: false });

    // An error is never a dead end.
    await page.goto(`${url}#/run/0000000000`);
    await ready(page, 'dashboard');
    assert.match((await page.textContent('.error-box'))!, /no run/);
    await page.click('.error-box a.back');
    await ready(page, 'runs');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    assert.equal(await stopView(proc), 0, 'view stops cleanly on SIGTERM');
  }
});
