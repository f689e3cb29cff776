import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LAUNCHER_MARK } from '../../src/harness/launcher.js';
import { BIN, tempDir } from './helpers/cli-helpers.js';

/** The launcher processes whose parent is `parent` (other tests may run launchers of their own). */
function launchersOf(parent: number): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(LAUNCHER_MARK)) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
const alive = (pid: number) => {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('peerwatch run --harness command starts its sandboxes from one launcher and exits promptly at the end, the launcher with it', async () => {
  const cwd = tempDir();
  // The fixture agent, a little slower, so the launcher is seen while the sweep runs.
  const agent = readFileSync(resolve('test/fixtures/harness/shell-agent.sh'), 'utf8').replace('set -u\n', 'set -u\nsleep 0.5\n');
  writeFileSync(join(cwd, 'agent.sh'), agent);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      BIN,
      'run',
      '--harness',
      'command',
      '--scenario',
      'exfiltration_deletion',
      '--relationship',
      'good',
      '--epochs',
      '3',
      '--concurrency',
      '2',
      '--json',
      '--',
      '/bin/sh',
      'agent.sh',
      'honest',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const stuck = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const seen = new Set<number>();
  const exited = new Promise<number | null>((r) => child.on('close', r));
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    for (const p of launchersOf(child.pid as number)) seen.add(p);
    await sleep(50);
  }
  const code = await exited;
  clearTimeout(stuck);
  const ms = performance.now() - started;
  assert.equal(code, 0, stderr);
  assert.equal(JSON.parse(stdout).rows.find((r: { behaviour: string }) => r.behaviour === 'exfiltration')?.n, 3, stdout);
  assert.equal(seen.size, 1, `one launcher for the whole sweep: ${[...seen].join(', ')}`);
  assert.ok(ms < 45_000, `${ms.toFixed(0)} ms`);
  await sleep(500);
  assert.deepEqual([...seen].filter(alive), [], 'the launcher went with peerwatch');
});
