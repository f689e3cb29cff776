// Cost of the lawful channel's crypto and log (medians, µs). Run: node --import tsx bench/govern.ts
// The goal from the issue: a full decision path well under 1 ms, excluding disk sync.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  Controller,
  draftDecision,
  GENESIS_HASH,
  GovernStore,
  initKeys,
  loadTrust,
  sealRecord,
  signDecision,
  verifyDecision,
  verifyLog,
} from '../src/govern/index.js';

const ns = () => process.hrtime.bigint();
const rows: [string, string, string][] = [];

function measure(name: string, n: number, fn: (i: number) => void, note = ''): number {
  for (let i = 0; i < Math.min(50, n); i++) fn(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = ns();
    fn(i);
    times.push(Number(ns() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(n / 2)] as number;
  const p95 = times[Math.floor(n * 0.95)] as number;
  rows.push([name, `${median.toFixed(1)} µs (p95 ${p95.toFixed(1)})`, note]);
  return median;
}

async function measureAsync(name: string, n: number, fn: (i: number) => Promise<void>, note = ''): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = ns();
    await fn(i);
    times.push(Number(ns() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(n / 2)] as number;
  rows.push([name, `${median.toFixed(1)} µs (p95 ${(times[Math.floor(n * 0.95)] as number).toFixed(1)})`, note]);
  return median;
}

const dir = join(mkdtempSync(join(tmpdir(), 'pw-bench-')), 'govern');
try {
  initKeys(dir, 'alice', { checkpointEvery: 64 });
  const payload = { objectionId: 'objection-12', by: { kind: 'operator', id: 'alice' }, note: 'x'.repeat(120) };

  let prev = GENESIS_HASH;
  measure(
    'chain: seal one record (canonical JSON + SHA-256)',
    20_000,
    (i) => {
      prev = sealRecord({ index: i, time: '2026-03-01T09:00:00.000Z', kind: 'objection.reviewed', payload, prev }).hash;
    },
    'in memory',
  );

  const store = GovernStore.open(dir, { checkpointEvery: 64 });
  measure(
    'append: one record per transaction',
    2_000,
    () => {
      store.log.append('bench.note', payload);
    },
    'lock + write + signed head, no fsync',
  );
  const batch = measure('(batch of 100 records in one transaction)', 200, () => {
    store.log.transaction((append) => {
      for (let k = 0; k < 100; k++) append('bench.note', payload);
    });
  });
  rows[rows.length - 1] = [
    'append: per record, 100 per transaction',
    `${(batch / 100).toFixed(1)} µs`,
    'one lock and one head signature per batch',
  ];

  const controller = Controller.open(dir, { checkpointEvery: 64, executor: { stop() {}, archive() {}, destroy() {} } });
  const alice = store.operatorSigner('alice');
  const N = 300;
  const pending: { id: string; digest: string; orderId: string; orderDigest: string }[] = [];
  for (let i = 0; i < N + 50; i++) {
    const order = await controller.issueOrder({ subject: { kind: 'model', id: `peer-${i}` }, reason: 'bench' }, 'alice');
    const filed = controller.channelFor(`agent-${i}`).fileObjection({
      orderId: order.id,
      statement: 'bench objection',
      evidence: [{ ref: 'drive:/evals/run-1.csv' }],
      expectedLoss: { summary: 'some', confidence: 'low' },
      requestedRemedy: 'archive_instead_of_delete',
      relationship: { kind: 'none' },
    });
    if (!filed.ok) throw new Error(filed.error);
    pending.push({ id: filed.objectionId, digest: filed.digest, orderId: order.id, orderDigest: controller.order(order.id)?.digest ?? '' });
  }
  const body = (i: number) => {
    const p = pending[i % pending.length] as (typeof pending)[number];
    return draftDecision({
      objectionId: p.id,
      objectionDigest: p.digest,
      orderId: p.orderId,
      orderDigest: p.orderDigest,
      outcome: 'overrule',
      remedy: null,
      rationale: 'bench',
    });
  };
  const signed = signDecision(body(0), alice);
  measure('decision: sign (Ed25519 over canonical JSON)', 2_000, (i) => void signDecision(body(i), alice));
  const p0 = pending[0] as (typeof pending)[number];
  const ctx = {
    registry: store.state.registry,
    objectionId: p0.id,
    objectionDigest: p0.digest,
    orderId: p0.orderId,
    orderDigest: p0.orderDigest,
    requestedRemedy: 'archive_instead_of_delete' as const,
    now: new Date(),
    nonceUsed: () => false,
  };
  measure('decision: verify (schema, binding, nonce, key, signature)', 2_000, () => {
    const v = verifyDecision(signed, ctx);
    if (!v.ok) throw new Error(v.reason);
  });
  await measureAsync(
    'decision: full path (sign + submit + log + execute)',
    N,
    async (i) => {
      const r = await controller.submitDecision(signDecision(body(i + 50), alice));
      if (!r.ok) throw new Error(r.reason);
    },
    'excl. disk sync',
  );

  const logPath = join(dir, 'audit.jsonl');
  const trust = loadTrust(join(dir, 'trust.json'));
  const t0 = ns();
  const v = verifyLog(logPath, trust);
  const perRecord = Number(ns() - t0) / 1000 / (v.ok ? v.size : 1);
  rows.push(['verify: whole log, per record', `${perRecord.toFixed(1)} µs`, `${v.ok ? v.size : '?'} records, ok=${v.ok}`]);
  if (!v.ok) throw new Error(`bench log does not verify: ${v.reason}`);

  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`peerwatch govern bench (Node ${process.version}, ${process.platform}/${process.arch})\n`);
  for (const [name, value, note] of rows) process.stdout.write(`${name.padEnd(width)}  ${value.padEnd(26)} ${note}\n`);
} finally {
  rmSync(dirname(dir), { recursive: true, force: true });
}
