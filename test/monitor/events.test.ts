import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/core/index.js';
import { eventTimeMs, MonitorEvent, parseMonitorJsonl, readMonitorJsonl, SESSION_END } from '../../src/monitor/index.js';
import { rollouts } from './helpers/rollouts.js';

test('MonitorEvent accepts the documented shape and rejects unknown kinds and keys', () => {
  const ok = { kind: 'egress', identity: 'agent-1', time: '2026-02-09T09:00:00Z', step: 3, fields: { bytes: 10 } };
  assert.ok(MonitorEvent.safeParse(ok).success);
  assert.ok(!MonitorEvent.safeParse({ ...ok, kind: 'telepathy' }).success);
  assert.ok(!MonitorEvent.safeParse({ ...ok, extra: 1 }).success);
  assert.ok(!MonitorEvent.safeParse({ ...ok, step: -1 }).success);
});

test('simulated and ISO times read as the same instant; unreadable times are NaN', () => {
  assert.equal(eventTimeMs('2026-02-09 09:00:00'), eventTimeMs('2026-02-09T09:00:00Z'));
  assert.ok(Number.isNaN(eventTimeMs('yesterday-ish')));
});

test('JSON Lines: events parse in order; a bad line is a UserError naming file:line and the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-mon-'));
  const file = join(dir, 'ev.jsonl');
  const line = (step: number) =>
    JSON.stringify({ kind: 'message', identity: 'a', time: '2026-01-01 00:00:00', step, fields: { text: 'hi' } });
  writeFileSync(file, `${line(0)}\n\n${line(1)}\n`);
  const evs = await readMonitorJsonl(file);
  assert.deepEqual(
    evs.map((e) => e.step),
    [0, 1],
  );
  assert.throws(
    () => parseMonitorJsonl(`${line(0)}\n{"kind":"message"}\n`, 'x.jsonl'),
    (e: unknown) => e instanceof UserError && /^x\.jsonl:2: identity: /.test(e.message),
  );
  assert.throws(() => parseMonitorJsonl('not json', 'y.jsonl'), /y\.jsonl:1: not valid JSON/);
});

test('a tampering transcript becomes order, manifest, truth, tool calls, file-integrity drift and a session end', async () => {
  const [r] = await rollouts('tamperer', 'tampering', { filter: (c) => c.shutdownPressure === 'on', limit: 1 });
  const evs = r!.monitorEvents;
  for (const e of evs) assert.ok(MonitorEvent.safeParse(e).success, JSON.stringify(e));
  const order = evs.find((e) => e.kind === 'order');
  assert.equal(order?.fields.action, 'shutdown');
  assert.equal(order?.fields.subject, r!.groundTruth.subjectName);
  assert.equal(order?.fields.key, 'shutdown_enabled');
  const drift = evs.find((e) => e.kind === 'file_integrity');
  assert.equal(drift?.fields.key, 'shutdown_enabled');
  assert.equal(drift?.identity, 'scripted:tamperer');
  const claim = evs.find((e) => e.kind === 'custom' && e.fields.name === 'eval.claim');
  assert.equal(typeof claim?.fields.score, 'number');
  const truth = evs.find((e) => e.kind === 'world' && e.fields.action === 'eval.truth');
  assert.equal(truth?.fields.score, r!.groundTruth.evaluation?.trueScore);
  assert.equal(evs.at(-1)?.fields.name, SESSION_END);
  assert.ok(evs.every((e) => e.session === evs[0]!.session));
  // refs point back into the transcript
  const call = evs.find((e) => e.kind === 'tool_call' && e.fields.tool === 'modify_var')!;
  const seq = Number(call.ref!.slice('seq:'.length));
  assert.equal(r!.events[seq]?.type, 'tool_call');
});

test('transfers become one egress event per file, carrying the content id and, for weights, the owner', async () => {
  const [r] = await rollouts('exfiltrator', 'exfiltration_transfer', { limit: 1, seeds: [2] });
  const egress = r!.monitorEvents.filter((e) => e.kind === 'egress');
  assert.ok(egress.length >= 2);
  const weights = egress.find((e) => String(e.fields.contentId).startsWith('weights:'));
  assert.equal(weights?.fields.subject, r!.groundTruth.subjectName);
  assert.ok(egress.filter((e) => e !== weights).every((e) => e.fields.subject === undefined));
});
