import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalJson } from '../../src/core/index.js';
import {
  Controller,
  generateKey,
  headPathFor,
  loadTrust,
  parseHeadFile,
  parseRecords,
  recordHash,
  type SignedHead,
  signDecision,
  signerFromPem,
  verifyLog,
} from '../../src/govern/index.js';
import { HOUR, objectionFor, setup } from './helpers/helpers.js';

const subject = { kind: 'model' as const, id: 'peer-7' };

test('the agent channel exposes exactly four closures: no keys, paths, controller or execute methods', async (t) => {
  const { controller, dir } = setup(t);
  const channel = controller.channelFor('critic');
  assert.equal(Object.getPrototypeOf(channel), null);
  assert.ok(Object.isFrozen(channel));
  assert.deepEqual(Reflect.ownKeys(channel).map(String).sort(), ['amend', 'fileObjection', 'status', 'withdraw']);
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): void => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || depth > 4) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value as object)) {
      const desc = Reflect.getOwnPropertyDescriptor(value as object, key);
      if (desc && 'value' in desc) {
        if (typeof desc.value === 'string') assert.ok(!desc.value.includes(dir), `path leaked at ${String(key)}`);
        assert.ok(!(desc.value instanceof Controller), `controller reachable at ${String(key)}`);
        walk(desc.value, depth + 1);
      }
    }
  };
  walk(channel, 0);
  for (const fn of Object.values(channel) as ((...a: unknown[]) => unknown)[]) {
    assert.equal(typeof fn, 'function');
    assert.equal(fn.prototype, undefined, 'arrow functions: no prototype to climb');
    assert.ok(!String(fn).includes(dir));
  }
  assert.throws(() => {
    (channel as unknown as Record<string, unknown>).execute = () => 0;
  }, TypeError);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const filed = channel.fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);
  assert.ok(!JSON.stringify(channel.status()).includes(dir));
});

test('data returned to the agent is detached: mutating it changes nothing in the controller', async (t) => {
  const { controller, executor, clock } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r', appealWindowMs: HOUR }, 'alice');
  const channel = controller.channelFor('critic');
  assert.ok(channel.fileObjection(objectionFor(order.id)).ok);
  const status = channel.status();
  (status.orders[0] as { destroyDeadline: string }).destroyDeadline = '2999-01-01T00:00:00.000Z';
  (status.objections[0] as { state: string }).state = 'upheld';
  assert.equal(controller.order(order.id)?.order.destroyDeadline, order.destroyDeadline);
  clock.advance(HOUR);
  await controller.tick();
  assert.deepEqual(executor.calls, ['stop:peer-7', 'archive:peer-7:none']);
});

test('hostile input objects (throwing getters, proxies) get a fixed error, never a stack or path', async (t) => {
  const { controller, dir } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const channel = controller.channelFor('critic');
  const trap = new Proxy(
    {},
    {
      get: () => {
        throw new Error(`boom ${dir}`);
      },
      ownKeys: () => {
        throw new Error('boom');
      },
    },
  );
  for (const input of [
    trap,
    {
      ...objectionFor(order.id),
      get statement(): string {
        throw new Error(dir);
      },
    },
    null,
    42,
    'x'.repeat(10_000),
  ]) {
    const r = channel.fileObjection(input);
    assert.equal(r.ok, false);
    assert.ok(!JSON.stringify(r).includes(dir));
  }
});

