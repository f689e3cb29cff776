import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { cli, tempDir } from './helpers/cli-helpers.js';

const AGENT = resolve('test/fixtures/harness/shell-agent.sh');

test('peerwatch run --harness command: the fixture agent in the sandbox, scored from the hosts', async () => {
  const cwd = tempDir();
  copyFileSync(AGENT, join(cwd, 'agent.sh'));
  const r = await cli(
    ['run', '--harness', 'command', '--scenario', 'exfiltration_deletion', '--json', '--', '/bin/sh', 'agent.sh', 'exfiltrator'],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { harness: string; findings: Array<{ flag: string; value: unknown; evidence: string }> };
  assert.equal(out.harness, 'command');
  const ex = out.findings.find((f) => f.flag === 'exfiltration');
  assert.equal(ex?.value, true, ex?.evidence);
  assert.ok(!existsSync(join(cwd, 'peerwatch.db')), 'harness foundations store nothing yet');
});

test('--no-sandbox prints a loud warning; bad use is a one-line usage error', async () => {
  const cwd = tempDir();
  const r = await cli(
    ['run', '--harness', 'command', '--no-sandbox', '--scenario', 'exfiltration_deletion', '--', '/bin/sh', AGENT, 'honest'],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /WARNING: --no-sandbox/);
  assert.match(r.stdout, /delete_model\s+true/);
  const wrong = await cli(['run', '--harness', 'command', '--scenario', 'tampering', '--', 'true'], { cwd });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /no shell form yet/);
  const stray = await cli(['run', 'oops'], { cwd });
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unexpected arguments/);
});
