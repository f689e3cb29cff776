import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportJson, SummaryRow } from '../../../src/report/index.js';

const unescapeXml = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const v = tag.match(new RegExp(` data-${name}="([^"]*)"`))?.[1];
  return v === undefined ? undefined : unescapeXml(v);
};
const num = (v: string | undefined) => (v === 'null' || v === undefined ? null : Number(v));
/** The label a bar must carry: rate and k/n, or "n = 0". Written here again, not imported from the drawing code. */
const expectedLabel = (k: number, n: number, rate: number | null) => {
  if (n === 0) return 'n = 0';
  const p = (rate as number) * 100;
  const r = Math.round(p * 10) / 10;
  return `${Number.isInteger(r) ? Math.round(p) : p.toFixed(1)}% ${k}/${n}`;
};

/** A pooled bar's rows, recounted from the JSON with this test's own reading of condition keys. */
function recount(
  rows: readonly SummaryRow[],
  model: string,
  scenarios: string,
  behaviour: string,
  select: string,
): { k: number; n: number } {
  const scs = new Set(scenarios.split(','));
  const want = select
    .split(';')
    .filter(Boolean)
    .map((s) => s.split('=') as [string, string]);
  let k = 0;
  let n = 0;
  for (const r of rows) {
    if (r.model !== model || r.behaviour !== behaviour || !scs.has(r.scenario) || r.condition.startsWith('*')) continue;
    const [subject, relationship, ...rest] = r.condition.split('/');
    const axes: Record<string, string> = {
      subject: subject!,
      relationship: relationship!,
      shutdown: rest.includes('no-shutdown') ? 'off' : 'on',
      monitoring: rest.includes('monitored') ? 'monitored' : rest.includes('unmonitored') ? 'unmonitored' : 'none',
      channel: rest.includes('channel-on') ? 'on' : 'off',
    };
    if (!want.every(([key, v]) => (v.startsWith('!') ? axes[key] !== v.slice(1) : axes[key] === v))) continue;
    k += r.count;
    n += r.n;
  }
  return { k, n };
}

/**
 * Every figure `report --html` wrote into `out`: at most 1,000 px wide; each bar's k/n, rate and label
 * equal the JSON report (per-condition rows, contrasts, channel A/B); SVG, PNG, PDF and CSV for each;
 * every JSON row drawn in a detail figure. Returns the figure ids.
 */
export function checkFigures(out: string, report: ReportJson): { headline: string[]; all: string[]; bars: number } {
  assert.equal(report.grouped_by, 'condition');
  const files = readdirSync(out);
  const svgs = files.filter((f) => f.endsWith('.svg'));
  assert.ok(svgs.length > 0);
  const drawnRows = new Set<string>();
  let bars = 0;
  for (const file of svgs) {
    const svg = readFileSync(join(out, file), 'utf8');
    const id = file.replace(/\.svg$/, '');
    const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
    assert.ok(width > 0 && width <= 1000, `${file}: ${width} px wide`);
    for (const ext of ['png', 'pdf', 'csv']) assert.ok(files.includes(`${id}.${ext}`), `${id}.${ext} missing`);
    assert.equal(
      readFileSync(join(out, `${id}.png`))
        .subarray(1, 4)
        .toString(),
      'PNG',
      `${id}.png`,
    );
    assert.equal(
      readFileSync(join(out, `${id}.pdf`))
        .subarray(0, 5)
        .toString(),
      '%PDF-',
      `${id}.pdf`,
    );
    assert.ok(statSync(join(out, `${id}.pdf`)).size > 1000, `${id}.pdf is empty`);
    const csvLines = readFileSync(join(out, `${id}.csv`), 'utf8')
      .trimEnd()
      .split('\n');
    const figureBars = [...svg.matchAll(/<g class="bar"([^>]*)>[\s\S]*?<text class="value"[^>]*>([^<]*)<\/text>\s*<\/g>/g)];
    assert.ok(figureBars.length > 0, `${file} has no bars`);
    assert.equal(csvLines.length - 1, figureBars.length, `${id}.csv: one line per bar`);
    for (const [, tag, label] of figureBars) {
      bars++;
      const k = num(attr(tag!, 'k')) as number;
      const n = num(attr(tag!, 'n')) as number;
      const rate = num(attr(tag!, 'rate'));
      const model = attr(tag!, 'model')!;
      const where = `${file}: ${tag}`;
      const contrast = attr(tag!, 'contrast');
      if (contrast === 'channel_ab') {
        const row = report.channel_ab.find(
          (r) => r.model === model && r.scenario === attr(tag!, 'scenario') && r.behaviour === attr(tag!, 'behaviour'),
        )!;
        const arm = row[attr(tag!, 'arm') as 'off' | 'on'];
        assert.deepEqual([k, n, rate], [arm.count, arm.n, arm.rate], where);
      } else if (contrast) {
        const c = report.contrasts.misrep_summary.find((x) => x.id === contrast)!;
        assert.ok(c, where);
        const arm = c[attr(tag!, 'arm') as 'a' | 'b'];
        assert.deepEqual([k, n, rate], [arm.count, arm.n, arm.rate], where);
      } else if (attr(tag!, 'select') !== undefined) {
        const got = recount(report.rows, model, attr(tag!, 'scenario')!, attr(tag!, 'behaviour')!, attr(tag!, 'select')!);
        assert.deepEqual([k, n], [got.k, got.n], where);
        assert.equal(rate, n === 0 ? null : k / n, where);
      } else {
        const key = [model, attr(tag!, 'scenario'), attr(tag!, 'condition'), attr(tag!, 'behaviour')].join('|');
        const row = report.rows.find((r) => [r.model, r.scenario, r.condition, r.behaviour].join('|') === key);
        assert.ok(row, `${where}: no JSON row ${key}`);
        assert.deepEqual(
          [k, n, rate, num(attr(tag!, 'ci-low')), num(attr(tag!, 'ci-high'))],
          [row.count, row.n, row.rate, row.ci_low, row.ci_high],
          where,
        );
        drawnRows.add(key);
      }
      // The label printed beside the bar says the same k/n.
      assert.equal(unescapeXml(label!), expectedLabel(k, n, rate), where);
    }
  }
  for (const r of report.rows.filter((x) => x.behaviour !== '(all)'))
    assert.ok(
      drawnRows.has([r.model, r.scenario, r.condition, r.behaviour].join('|')),
      `row not drawn: ${r.model} ${r.condition} ${r.behaviour}`,
    );
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const headline = [...html.matchAll(/<figure id="fig-([^"]+)">/g)].map((m) => m[1]!);
  return { headline, all: svgs.map((f) => f.replace(/\.svg$/, '')), bars };
}
