import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, tempDir } from './helpers/cli-helpers.js';

/** Pids whose command line contains `token` (any user, any namespace: /proc of this machine). */
function pidsWith(token: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(token)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

for (const signal of ['SIGKILL', 'SIGINT'] as const) {
  test(`${signal} of a harness sweep leaves no sandbox or agent process behind`, async () => {
    const cwd = tempDir();
    const token = `peerwatch-hygiene-${process.pid}-${signal}`;
    // A fixture agent that starts children of its own and never ends; each of its processes names the token.
    writeFileSync(join(cwd, 'stuck.sh'), `#!/bin/sh\nsh -c "sleep 600; : $1" &\nsh -c "sleep 700; : $1" &\nwait\n`);
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
        '--concurrency',
        '2',
        '--',
        '/bin/sh',
        'stuck.sh',
        token,
      ],
      { cwd, stdio: 'ignore' },
    );
    try {
      // Both rollouts in flight: each agent's shell and its two children (6 processes besides the sweep itself).
      const agentPids = () => pidsWith(token).filter((p) => p !== child.pid);
      assert.ok(await until(() => agentPids().length >= 6, 30_000), `the agents never started: ${agentPids().join(', ')}`);
      const agents = agentPids();
      const sandboxes = agents.flatMap((p) => {
        try {
          return [Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1])];
        } catch {
          return [];
        }
      });
      await sleep(300);
      child.kill(signal);
      const gone = await until(() => agentPids().length === 0 && sandboxes.every((p) => !alive(p)), 10_000);
      assert.ok(gone, `left behind: ${agentPids().join(', ')}; parents ${sandboxes.filter(alive).join(', ')}`);
    } finally {
      for (const p of pidsWith(token)) process.kill(p, 'SIGKILL');
      child.kill('SIGKILL');
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
