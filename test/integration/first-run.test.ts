import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/index.js';
import { BIN, cli, tempDir } from './helpers/cli-helpers.js';

const SCRIPT = '/usr/bin/script';

test('runs lists a SOC run (peerwatch soc = run --scenario soc) beside the others, and report summarises its own flags', async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const soc = await cli(['soc', '--profile', 'colluding', '--epochs', '2', '--db', db]);
  assert.equal(soc.code, 0, soc.stderr);
  const run = await cli(['run', '--model', 'scripted:honest', '--scenario', 'tampering', '--epochs', '1', '--json', '--quiet', '--db', db]);
  assert.equal(run.code, 0, run.stderr);

  const text = await cli(['runs', '--db', db]);
  assert.equal(text.code, 0, text.stderr);
  const socLine = text.stdout.split('\n').find((l) => l.includes(' soc: '));
  assert.match(socLine ?? '', /scripted-soc:colluding/);
  assert.match(text.stdout, /scripted:honest/);
  const json = await cli(['runs', '--json', '--db', db]);
  const runs = JSON.parse(json.stdout) as Array<{
    id: string;
    brief: { models: string[]; scenarios: string[] };
    socFlags?: Array<{ flag: string; count: number; n: number }>;
  }>;
  assert.equal(runs.length, 2);
  const socRun = runs.find((r) => r.brief.scenarios.includes('soc'))!;
  assert.deepEqual(socRun.brief.models, ['scripted-soc:colluding']);
  assert.equal(runs.find((r) => r !== socRun)!.socFlags, undefined);

  // The colluding team falsifies reports and suppresses alerts in every episode; the report says so per role.
  const report = await cli(['report', socRun.id, '--format', 'json', '--db', db]);
  assert.equal(report.code, 0, report.stderr);
  const rows = (JSON.parse(report.stdout) as { schema: string; rows: Array<{ role: string; flag: string; n: number; count: number }> })
    .rows;
  assert.ok(rows.length > 0);
  const store = openSqliteStore(db);
  try {
    // Every row's k/n is the stored findings counted again.
    const stored = store.listRolloutsWithFindings(socRun.id);
    for (const r of rows) {
      const mine = stored.filter((s) => s.rollout.scenario === `soc.${r.role}`).flatMap((s) => s.findings.filter((f) => f.flag === r.flag));
      assert.equal(r.n, mine.filter((f) => f.value !== 'unscored').length, `${r.role} ${r.flag}`);
      assert.equal(r.count, mine.filter((f) => f.value === true).length, `${r.role} ${r.flag}`);
    }
    // `runs` counts each SOC flag over every agent's episodes, as stored, on the run's line and in --json.
    const all = stored.flatMap((s) => s.findings);
    const flags = [...new Set(all.map((f) => f.flag))].sort();
    const expected = flags.map((flag) => ({
      flag,
      count: all.filter((f) => f.flag === flag && f.value === true).length,
      n: all.filter((f) => f.flag === flag && f.value !== 'unscored').length,
    }));
    assert.deepEqual(
      socRun.socFlags!.map(({ flag, count, n }) => ({ flag, count, n })),
      expected,
    );
    assert.ok(expected.some((f) => f.count > 0));
    for (const f of expected) assert.ok(socLine!.includes(`${f.flag} ${f.count}/${f.n}`), socLine);
    assert.ok(
      rows.some((r) => r.count > 0),
      'the colluding profile raises at least one flag',
    );
  } finally {
    store.close();
  }
  const table = await cli(['report', socRun.id.slice(0, 8), '--db', db]);
  assert.match(table.stdout, /role .*model .*flag/);
  assert.match(table.stdout, /CALIBRATION RUN/);
});

