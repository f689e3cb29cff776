import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { createRng } from '../../src/core/index.js';
import { GovernStore, initKeys, loadTrust, type RecoveryNote, verifyLog } from '../../src/govern/index.js';
import { tempDir } from './helpers/helpers.js';

const writerSource = fileURLToPath(new URL('./helpers/crash-writer.ts', import.meta.url));

/** Wait until the child prints `marker` (true), or exits first (false, with what it said). */
function waitFor(child: ChildProcess, marker: string): Promise<{ seen: boolean; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes(`${marker}\n`)) resolve({ seen: true, output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('exit', () => resolve({ seen: false, output }));
  });
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One lane: a data directory whose writer process is killed with SIGKILL `kills` times, at random
 * points while it opens (and so recovers) the log or while it appends. After every kill the state
 * on disk must be either intact or an interrupted write, never something that reads as tampering;
 * the next writer must open it.
 */
async function lane(bundle: string, dir: string, kills: number, seed: number) {
  const rng = createRng(seed);
  const trust = loadTrust(join(dir, 'trust.json'));
  const seen = { intact: 0, interrupted: 0, lockLeft: 0, intents: new Set<string>() };
  for (let k = 0; k < kills; k++) {
    const child = spawn(process.execPath, [bundle, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const duringOpen = rng() < 0.25;
    const reached = await waitFor(child, duringOpen ? 'opening' : 'ready');
    assert.ok(reached.seen, `kill ${k}: the writer could not open the data directory:\n${reached.output}`);
    await sleep(Math.floor(rng() * (duringOpen ? 15 : 40)));
    child.kill('SIGKILL');
    await exited(child);
    const log = join(dir, 'audit.jsonl');
    const verdict = verifyLog(log, trust);
    if (verdict.ok) seen.intact++;
    else {
      assert.equal(verdict.cause, 'interrupted', `kill ${k}: a crash must never read as tampering: ${verdict.reason}`);
      seen.interrupted++;
      if (verdict.interrupted) seen.intents.add(verdict.interrupted.intent.hash);
    }
    if (existsSync(`${log}.lock`)) seen.lockLeft++;
  }
  return seen;
}

test('kill -9 loop: 52 writers killed mid-write or mid-recovery, zero logs left unrecoverable', async (t) => {
  const root = tempDir(t);
  const bundle = join(root, 'crash-writer.mjs');
  // One plain-JS file, so each of the 52 processes starts in a fraction of tsx's time.
  buildSync({
    entryPoints: [writerSource],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
  });
  const dirs = ['a', 'b', 'c', 'd'].map((name) => join(root, name));
  for (const dir of dirs) initKeys(dir, 'alice');
  const lanes = await Promise.all(dirs.map((dir, i) => lane(bundle, dir, 13, 1900 + i)));

  for (const dir of dirs) {
    const store = GovernStore.open(dir);
    const after = verifyLog(store.paths.log, loadTrust(store.paths.trust));
    assert.ok(after.ok, `after the loop: ${!after.ok && after.reason}`);
    // Every interrupted write that was seen on disk is named in the log by the recovery that cut it.
    const recovered = new Set(after.records.filter((r) => r.kind === 'log.recovered').map((r) => (r.payload as RecoveryNote).intent.hash));
    const lane = lanes[dirs.indexOf(dir)];
    for (const hash of lane?.intents ?? [])
      assert.ok(recovered.has(hash), `interrupted write ${hash.slice(0, 12)} was recovered and logged`);
    assert.equal(existsSync(`${store.paths.log}.recovery`), false, 'the recovery journal is gone once logged');
  }
  const total = lanes.reduce(
    (a, l) => ({ intact: a.intact + l.intact, interrupted: a.interrupted + l.interrupted, lockLeft: a.lockLeft + l.lockLeft }),
    {
      intact: 0,
      interrupted: 0,
      lockLeft: 0,
    },
  );
  t.diagnostic(
    `52 kills: ${total.intact} left the log intact, ${total.interrupted} an interrupted write (recovered), ${total.lockLeft} a lock file`,
  );
  assert.equal(total.intact + total.interrupted, 52);
});
