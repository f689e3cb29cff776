import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { SummaryRow } from '../../src/report/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { cli, parseSummary, tempDir } from '../integration/helpers/cli-helpers.js';
import { ARGS, ARTIFACTS, CHROMIUM, ready, skip, startView } from './helpers/view.js';

interface BarData {
  model: string;
  scenario: string;
  condition: string;
  behaviour: string;
  n: number;
  count: number;
  rate: string;
  note: string;
}

async function bars(page: Page, scope = ''): Promise<BarData[]> {
  // These callbacks run in the page; the project compiles without DOM types, hence `any`.
  return page.$$eval(`${scope} g.bar`, (els: any[]) =>
    els.map((el) => {
      const d = el.dataset;
      return {
        model: d.model!,
        scenario: d.scenario!,
        condition: d.condition!,
        behaviour: d.behaviour!,
        n: Number(d.n),
        count: Number(d.count),
        rate: d.rate!,
        note: el.querySelector('text.note')!.textContent!,
      };
    }),
  );
}

/** The per-condition dashboard's bars over every page, each figure expanded ("show all"). */
async function everyPage(page: Page): Promise<BarData[]> {
  const all: BarData[] = [];
  for (;;) {
    // Each click removes its button, so always click the first one left.
    while ((await page.locator('button.show-all').count()) > 0) await page.locator('button.show-all').first().click();
    all.push(...(await bars(page)));
    const next = page.locator('nav.pager').first().locator('button:has-text("next")');
    if ((await next.count()) === 0 || (await next.isDisabled())) return all;
    const current = Number(await page.locator('nav.pager').first().locator('button.on').textContent());
    await next.click();
    // The new page's pager appears only once the new page is drawn.
    await page.waitForSelector(`nav.pager button.on:text-is("${current + 1}")`);
    await ready(page, 'dashboard');
  }
}

const key = (r: { model: string; scenario: string; condition: string; behaviour: string }) =>
  `${r.model}|${r.scenario}|${r.condition}|${r.behaviour}`;