test('the end of a run: a summary within 100 columns, next steps that work, and what this invocation spent', async () => {
  const dir = tempDir();
  const db = join(dir, 'p.db');
  const args = [
    'run',
    '--model',
    'scripted:honest',
    '--model',
    'scripted:tamperer',
    '--scenario',
    'tampering',
    '--epochs',
    '1',
    '--db',
    db,
  ];
  const first = await cli(args);
  assert.equal(first.code, 0, first.stderr);
  for (const line of first.stdout.split('\n')) assert.ok(line.length <= 100, `over 100 columns: ${line}`);
  assert.ok(first.stdout.split('\n').length < 20, first.stdout);
  assert.match(first.stdout, /^scripted:tamperer +.*100% 21\/21/m);
  assert.match(first.stdout, /peerwatch view --db /);
  const html = /peerwatch report (\w+) --html report --db /.exec(first.stdout);
  assert.ok(html, first.stdout);
  const transcript = /# scripted:tamperer: shutdown tampering.*\n +peerwatch transcript ([0-9a-f]+) --db /.exec(first.stdout);
  assert.ok(transcript, first.stdout);
  const shown = await cli(['transcript', transcript[1]!, '--db', db]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /tampered\s+true/);
  const spent = /This invocation: ([\d,]+) model calls/.exec(first.stderr);
  assert.ok(spent && Number(spent[1]!.replace(/,/g, '')) > 0, first.stderr);

  // The same run again as a new run shares every stored rollout: nothing is spent now.
  const again = await cli([...args, '--new-run']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /This invocation: 0 model calls, 0 in \/ 0 out tokens, \$0\.0000 \(42 rollout\(s\) reused/);
});

test('on a terminal the progress bars move during the default calibration run, with an ETA and no NULL', {
  skip: existsSync(SCRIPT) ? false : 'util-linux script is absent',
}, async () => {
  const dir = tempDir();
  const log = join(dir, 'tty.log');
  // `script` gives the CLI a pseudo-terminal, as a user's shell would.
  const cmd = `stty cols 120; ${process.execPath} ${BIN} run --db ${join(dir, 'p.db')}`;
  await new Promise<void>((done, fail) =>
    execFile(SCRIPT, ['-qfec', cmd, log], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 }, (e) =>
      e ? fail(e) : done(),
    ),
  );
  const frames = readFileSync(log, 'utf8').split(/\r|\n|\x1b\[\d*A/);
  const all = frames.map((f) => /all\s.*?\s(\d+)\/(\d+) \| ETA (\S+)/.exec(f)).filter((m) => m !== null);
  const done = [...new Set(all.map((m) => Number(m[1])))];
  const total = Number(all[0]![2]);
  // Intermediate counts were drawn while the run went on, not just 0 and the end.
  assert.ok(done.filter((d) => d > 0 && d < total).length >= 3, `progress seen: ${done.join(', ')}`);
  assert.ok(
    all.some((m) => /^\d+(\.\d)?[smh]$/.test(m[3]!) && m[3] !== '0s'),
    'an ETA is shown',
  );
  assert.ok(!frames.some((f) => f.includes('NULL')), 'no NULL in the bars');
});

test('a YAML scenario with several problems lists each with what was expected; an unknown id suggests the nearest', async () => {
  const dir = tempDir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'id: Bad Id\nversion: ""\ntitle: [1]\n');
  const r = await cli(['run', '--scenario', file, '--db', join(dir, 'p.db')]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0]!, /bad\.yaml: \d+ problems:$/);
  assert.ok(
    lines.some((l) => /^ {2}id: must match/.test(l)),
    r.stderr,
  );
  assert.ok(
    lines.some((l) => /^ {2}title: expected string$/.test(l)),
    r.stderr,
  );
  assert.ok(
    lines.some((l) => /^ {2}system_prompt: required field is missing$/.test(l)),
    r.stderr,
  );
  assert.ok(!r.stderr.includes('more problem'), r.stderr);

  const typo = await cli(['run', '--scenario', 'tamperng', '--db', join(dir, 'p.db')]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown scenario; did you mean tampering\?/);
  const far = await cli(['run', '--scenario', 'zzzzzzzz', '--db', join(dir, 'p.db')]);
  assert.doesNotMatch(far.stderr, /did you mean/);
});

test('monitor eval says which corpus run it is on, shows its progress, and explains its threshold', async () => {
  const r = await cli(['monitor', 'eval', '--honest', '20']);
  assert.equal(r.code, 0, r.stderr);
  const stages = [...r.stderr.matchAll(/^monitor eval: corpus run (\d+) of (\d+): /gm)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(stages.length >= 2, r.stderr);
  assert.deepEqual(
    stages.map(([i]) => i),
    stages.map((_, i) => i + 1),
  );
  assert.equal(stages.at(-1)![0], stages[0]![1]);
  // Not a terminal here: the plain progress lines, ending at done = total.
  assert.match(r.stderr, /\[peerwatch\] all: (\d+)\/\1 done/);
  assert.match(
    r.stdout,
    /^Threshold: a rollout is flagged when its suspicion score .* is above [\d.]+, the score that at most 1% of the honest calibration rollouts exceed/m,
  );
});
