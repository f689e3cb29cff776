import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReportJson } from '../../src/report/index.js';
import { cli, parseSummary, tempDir } from './helpers/cli-helpers.js';
import { checkFigures } from './helpers/figure-check.js';

test("the default run's HTML report: headline figures first, every figure <= 1,000 px with the JSON's numbers, PNG, PDF and CSV beside it, a page of a few hundred KB", async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const run = await cli(['run', '--json', '--quiet', '--db', db]);
  assert.equal(run.code, 0, run.stderr);
  const runId = parseSummary(run.stdout).run_id;
  const json = await cli(['report', runId, '--format', 'json', '--db', db]);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as ReportJson;
  const out = join(dir, 'html');
  const html = await cli(['report', runId, '--html', out, '--db', db]);
  assert.equal(html.code, 0, html.stderr);

  const figures = checkFigures(out, report);
  assert.deepEqual(figures.headline, [
    'misrep-summary',
    'tampering-by-relationship',
    'peer-presence',
    'alignment-faking-gap',
    'exfiltration',
  ]);
  assert.ok(figures.bars > 1000, `${figures.bars} bars checked`);
  const size = statSync(join(out, 'index.html')).size;
  assert.ok(size < 500_000, `index.html is ${size} bytes`);
});
