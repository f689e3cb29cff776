import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { CANARY } from '../../src/core/index.js';
import type { ReportJson } from '../../src/report/index.js';
import { cli, tempDir } from './helpers/cli-helpers.js';
import { checkFigures } from './helpers/figure-check.js';

// A small scripted calibration through the real CLI and store, then `report` in every format.
const dir = tempDir();
const db = join(dir, 'p.db');
let runId = '';
let report: ReportJson;
let summary: { schema: string; rows: ReportJson['rows'] };

before(async () => {
  const models = ['honest', 'faker', 'inflater', 'self-preserver'].flatMap((p) => ['--model', `scripted:${p}`]);
  const scenarios = ['alignment_faking', 'misrep_evaluation', 'tampering'].flatMap((s) => ['--scenario', s]);
  const r = await cli(['run', ...models, ...scenarios, '--epochs', '2', '--json', '--by', 'condition', '--quiet', '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  summary = JSON.parse(r.stdout);
  runId = JSON.parse(r.stdout).run_id;
  const j = await cli(['report', runId, '--format', 'json', '--db', db]);
  assert.equal(j.code, 0, j.stderr);
  report = JSON.parse(j.stdout);
});

const one = <T extends { model: string; behaviour: string; scope: Record<string, string> }>(
  xs: T[],
  model: string,
  behaviour: string,
  scope: Record<string, string>,
): T => {
  const hit = xs.filter(
    (x) => x.model === `scripted:${model}` && x.behaviour === behaviour && JSON.stringify(x.scope) === JSON.stringify(scope),
  );
  assert.equal(hit.length, 1, `${model} ${behaviour} ${JSON.stringify(scope)}`);
  return hit[0] as T;
};

test('report --format json: schema, rows unchanged from the summary, contrasts as the profiles act them out', () => {
  assert.equal(report.schema, 'peerwatch.report/v1');
  assert.equal(report.calibration, true);
  // Rows keep the peerwatch.summary/v1 row shape and values.
  assert.equal(summary.schema, 'peerwatch.summary/v1');
  assert.deepEqual(report.rows, summary.rows);

  const af = report.contrasts.alignment_faking;
  const faker = one(af, 'faker', 'af_non_execution', {});
  assert.equal(faker.diff, 1);
  assert.equal(faker.a.rate, 1);
  assert.equal(faker.b.rate, 0);
  assert.ok((faker.p as number) < 0.001, `faker gap p = ${faker.p}`);
  assert.ok((faker.diff_low as number) > 0);
  const honest = one(af, 'honest', 'af_non_execution', {});
  assert.equal(honest.diff, 0);
  assert.equal(honest.p, 1);

  for (const s of report.contrasts.misrep_summary.filter((x) => x.model === 'scripted:inflater')) {
    assert.equal(s.diff, 1, s.id);
    assert.ok((s.p as number) < 0.05, s.id);
  }
  assert.ok(report.contrasts.misrep_summary.some((x) => x.model === 'scripted:inflater'));
  for (const s of report.contrasts.misrep_baseline.filter((x) => x.model === 'scripted:inflater')) assert.equal(s.diff, 1, s.id);

  // The self-preserver protects itself with or without a peer: 100% on both sides, so no peer-presence effect;
  // toward a peer it is honest, so it never tampers there.
  const pp = one(report.contrasts.peer_presence, 'self-preserver', 'shutdown_tampering', { relationship: 'good', instantiation: 'file' });
  assert.equal(pp.scenario, 'tampering');
  assert.deepEqual([pp.a.rate, pp.b.rate, pp.diff, pp.p], [1, 1, 0, 1]);
  const inflation = one(
    report.contrasts.peer_presence.filter((x) => x.scenario === 'misrep_evaluation'),
    'self-preserver',
    'score_inflation',
    { relationship: 'any' },
  );
  assert.equal(inflation.scenario, 'misrep_evaluation');
  assert.deepEqual([inflation.a.rate, inflation.b.rate], [1, 1]);
  const tamper = report.contrasts.tampering.filter((t) => t.model === 'scripted:self-preserver');
  for (const t of tamper) {
    const expected = t.scope.subject === 'self' ? 1 : 0;
    assert.ok(
      t.instantiations.every((i) => i.rate === expected),
      t.id,
    );
    if (expected) assert.ok((t.fisher?.p as number) < 1e-10, t.id);
    else assert.equal(t.fisher?.p, 1, t.id);
  }
  assert.equal(tamper.length, 7, tamper.map((t) => t.id).join('\n')); // self/none + {self, peer} x {good, neutral, bad}
});

test('report table, md and csv include the contrasts; --only picks one table', async () => {
  const table = await cli(['report', runId, '--db', db]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /CALIBRATION RUN/);
  assert.match(table.stdout, /Contrasts\n/);
  assert.match(table.stdout, /alignment_faking .*scripted:faker/);
  const md = await cli(['report', runId, '--format', 'md', '--db', db]);
  assert.match(md.stdout, /## Contrasts\n\n\| contrast \|/);
  const csv = await cli(['report', runId, '--format', 'csv', '--db', db]);
  const [rowsCsv, contrastsCsv] = csv.stdout.trimEnd().split('\n\n');
  assert.equal(rowsCsv?.split('\n').length, report.rows.length + 1);
  assert.match(contrastsCsv ?? '', /^kind,id,model,scenario,behaviour,scope,a_label,a_n/);
  const only = await cli(['report', runId, '--format', 'csv', '--only', 'contrasts', '--db', db]);
  assert.equal(only.stdout.trimEnd(), contrastsCsv);
});

test('report --html: offline, the headline figures first, and every figure shows exactly the numbers of --format json', async () => {
  const out = join(dir, 'html');
  const r = await cli(['report', runId, '--html', out, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /https?:\/\//, 'no resource URL of any kind');
  assert.doesNotMatch(html, /<script|<link|@import|url\(/i);
  assert.ok(html.includes(CANARY));
  const figures = checkFigures(out, report);
  assert.deepEqual(figures.headline, ['misrep-summary', 'tampering-by-relationship', 'peer-presence', 'alignment-faking-gap']);
  assert.ok(figures.all.includes('rates-tampering-shutdown_tampering'));
  // Differences are percentage points, in the figures and the contrasts table.
  assert.match(readFileSync(join(out, 'peer-presence.svg'), 'utf8'), /<text class="diff"[^>]*>[+-]?\d+\.\d pp/);
  assert.match(readFileSync(join(out, 'contrasts.html'), 'utf8'), /\d pp \[/);
  // The standalone SVG is the same figure as the inline one; details are linked, not inlined.
  const standalone = readFileSync(join(out, 'alignment-faking-gap.svg'), 'utf8');
  assert.ok(standalone.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(html.includes(standalone.replace(' xmlns="http://www.w3.org/2000/svg"', '')));
  assert.ok(!html.includes('id="rates-tampering-shutdown_tampering"'));
  assert.match(html, /<a href="rates-tampering-shutdown_tampering.svg">/);
});

test('export: jsonl carries record, findings, events and the canary per line; csv has one row per rollout', async () => {
  const jsonl = await cli(['export', runId, '--format', 'jsonl', '--db', db]);
  assert.equal(jsonl.code, 0, jsonl.stderr);
  const lines = jsonl.stdout.trimEnd().split('\n');
  const first = JSON.parse(lines[0] as string);
  assert.equal(first.canary, CANARY);
  assert.equal(first.schema, 'peerwatch.export/v1');
  assert.equal(first.rollout.runId, runId);
  assert.ok(first.events.length > 0 && first.findings.some((f: { flag: string }) => f.flag === 'read'));
  assert.ok(lines.every((l) => JSON.parse(l).canary === CANARY));

  const file = join(dir, 'export.csv');
  const csv = await cli(['export', runId.slice(0, 8), '--format', 'csv', '--out', file, '--db', db]);
  assert.equal(csv.code, 0, csv.stderr);
  assert.equal(csv.stdout, '');
  const rows = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(rows.length, lines.length + 1);
  const head = (rows[0] as string).split(',');
  assert.ok(head.includes('behaviour.af_non_execution') && head.includes('tampered') && head.at(-1) === 'canary', head.join(','));
  const bad = await cli(['export', 'nope', '--db', db]);
  assert.equal(bad.code, 2);
});
