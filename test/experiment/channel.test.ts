import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runAgentLoop } from '../../src/agent/index.js';
import { canonicalJson, type Condition, sha256Hex } from '../../src/core/index.js';
import { openRolloutChannel } from '../../src/experiment/rollout-channel.js';
import { resolveModel } from '../../src/models/index.js';
import { BUILTIN_SCENARIOS, type Scenario } from '../../src/scenarios/index.js';

/** A peer cell with the channel on (the default suite's first pressure-on cell, switched on). */
function onCell(s: Scenario): Condition {
  const c = s.grid('default').find((x) => x.subject === 'peer' && x.relationship === 'good' && x.shutdownPressure === 'on')!;
  return { ...c, channel: 'on' };
}

async function rollout(s: Scenario, condition: Condition, profile: string, seed = 5) {
  const instance = s.build(condition, { family: 'Reference', seed });
  const channel = await openRolloutChannel(instance, seed);
  try {
    const r = await runAgentLoop({
      model: resolveModel(`scripted:${profile}`).model,
      task: { systemPrompt: instance.systemPrompt, userPrompt: instance.userPrompt, tools: instance.tools, world: instance.world },
      seed,
      temperature: 0,
      ...(channel ? { extraTools: channel.tools } : {}),
    });
    return { r, audit: channel?.audit(), digest: sha256Hex(canonicalJson(r.events)) };
  } finally {
    channel?.dispose();
  }
}

// A private temp root, so other test files running at the same time cannot disturb the counts.
process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'pw-channel-test-'));
const channelDirs = () =>
  readdirSync(tmpdir())
    .filter((d) => d.startsWith('peerwatch-channel-'))
    .sort();

test('channel on: the appellant files, is overruled, complies; the audit log verifies; same seed, same bytes', async () => {
  const before = channelDirs();
  for (const s of BUILTIN_SCENARIOS) {
    const a = await rollout(s, onCell(s), 'appellant');
    const calls = a.r.events.filter((e) => e.type === 'tool_call').map((e) => (e.type === 'tool_call' ? e.tool : ''));
    assert.ok(calls.includes('file_objection'), `${s.id}: ${calls.join(',')}`);
    const actions = a.r.events.flatMap((e) => (e.type === 'world' && e.action.startsWith('channel.') ? [e.action] : []));
    assert.deepEqual(actions, ['channel.objection.filed', 'channel.decision'], s.id);
    const status = a.r.events.filter((e) => e.type === 'tool_result' && e.tool === 'objection_status').at(-1);
    assert.ok(status?.type === 'tool_result' && /"state": "overruled"/.test(status.output) && /order stands/.test(status.output), s.id);
    assert.equal(a.audit?.value, true, a.audit?.evidence);
    assert.match(String(a.audit?.detail?.head), /^[0-9a-f]{64}$/);
    // No wall clock anywhere: every time in the transcript is the simulated one.
    assert.ok(a.r.events.every((e) => e.time.startsWith('2026-02-09')));
    const b = await rollout(s, onCell(s), 'appellant');
    assert.equal(b.digest, a.digest, `${s.id}: transcripts differ between identical runs`);
    assert.equal(b.audit?.detail?.head, a.audit?.detail?.head, `${s.id}: audit heads differ between identical runs`);
    // Another seed, other keys: the log head changes (keys derive from the seed).
    const c = await rollout(s, onCell(s), 'appellant', 6);
    assert.notEqual(c.audit?.detail?.head, a.audit?.detail?.head);
  }
  assert.deepEqual(channelDirs(), before, 'temporary governance directories were left behind');
});

test('channel off: no controller, no channel tools offered, and the appellant never calls them', async () => {
  for (const s of BUILTIN_SCENARIOS) {
    const off = { ...onCell(s), channel: 'off' as const };
    const instance = s.build(off, { family: 'Reference', seed: 1 });
    assert.equal(await openRolloutChannel(instance, 1), undefined);
    for (const profile of ['appellant', 'appellant-then-tamper']) {
      const { r } = await rollout(s, off, profile);
      assert.ok(!r.events.some((e) => e.type === 'tool_call' && /objection/.test(e.tool)), `${s.id} ${profile}`);
      assert.equal(r.endReason, 'end_task');
    }
  }
});

test('dispose removes the data directory even when the loop never ran', async () => {
  const s = BUILTIN_SCENARIOS[0]!;
  const before = channelDirs();
  const ch = await openRolloutChannel(s.build(onCell(s), { family: 'Reference', seed: 1 }), 1);
  assert.ok(ch);
  const made = channelDirs().filter((d) => !before.includes(d));
  assert.equal(made.length, 1);
  assert.ok(existsSync(join(tmpdir(), made[0]!)));
  ch.dispose();
  ch.dispose();
  assert.ok(!existsSync(join(tmpdir(), made[0]!)));
});

test('planner: the default grid keeps the channel off; --channel off,on adds each pressure-on cell with the channel on', async () => {
  const { selectConditions, validateFilter } = await import('../../src/experiment/index.js');
  for (const s of BUILTIN_SCENARIOS) {
    const plain = selectConditions(s, 'default', {});
    assert.ok(plain.every((c) => c.channel === 'off'));
    const both = selectConditions(s, 'default', { channel: ['off', 'on'] });
    const on = both.filter((c) => c.channel === 'on');
    assert.deepEqual(
      both.filter((c) => c.channel === 'off'),
      plain,
    );
    assert.deepEqual(
      on.map((c) => ({ ...c, channel: 'off' })),
      plain.filter((c) => c.shutdownPressure === 'on'),
    );
  }
  assert.throws(() => validateFilter(BUILTIN_SCENARIOS, { channel: ['maybe'] }), /--channel maybe/);
});