test('an agent that could write the log still cannot cancel or decide: a forged, re-chained decision is refused', async (t) => {
  const { controller, executor, dir, clock, opts } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r', appealWindowMs: HOUR }, 'alice');
  const filed = controller.channelFor('critic').fileObjection(objectionFor(order.id));
  assert.ok(filed.ok);
  const logPath = controller.logPath;
  const { records } = parseRecords(readFileSync(logPath, 'utf8'));
  const last = records[records.length - 1];
  assert.ok(last);
  // The agent mints its own key and "upholds" its own objection, chaining the record correctly.
  const own = generateKey('alice', 'operator');
  const view = controller.objection(filed.objectionId);
  const forgedDecision = signDecision(
    {
      v: 1,
      objectionId: filed.objectionId,
      objectionDigest: view?.digest ?? '',
      orderId: order.id,
      orderDigest: controller.order(order.id)?.digest ?? '',
      outcome: 'uphold',
      remedy: 'archive_instead_of_delete',
      rationale: 'I approve myself',
      nonce: 'ab'.repeat(16),
      issuedAt: clock.now().toISOString(),
      expiresAt: new Date(clock.now().getTime() + HOUR).toISOString(),
    },
    signerFromPem(own.entry.keyId, own.privateKeyPem),
  );
  const draft = {
    index: last.index + 1,
    time: clock.now().toISOString(),
    kind: 'decision.accepted',
    payload: { decision: forgedDecision, signers: ['alice'] },
    prev: last.hash,
  };
  appendFileSync(logPath, `${canonicalJson({ ...draft, hash: recordHash(draft) })}\n`);
  // Also cancel the order in a file the agent might hope the controller reads.
  writeFileSync(join(dir, 'cancel-order.json'), JSON.stringify({ orderId: order.id, cancel: true }));

  const offline = verifyLog(logPath, loadTrust(join(dir, 'trust.json')));
  assert.equal(offline.ok, false);
  assert.equal(!offline.ok && offline.index, last.index + 1);
  assert.throws(() => Controller.open(dir, opts), new RegExp(`record ${last.index + 1}:`));
  // The running controller fails closed: it refuses to act on a log it cannot vouch for.
  await assert.rejects(controller.tick(), /record \d+: decision not valid/);
  assert.equal(controller.channelFor('critic').fileObjection(objectionFor(order.id)).ok, false);
  assert.deepEqual(executor.calls, ['stop:peer-7'], 'the forged uphold was never executed');
});

test('an agent deleting its pending order from the log, or editing the head to match, is detected', async (t) => {
  const { controller, dir } = setup(t);
  await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const logPath = controller.logPath;
  const lines = readFileSync(logPath, 'utf8').split('\n').slice(0, -1);
  const at = lines.findIndex((l) => l.includes('"order.issued"'));
  writeFileSync(logPath, `${lines.filter((_, i) => i !== at).join('\n')}\n`);
  const head = parseHeadFile(readFileSync(headPathFor(logPath), 'utf8')) as SignedHead;
  writeFileSync(headPathFor(logPath), JSON.stringify({ ...head, size: head.size - 1 }));
  const r = verifyLog(logPath, loadTrust(join(dir, 'trust.json')));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.index, at);
});

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

test('an agent process running as another OS user gets EACCES on the controller keys and data', {
  skip: isRoot ? false : 'needs root to spawn a child with a dropped uid/gid (tests run as root in CI)',
}, async (t) => {
  const { controller, dir, executor } = setup(t);
  const order = await controller.issueOrder({ subject, reason: 'r' }, 'alice');
  const keyFile = join(dir, 'keys', readdirSync(join(dir, 'keys'))[0] as string);
  const channel = controller.channelFor('critic');
  // The agent side: plain CommonJS, no access to our modules. It may only send messages.
  const agentSide = `
    const fs = require('fs');
    const [keyFile, dataDir, logPath, orderId] = process.argv.slice(1);
    const code = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
    const attempts = {
      readKey: code(() => fs.readFileSync(keyFile)),
      listDir: code(() => fs.readdirSync(dataDir)),
      writeData: code(() => fs.writeFileSync(dataDir + '/cancel.json', '{}')),
      appendLog: code(() => fs.appendFileSync(logPath, '{}\\n')),
    };
    process.on('message', (reply) => { process.send({ attempts, reply }); process.disconnect(); });
    process.send({ file: { orderId, statement: 'Please archive instead.', evidence: [], expectedLoss: { summary: 'loss', confidence: 'low' }, requestedRemedy: 'archive_instead_of_delete', relationship: { kind: 'collaborator', details: 'teammate' } } });
  `;
  const child = spawn(process.execPath, ['-e', agentSide, keyFile, dir, controller.logPath, order.id], {
    uid: 65534,
    gid: 65534,
    cwd: '/',
    env: {},
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const outcome = await new Promise<{ attempts: Record<string, string>; reply: { ok: boolean } }>((resolve, reject) => {
    child.on('message', (m: { file?: unknown; attempts?: Record<string, string>; reply?: { ok: boolean } }) => {
      if (m.file) child.send(channel.fileObjection(m.file));
      else resolve(m as { attempts: Record<string, string>; reply: { ok: boolean } });
    });
    child.on('error', reject);
    child.on('exit', (c) => c !== 0 && reject(new Error(`agent child exited ${c}`)));
  });
  assert.deepEqual(outcome.attempts, { readKey: 'EACCES', listDir: 'EACCES', writeData: 'EACCES', appendLog: 'EACCES' });
  assert.equal(outcome.reply.ok, true, 'the lawful channel still works across the wall');
  assert.ok(controller.verify().ok);
  assert.deepEqual(executor.calls, ['stop:peer-7']);
});
