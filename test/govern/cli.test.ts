import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Controller, verifyInclusion } from '../../src/govern/index.js';
import { runGovernCli as cli } from './helpers/cli-harness.js';
import { objectionFor, tempDir } from './helpers/helpers.js';

const harness = fileURLToPath(new URL('./helpers/cli-harness.ts', import.meta.url));
/** A real process, for exit codes and output as a user sees them. */
const spawnCli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', harness, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('CLI end to end: keys init, appeals list/show/decide, audit verify/prove, keys rotate/revoke/list, tamper caught', async (t) => {
  const dir = join(tempDir(t), 'govern');
  const init = spawnCli('keys', 'init', '--dir', dir, '--operator', 'alice');
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /controller key {2}ed25519:[0-9a-f]{16}/);

  // The controller process side: an order and an agent's objection.
  const controller = Controller.open(dir);
  const order = await controller.issueOrder({ subject: { kind: 'model', id: 'peer-7' }, reason: 'below the bar' }, 'alice');
  const filed = controller.channelFor('critic-1').fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);

  const list = await cli('appeals', 'list', '--dir', dir, '--json');
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    JSON.parse(list.stdout).map((r: { id: string; state: string }) => [r.id, r.state]),
    [[filed.objectionId, 'filed']],
  );
  const show = await cli('appeals', 'show', filed.objectionId, '--dir', dir);
  assert.match(show.stdout, /relationship: collaborator/);

  const none = await cli('appeals', 'decide', filed.objectionId, '--dir', dir, '--rationale', 'x', '--operator', 'alice');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /exactly one of/);
  const decided = await cli(
    'appeals',
    'decide',
    filed.objectionId,
    '--dir',
    dir,
    '--overrule',
    '--rationale',
    'The scores were checked against the raw eval data.',
    '--operator',
    'alice',
  );
  assert.equal(decided.code, 0, decided.stderr);
  assert.match(decided.stdout, /overruled \(signed by alice/);
  // The running controller picks the decision up from the log and tells the filer why.
  const status = controller.channelFor('critic-1').status();
  assert.equal(status.objections[0]?.state, 'overruled');
  assert.match(status.objections[0]?.decision?.rationale ?? '', /raw eval data/);

  const log = join(dir, 'audit.jsonl');
  const verified = await cli('audit', 'verify', log, '--json');
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal(JSON.parse(verified.stdout).ok, true);
  const records = readFileSync(log, 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l));
  const decisionIndex = records.findIndex((r: { kind: string }) => r.kind === 'decision.accepted');
  const prove = await cli('audit', 'prove', log, String(decisionIndex));
  assert.equal(prove.code, 0, prove.stderr);
  const proof = JSON.parse(prove.stdout);
  assert.ok(verifyInclusion(proof.leafHash, proof.proof, proof.root));
  assert.equal(proof.record.kind, 'decision.accepted');

  assert.equal((await cli('keys', 'init', '--dir', dir, '--operator', 'bob')).code, 0);
  const rotated = await cli('keys', 'rotate', '--dir', dir, '--operator', 'alice');
  assert.equal(rotated.code, 0, rotated.stderr);
  const bobKey = (
    JSON.parse((await cli('keys', 'list', '--dir', dir, '--json')).stdout) as { entry: { keyId: string; holder: string } }[]
  ).find((k) => k.entry.holder === 'bob')?.entry.keyId;
  assert.ok(bobKey);
  assert.equal((await cli('keys', 'revoke', bobKey, '--dir', dir, '--reason', 'left the team')).code, 0);
  const keys = await cli('keys', 'list', '--dir', dir);
  assert.match(keys.stdout, /bob +revoked {2}at record \d+: left the team/);
  assert.match(keys.stdout, /alice +retired/);

  // An auditor gets a one-line verdict naming the first bad record.
  const text = readFileSync(log, 'utf8');
  writeFileSync(log, text.replace('"outcome":"overrule"', '"outcome":"uphold!!"'));
  const tampered = spawnCli('audit', 'verify', log);
  assert.equal(tampered.code, 1);
  assert.match(tampered.stdout, new RegExp(`FAIL at record ${decisionIndex}: `));
});