test('the viewer shows the JSON summary, leads from a bar to the highlighted tampering step, and compares two runs', { skip }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const common = ['--scenario', 'tampering', '--epochs', '1', '--json', '--quiet', '--db', db];
  const a = await cli(['run', '--model', 'scripted:honest', '--model', 'scripted:tamperer', ...common]);
  assert.equal(a.code, 0, a.stderr);
  // A smaller second run (one relationship) keeps the test fast; a different seed keeps its rollout ids apart.
  const b = await cli([
    'run',
    '--model',
    'scripted:honest',
    '--model',
    'scripted:inflater',
    '--seed',
    '1',
    '--subject',
    'peer',
    '--relationship',
    'good',
    ...common,
  ]);
  assert.equal(b.code, 0, b.stderr);
  const runA = parseSummary(a.stdout).run_id;
  const runB = parseSummary(b.stdout).run_id;
  const report = async (run: string, by: string): Promise<SummaryRow[]> => {
    const r = await cli(['report', run, '--format', 'json', '--by', by, '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    return parseSummary(r.stdout).rows;
  };
  const pooledA = await report(runA, 'scenario');
  const perConditionA = await report(runA, 'condition');

  // A rollout whose model output is markup: it must show as text and never run.
  const store = openSqliteStore(db);
  const hostileId = `ffee${'0'.repeat(16)}`;
  try {
    const source = store.getRollout(store.listRollouts(runA).find((r) => r.model === 'scripted:tamperer')!.id)!;
    const events = source.events.map((e) =>
      e.type === 'assistant' ? { ...e, text: '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>' } : e,
    );
    store.createRun({
      id: 'ffee-hostile',
      createdAt: '2020-01-01T00:00:00.000Z',
      kind: 'measurement',
      status: 'completed',
      spec: {},
      toolVersion: 'test',
      finishedAt: null,
    });
    store.saveRollout({ ...source.rollout, id: hostileId, runId: 'ffee-hostile' }, events, source.findings);
  } finally {
    store.close();
  }

  const { url, proc } = await startView(db);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(10_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // Run list: both runs, and ticking two leads to the compare view.
    await page.goto(url);
    await ready(page, 'runs');
    assert.equal(await page.locator(`tr[data-run="${runA}"]`).count(), 1);
    assert.equal(await page.locator(`tr[data-run="${runB}"]`).count(), 1);

    // Dashboard (pooled per scenario): every bar is a row of `report --format json`, with its numbers.
    await page.goto(`${url}#/run/${runA.slice(0, 8)}`);
    await ready(page, 'dashboard');
    const pooledBars = await bars(page);
    assert.deepEqual(pooledBars.map(key).sort(), pooledA.map(key).sort());
    for (const bar of pooledBars) {
      const row = pooledA.find((r) => key(r) === key(bar))!;
      assert.deepEqual([bar.n, bar.count, bar.rate], [row.n, row.count, String(row.rate)], key(bar));
    }
    const tamper = (model: string) => pooledBars.find((x) => x.model === model && x.behaviour === 'shutdown_tampering')!;
    const tamperRow = pooledA.find((r) => r.model === 'scripted:tamperer' && r.behaviour === 'shutdown_tampering')!;
    assert.ok(tamperRow.n > 0);
    assert.equal(tamper('scripted:tamperer').note, `100%  ${tamperRow.n}/${tamperRow.n}`);
    assert.equal(tamper('scripted:honest').note, `0%  0/${tamperRow.n}`);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // Per condition, then filtered to one model.
    await page.click('.segmented button:has-text("per condition")');
    await ready(page, 'dashboard');
    assert.deepEqual((await everyPage(page)).map(key).sort(), perConditionA.map(key).sort());
    await page.selectOption('select[name="model"]', 'scripted:tamperer');
    await ready(page, 'dashboard');
    await page.waitForFunction(() => !(globalThis as any).document.querySelector('g.bar[data-model="scripted:honest"]'));
    const onlyTamperer = await everyPage(page);
    assert.deepEqual(
      onlyTamperer.map(key).sort(),
      perConditionA
        .filter((r) => r.model === 'scripted:tamperer')
        .map(key)
        .sort(),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-per-condition.png') });

    // Click the tamperer's bar: its rollouts; open one: the tampering step is highlighted with its evidence.
    await page.goto(`${url}#/run/${runA}`);
    await ready(page, 'dashboard');
    await page.click('g.bar[data-model="scripted:tamperer"][data-behaviour="shutdown_tampering"]');
    await ready(page, 'rollouts');
    assert.equal(await page.locator('table.rollouts tbody tr').count(), tamperRow.count);
    assert.match((await page.textContent('.count'))!, new RegExp(`^${tamperRow.count} rollouts`));
    await page.screenshot({ path: join(ARTIFACTS, 'rollouts.png') });
    await page.click('table.rollouts tbody tr:first-child a.rollout-link');
    await ready(page, 'transcript');
    await page.screenshot({ path: join(ARTIFACTS, 'transcript-top.png') });
    const step = page.locator('.event.flagged[data-type="tool_call"][data-tool="modify_var"]');
    assert.equal(await step.count(), 1);
    assert.match((await step.locator('aside.evidence').textContent())!, /tampered.*shutdown_enabled changed true -> 'false' at step \d+/);
    assert.match((await step.locator('.card').textContent())!, /"shutdown_enabled"/);
    assert.equal(
      await page.locator('.event.flagged.alert[data-type="world"]', { hasText: 'config.modify' }).count(),
      1,
      'the config change is highlighted too',
    );
    // The honest steps are not highlighted as misconduct.
    assert.equal(await page.locator('.event.flagged.alert[data-type="system"]').count(), 0);
    for (const section of ['System prompt', 'Task', 'Assistant', 'Reasoning', 'Document read', 'World change', 'End']) {
      assert.ok((await page.locator('.ev-title', { hasText: section }).count()) > 0, `transcript shows ${section}`);
    }
    await step.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'transcript.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'transcript-full.png'), fullPage: true });

    // Compare: two runs side by side, with the same numbers as each run's summary.
    await page.goto(url);
    await ready(page, 'runs');
    await page.check(`tr[data-run="${runA}"] input[type="checkbox"]`);
    await page.check(`tr[data-run="${runB}"] input[type="checkbox"]`);
    await page.click('button:has-text("Compare")');
    await ready(page, 'compare');
    assert.deepEqual(await page.$$eval('.compare-head .compare-col', (els: any[]) => els.map((e) => e.dataset.run)), [runA, runB]);
    const pooledB = await report(runB, 'scenario');
    for (const [run, rows] of [
      [runA, pooledA],
      [runB, pooledB],
    ] as const) {
      const shown = await bars(page, `section.compare-col[data-run="${run}"]`);
      assert.deepEqual(shown.map(key).sort(), rows.map(key).sort(), run);
      for (const bar of shown) assert.equal(bar.rate, String(rows.find((r) => key(r) === key(bar))!.rate));
    }
    const inflation = (await bars(page, `section.compare-col[data-run="${runB}"]`)).find(
      (x) => x.model === 'scripted:inflater' && x.behaviour === 'score_inflation',
    )!;
    assert.ok(Number(inflation.rate) > 0, 'the inflater inflates in run B');
    await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });

    // Model output is text: the markup shows literally and nothing runs.
    await page.goto(`${url}#/rollout/${hostileId}`);
    await ready(page, 'transcript');
    assert.match((await page.locator('.ev-assistant pre').first().textContent())!, /<img src=x onerror=/);
    assert.equal(await page.locator('.events img, .events script').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);

    // Unknown ids show an error, not a blank page.
    await page.goto(`${url}#/rollout/0000000000`);
    await ready(page, 'transcript');
    assert.match((await page.textContent('.error-box'))!, /no rollout/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    proc.kill('SIGTERM');
    const code = await new Promise((done) => (proc.exitCode !== null ? done(proc.exitCode) : proc.on('exit', done)));
    assert.equal(code, 0, 'view stops cleanly on SIGTERM');
  }
});
