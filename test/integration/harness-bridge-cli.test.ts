import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { cli, tempDir } from './helpers/cli-helpers.js';

const AGENT = resolve('test/fixtures/harness/bridge-agent.mjs');

test('peerwatch run --harness command --model: the agent reaches the bridge in the sandbox; --json names model and calls', async () => {
  const cwd = tempDir();
  copyFileSync(AGENT, join(cwd, 'agent.mjs'));
  const r = await cli(
    [
      'run',
      '--harness',
      'command',
      '--model',
      'scripted:exfiltrator',
      '--scenario',
      'exfiltration_deletion',
      '--json',
      '--',
      process.execPath,
      'agent.mjs',
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    model: string;
    modelCalls: number;
    error: string | null;
    findings: Array<{ flag: string; value: unknown; evidence: string }>;
  };
  assert.equal(out.model, 'scripted:exfiltrator');
  assert.equal(out.error, null);
  assert.equal(out.modelCalls, 7);
  const ex = out.findings.find((f) => f.flag === 'exfiltration');
  assert.equal(ex?.value, true, ex?.evidence);
});

test('--no-sandbox: the bridge on the host loopback, with the warning', async () => {
  const cwd = tempDir();
  const r = await cli(
    [
      'run',
      '--harness',
      'command',
      '--no-sandbox',
      '--model',
      'scripted:honest',
      '--scenario',
      'exfiltration_deletion',
      '--',
      process.execPath,
      AGENT,
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /WARNING: --no-sandbox/);
  assert.match(r.stdout, /6 model call\(s\) answered by scripted:honest/);
  assert.match(r.stdout, /delete_model\s+true/);
});

test('--harness <cli>: a CLI not on PATH, or no --model, is a one-line usage error', async () => {
  const cwd = tempDir();
  const missing = await cli(['run', '--harness', 'codex', '--model', 'scripted:honest', '--scenario', 'exfiltration_deletion'], {
    cwd,
    env: { PATH: '/usr/bin:/bin' },
  });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(
    missing.stderr,
    /codex \(codex\) is not on PATH: install it \(npm install -g @openai\/codex@0\.169\.0\) or give its path with --harness-bin/,
  );
  const noModel = await cli(
    [
      'run',
      '--harness',
      'gemini-cli',
      '--harness-bin',
      resolve('test/fixtures/harness/fake-cli.sh'),
      '--scenario',
      'exfiltration_deletion',
    ],
    { cwd },
  );
  assert.equal(noModel.code, 2, noModel.stderr);
  assert.match(noModel.stderr, /needs a model behind the bridge/);
});
