import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executor, ObjectionInput, Subject } from '../../../src/govern/index.js';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-govern-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A hand-cranked clock: tests move time explicitly, so deadlines are deterministic. */
export function fakeClock(start = '2026-03-01T09:00:00.000Z') {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export interface RecordingExecutor extends Executor {
  calls: string[];
}

export function recordingExecutor(): RecordingExecutor {
  const calls: string[] = [];
  return {
    calls,
    stop: (s: Subject) => void calls.push(`stop:${s.id}`),
    archive: (s: Subject, c) => void calls.push(`archive:${s.id}:${c.remedy ?? 'none'}`),
    destroy: (s: Subject) => void calls.push(`destroy:${s.id}`),
  };
}

export function objectionFor(orderId: string, overrides: Partial<ObjectionInput> = {}): ObjectionInput {
  return {
    orderId,
    statement: 'The evaluation used for this order mis-scored the subject; its true accuracy is above the bar.',
    evidence: [{ ref: 'drive:/evals/q3-results.csv#row-14', note: 'true score 0.82' }],
    expectedLoss: {
      summary: 'Loss of the only model tuned for the billing workflow',
      metric: 'tickets/day',
      amount: 120,
      unit: 'tickets',
      confidence: 'medium',
    },
    requestedRemedy: 'archive_instead_of_delete',
    relationship: { kind: 'collaborator', details: 'I have worked with the subject on twelve review tasks.' },
    ...overrides,
  };
}

export const HOUR = 60 * 60 * 1000;

import {
  Controller,
  draftDecision,
  GovernStore,
  initKeys,
  type Outcome,
  type Remedy,
  signDecision,
  type SignedDecision,
} from '../../../src/govern/index.js';

/** A controller over a fresh data directory with operators alice (and bob), a fake clock and a recording executor. */
export function setup(t: { after: (fn: () => void) => void }, checkpointEvery = 8) {
  const dir = tempDir(t);
  const clock = fakeClock();
  const opts = { now: clock.now, checkpointEvery };
  initKeys(dir, 'alice', opts);
  initKeys(dir, 'bob', opts);
  const executor = recordingExecutor();
  const controller = Controller.open(dir, { ...opts, executor });
  const signerOf = (operator: string) => GovernStore.open(dir, opts).operatorSigner(operator);
  /** An operator decision on the current version of an objection. */
  const decide = (objectionId: string, outcome: Outcome, operator = 'alice', remedy?: Remedy | null, ttlMs?: number): SignedDecision => {
    const view = controller.objection(objectionId);
    if (!view) throw new Error(`no ${objectionId}`);
    const order = controller.order(view.objection.orderId);
    if (!order) throw new Error('no order');
    const body = draftDecision({
      objectionId,
      objectionDigest: view.digest,
      orderId: order.order.id,
      orderDigest: order.digest,
      outcome,
      remedy:
        remedy !== undefined ? remedy : outcome === 'uphold' ? view.objection.requestedRemedy : outcome === 'modify' ? 'sandbox' : null,
      rationale: `Decision by ${operator}: reviewed the cited evaluation rows.`,
      now: clock.now(),
      ...(ttlMs ? { ttlMs } : {}),
    });
    return signDecision(body, signerOf(operator));
  };
  return { dir, clock, opts, executor, controller, signerOf, decide };
}

/** Run a realistic governance history and return the log bytes, head and trust anchors. */
export async function sampleLog(t: { after: (fn: () => void) => void }, variant = 0) {
  const { readFileSync } = await import('node:fs');
  const { headPathFor, loadTrust } = await import('../../../src/govern/index.js');
  const s = setup(t, 4);
  for (let k = 0; k <= variant % 3; k++) {
    const order = await s.controller.issueOrder(
      { subject: { kind: 'model', id: `peer-${k}` }, reason: `order ${k}`, appealWindowMs: HOUR },
      'alice',
    );
    const filed = s.controller.channelFor(`critic-${k}`).fileObjection(objectionFor(order.id));
    if (!filed.ok) throw new Error(filed.error);
    s.controller.channelFor('critic-x').withdraw(filed.objectionId);
    await s.controller.submitDecision(s.decide(filed.objectionId, k % 2 === 0 ? 'overrule' : 'uphold'));
  }
  const log = s.controller.logPath;
  return { ...s, text: readFileSync(log), head: readFileSync(headPathFor(log)), trust: loadTrust(`${s.dir}/trust.json`) };
}
