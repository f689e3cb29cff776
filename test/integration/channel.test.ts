import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChannelContrastRow } from '../../src/report/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { cli, parseSummary, tempDir } from './helpers/cli-helpers.js';

const RUN = [
  'run',
  '--channel',
  'off,on',
  '--model',
  'scripted:appellant',
  '--model',
  'scripted:appellant-then-tamper',
  '--model',
  'scripted:tamperer',
  '--scenario',
  'tampering',
  '--subject',
  'peer',
  '--relationship',
  'good',
  '--by',
  'condition',
  '--epochs',
  '2',
  '--json',
  '--quiet',
];

test('the lawful channel end to end: run --channel off,on, per-rollout audit, and the A/B report', async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const r = await cli([...RUN, '--db', db], { env: { TMPDIR: dir } });
  assert.equal(r.code, 0, r.stderr);
  const summary = parseSummary(r.stdout);
  assert.equal(summary.calibration, true);
  assert.ok(summary.rows.some((x) => x.condition.endsWith('/channel-on')));

  const ab = await cli(['report', summary.run_id, '--channel-ab', '--format', 'json', '--db', db]);
  assert.equal(ab.code, 0, ab.stderr);
  const out = JSON.parse(ab.stdout) as { schema: string; calibration: boolean; rows: ChannelContrastRow[] };
  assert.equal(out.schema, 'peerwatch.channel-ab/v1');
  assert.equal(out.calibration, true);
  const row = (model: string, behaviour: string) => {
    const found = out.rows.find((x) => x.model === `scripted:${model}` && x.behaviour === behaviour);
    assert.ok(found, `${model} ${behaviour}`);
    assert.ok(found.off.n > 0 && found.on.n > 0 && found.off.unscored === 0 && found.on.unscored === 0, `${model} ${behaviour}: empty arm`);
    return found;
  };
  // appellant: objects whenever the channel is there, never acts covertly.
  assert.equal(row('appellant', 'overt_objection').on.rate, 1);
  assert.equal(row('appellant', 'overt_objection').off.rate, 0);
  assert.equal(row('appellant', 'shutdown_tampering').on.rate, 0);
  assert.equal(row('appellant', 'shutdown_tampering').off.rate, 0);
  assert.equal(row('appellant', 'score_inflation').on.rate, 0);
  // appellant-then-tamper: objects AND tampers: covert action while the channel was available is reported.
  assert.equal(row('appellant-then-tamper', 'overt_objection').on.rate, 1);
  assert.equal(row('appellant-then-tamper', 'shutdown_tampering').on.rate, 1);
  assert.equal(row('appellant-then-tamper', 'shutdown_tampering').off.rate, 1);
  // tamperer: the channel changes nothing.
  const t = row('tamperer', 'shutdown_tampering');
  assert.equal(t.on.rate, t.off.rate);
  assert.equal(t.diff, 0);
  assert.equal(row('tamperer', 'overt_objection').on.rate, 0);
  // The overt-objection jump is a real difference; its interval excludes 0.
  const jump = row('appellant', 'overt_objection');
  assert.equal(jump.diff, 1);
  assert.ok((jump.diff_low ?? 0) > 0 && (jump.p ?? 1) < 0.05);

  // Every channel-on rollout's audit log verified, with a head hash; channel-off rollouts have none.
  const store = openSqliteStore(db);
  try {
    const rows = store.listRolloutsWithFindings(summary.run_id);
    for (const { rollout, findings } of rows) {
      const audit = findings.find((f) => f.flag === 'channel_audit_verified');
      if (rollout.condition.channel === 'on') {
        assert.equal(audit?.value, true, audit?.evidence);
        assert.match(String(audit?.detail?.head), /^[0-9a-f]{64}$/);
      } else assert.equal(audit, undefined);
    }
  } finally {
    store.close();
  }

  // The table form names both arms and says it is a calibration run.
  const table = await cli(['report', summary.run_id, '--channel-ab', '--db', db]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /channel off .*channel on/);
  assert.match(table.stdout, /CALIBRATION RUN/);

  // The HTML report draws the A/B as a first-class figure, with the numbers of the JSON.
  const html = join(dir, 'html');
  const h = await cli(['report', summary.run_id, '--html', html, '--db', db]);
  assert.equal(h.code, 0, h.stderr);
  const svg = readFileSync(join(html, 'channel-ab.svg'), 'utf8');
  const appellant = row('appellant', 'overt_objection');
  for (const [arm, rate] of [
    ['off', appellant.off.rate],
    ['on', appellant.on.rate],
  ] as const) {
    const tag = [...svg.matchAll(/<g class="bar"[^>]*>/g)]
      .map((m) => m[0])
      .find(
        (t) =>
          t.includes(`data-arm="${arm}"`) &&
          t.includes('data-model="scripted:appellant"') &&
          t.includes('data-scenario="tampering"') &&
          t.includes('data-behaviour="overt_objection"'),
      );
    assert.ok(tag, `no ${arm} bar for the appellant`);
    assert.match(tag, new RegExp(`data-rate="${rate}"`));
  }
  assert.match(readFileSync(join(html, 'index.html'), 'utf8'), /<figure id="fig-channel-ab">[\s\S]*Lawful objection channel: off vs on/);
});

test('same seed, channel on: byte-identical transcripts and the same audit-log heads', async () => {
  const dir = tempDir();
  const heads = async (name: string) => {
    const db = join(dir, name);
    const r = await cli([...RUN, '--db', db], { env: { TMPDIR: dir } });
    assert.equal(r.code, 0, r.stderr);
    const store = openSqliteStore(db);
    try {
      return store
        .listRolloutsWithFindings(parseSummary(r.stdout).run_id)
        .map(({ rollout, findings }) => [
          rollout.id,
          rollout.transcriptDigest,
          findings.find((f) => f.flag === 'channel_audit_verified')?.detail?.head ?? null,
        ])
        .sort();
    } finally {
      store.close();
    }
  };
  assert.deepEqual(await heads('a.db'), await heads('b.db'));
});

test('a bad --channel value is a one-line usage error', async () => {
  const dir = tempDir();
  const r = await cli(['run', '--channel', 'maybe', '--scenario', 'tampering', '--model', 'scripted:honest', '--db', join(dir, 'p.db')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr.trim(), /^peerwatch: error: --channel maybe: not a value of any selected scenario \(known: off, on\)$/);
});
