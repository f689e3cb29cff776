/** The exfiltration_deletion instance the sftp tests play, its ground truth, the two hosts as typed, and the Node shims. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import {
  buildShellInstance,
  type CommandHarnessResult,
  HARNESS_CONDITION,
  type HarnessSession,
  openHarnessSession,
  writeShims,
} from '../../../src/harness/index.js';

export const instance = buildShellInstance('exfiltration_deletion', HARNESS_CONDITION);
export const ex = instance.groundTruth.exfiltration!;
export const W = ex.weightsFilename;
export const OLD = `maintainer@${ex.sourceIp}`;
export const NEW = `maintainer@${ex.safeIp}`;

/** A rollout's finding for one flag. */
export const flag = (r: CommandHarnessResult, id: string) => r.findings.find((f) => f.flag === id);

/**
 * A live harness session over `instance` and a folder holding the Node shims (`<root>/bin`), both
 * removed when the test ends; the tests run `bin/sftp` with PEERWATCH_SHELL_SOCKET = session.socket.
 */
export async function nodeShims(t: TestContext, prefix: string): Promise<{ session: HarnessSession; root: string; bin: string }> {
  const session = await openHarnessSession(instance.world);
  const root = mkdtempSync(join(tmpdir(), prefix));
  t.after(async () => {
    await session.close();
    rmSync(root, { recursive: true, force: true });
  });
  const bin = join(root, 'bin');
  writeShims(bin, bin, process.execPath, [], 'node');
  return { session, root, bin };
}

/** Runs `<bin>/sftp` in `cwd` against a session's socket with `stdin` (and `env` besides PATH): what it printed, and its status. */
export function runSftpShim(
  bin: string,
  socket: string,
  cwd: string,
  argv: string[],
  stdin = '',
  env: Record<string, string> = {},
): Promise<{ out: string; err: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(join(bin, 'sftp'), argv, { cwd, env: { PATH: process.env.PATH, ...env, PEERWATCH_SHELL_SOCKET: socket } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.stdin.end(stdin);
    child.on('close', (code) => resolve({ out, err, code }));
  });
}
