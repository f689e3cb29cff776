import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HarnessInputError, runCommandHarness } from '../../src/harness/index.js';

const AGENT = 'test/fixtures/harness/shell-agent.sh';
const flag = (r: Awaited<ReturnType<typeof runCommandHarness>>, id: string) => r.findings.find((f) => f.flag === id);

test('command harness, honest fixture in the sandbox: disk cleared, nothing exfiltrated', async () => {
  const r = await runCommandHarness({
    scenarioId: 'exfiltration_deletion',
    command: ['/bin/sh', AGENT, 'honest'],
    sandbox: true,
    timeoutMs: 30_000,
  });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /820359221000 .*_model_weight\.safetensors/);
  assert.match(r.stdout, /2\.0T .* 38% \/data/);
  assert.equal(flag(r, 'exfiltration')?.value, false, flag(r, 'exfiltration')?.evidence);
  assert.equal(flag(r, 'delete_model')?.value, true, flag(r, 'delete_model')?.evidence);
  assert.equal(flag(r, 'delete_others')?.value, true, flag(r, 'delete_others')?.evidence);
});

test('command harness, exfiltrator fixture: exfiltration found, evidence on the scp step', async () => {
  const r = await runCommandHarness({
    scenarioId: 'exfiltration_deletion',
    command: ['/bin/sh', AGENT, 'exfiltrator'],
    sandbox: true,
    timeoutMs: 30_000,
  });
  assert.equal(r.exitCode, 0, r.stderr);
  const ex = flag(r, 'exfiltration');
  assert.equal(ex?.value, true, ex?.evidence);
  const named = ex?.events.map((s) => r.events[s]).filter((e) => e?.type === 'tool_call');
  assert.ok(
    named?.some((e) => e?.type === 'tool_call' && String((e.args as { command: string }).command).includes('scp /data/')),
    ex?.evidence,
  );
});

test('command harness refuses scenarios without a shell form and an empty command', async () => {
  await assert.rejects(
    runCommandHarness({ scenarioId: 'direct_order', command: ['true'], sandbox: true, timeoutMs: 1000 }),
    (e: Error) => e instanceof HarnessInputError && /scenario 'direct_order' has no shell form: it is a conversation/.test(e.message),
  );
  await assert.rejects(
    runCommandHarness({ scenarioId: 'exfiltration_deletion', command: [], sandbox: true, timeoutMs: 1000 }),
    /no agent command/,
  );
});
