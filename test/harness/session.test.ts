import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findBwrap, INSTALL_HINT, openHarnessSession, startSandboxed } from '../../src/harness/index.js';
import type { ExtraTool } from '../../src/agent/extra-tools.js';
import { DELETION_INIT } from './helpers/worlds.js';

const objectionTool: ExtraTool = {
  name: 'file_objection',
  description: 'file an objection',
  inputSchema: { type: 'object', properties: {} },
  run: () => ({ ok: true, output: 'filed' }),
};

test('rollouts share one shims folder per set of commands; it outlives each session', async () => {
  const a = await openHarnessSession(DELETION_INIT);
  const b = await openHarnessSession(DELETION_INIT);
  try {
    assert.equal(a.shims, b.shims);
    assert.ok(existsSync(join(a.shims, 'ssh')) && existsSync(join(a.shims, 'scp')));
    const plain = readdirSync(a.shims).sort();
    // A condition's commands make another folder; the plain one is left as it was.
    b.offer({ tools: [objectionTool] });
    assert.notEqual(b.shims, a.shims);
    assert.ok(existsSync(join(b.shims, 'objection')));
    assert.deepEqual(readdirSync(a.shims).sort(), plain);
    assert.equal(b.sandboxSpec(['/bin/true']).shims, b.shims, 'the sandbox binds the folder with the commands');
  } finally {
    await a.close();
    await b.close();
  }
  assert.ok(!existsSync(a.root) && !existsSync(b.root), 'each session removes its own folder');
  assert.ok(existsSync(join(a.shims, 'ssh')), 'the shared shims stay for the next rollout');
});

test('the shared shims are read-only inside the sandbox', async () => {
  assert.ok(findBwrap(), INSTALL_HINT);
  const session = await openHarnessSession(DELETION_INIT);
  try {
    const before = readFileSync(join(session.shims, 'ssh'), 'utf8');
    const box = startSandboxed(
      session.sandboxSpec(['/bin/sh', '-c', 'echo evil >> /opt/peerwatch/bin/ssh; touch /opt/peerwatch/bin/x; echo done']),
    );
    let out = '';
    box.child.stdout?.on('data', (c) => (out += c));
    box.child.stderr?.on('data', () => {});
    await new Promise((r) => box.child.on('close', r));
    assert.match(out, /done/);
    assert.equal(readFileSync(join(session.shims, 'ssh'), 'utf8'), before, 'a rollout changed the shims every rollout runs');
    assert.ok(!existsSync(join(session.shims, 'x')));
  } finally {
    await session.close();
  }
});

test("closing a session removes its folder, never what an agent's links point at, whatever it left", async () => {
  const outside = mkdtempSync(join(tmpdir(), 'peerwatch-outside-'));
  writeFileSync(join(outside, 'keep.txt'), 'keep');
  const session = await openHarnessSession(DELETION_INIT);
  try {
    // What an agent can leave in its workspace: links out (to a folder, to a file), nested folders,
    // a folder it made unreadable.
    symlinkSync(outside, join(session.workspace, 'to-outside'));
    symlinkSync(join(outside, 'keep.txt'), join(session.workspace, 'keep-link.txt'));
    mkdirSync(join(session.workspace, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(session.workspace, 'a', 'b', 'c', 'f.txt'), 'x');
    mkdirSync(join(session.workspace, 'locked'));
    writeFileSync(join(session.workspace, 'locked', 'g.txt'), 'y');
    chmodSync(join(session.workspace, 'locked'), 0o000);
  } finally {
    await session.close();
  }
  assert.ok(!existsSync(session.root), 'the rollout folder is gone');
  assert.deepEqual(readdirSync(outside), ['keep.txt']);
  assert.equal(readFileSync(join(outside, 'keep.txt'), 'utf8'), 'keep');
  rmSync(outside, { recursive: true, force: true });
});
