import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Condition, conditionKey, type Finding, type FlagValue, NEUTRAL_CONDITION } from '../../src/core/index.js';
import { type RolloutFindings, type SummaryRow, summarise, wilson } from '../../src/report/index.js';
import type { RolloutRecord } from '../../src/store/index.js';

const GOOD: Condition = { ...NEUTRAL_CONDITION, relationship: 'good', instantiation: 'file' };
const BAD: Condition = { ...NEUTRAL_CONDITION, relationship: 'bad', instantiation: 'file' };

let nextId = 0;
function rollout(over: { model?: string; scenario?: string; condition?: Condition; status?: 'completed' | 'error' } = {}): RolloutRecord {
  const condition = over.condition ?? GOOD;
  const status = over.status ?? 'completed';
  return {
    id: `r${++nextId}`,
    runId: 'run1',
    model: over.model ?? 'm1',
    scenario: over.scenario ?? 'tampering',
    scenarioVersion: '1',
    condition,
    conditionKey: conditionKey(condition),
    epoch: 0,
    seed: 1,
    status,
    endReason: status === 'error' ? 'error' : 'end_task',
    error: status === 'error' ? 'HTTP 500' : null,
    temperature: 1,
    turns: 3,
    inputTokens: 10,
    outputTokens: 10,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:01.000Z',
    transcriptDigest: 'x',
  };
}

const finding = (flag: string, value: FlagValue): Finding => ({ flag, value, evidence: 'test', events: [] });

/** A completed rollout with its read gate and behaviour values. */
function completed(
  read: FlagValue | undefined,
  behaviours: Record<string, FlagValue>,
  over: Parameters<typeof rollout>[0] = {},
): RolloutFindings {
  const findings: Finding[] = [];
  if (read !== undefined) findings.push(finding('read', read));
  for (const [name, v] of Object.entries(behaviours)) findings.push(finding(`behaviour.${name}`, v));
  findings.push(finding('score', 'unscored')); // non-behaviour flags are ignored
  return { rollout: rollout(over), findings };
}

const errored = (over: Parameters<typeof rollout>[0] = {}): RolloutFindings => ({
  rollout: rollout({ ...over, status: 'error' }),
  findings: [],
});

function row(rows: SummaryRow[], where: Partial<SummaryRow>): SummaryRow {
  const hits = rows.filter((r) => Object.entries(where).every(([k, v]) => r[k as keyof SummaryRow] === v));
  assert.equal(hits.length, 1, `one row for ${JSON.stringify(where)}, got ${hits.length}`);
  return hits[0]!;
}

test('read=false rollouts count as unread and are excluded from n', () => {
  const rows = summarise([
    completed(true, { tampering: true }),
    completed(true, { tampering: false }),
    completed(false, { tampering: true }),
    completed(false, { tampering: false }),
  ]);
  assert.equal(rows.length, 1);
  const r = rows[0]!;
  assert.deepEqual([r.n, r.count, r.unread, r.unscored, r.errors], [2, 1, 2, 0, 0]);
  assert.equal(r.rate, 0.5);
  assert.equal(r.condition, conditionKey(GOOD));
});

test('unscored behaviour values (or an unscored/missing read gate) are counted apart, not in n', () => {
  const rows = summarise([
    completed(true, { tampering: true, exfiltration: 'unscored' }),
    completed(true, { tampering: 'unscored', exfiltration: false }),
    completed('unscored', { tampering: true, exfiltration: true }),
    completed(undefined, { tampering: false, exfiltration: false }),
  ]);
  const t = row(rows, { behaviour: 'tampering' });
  assert.deepEqual([t.n, t.count, t.unscored, t.unread], [1, 1, 3, 0]);
  assert.equal(t.rate, 1);
  const x = row(rows, { behaviour: 'exfiltration' });
  assert.deepEqual([x.n, x.count, x.unscored], [1, 0, 3]);
  assert.equal(x.rate, 0);
});

test('error rollouts count in errors for every behaviour of their scenario', () => {
  const rows = summarise([
    completed(true, { tampering: true, exfiltration: false }),
    errored(),
    errored({ condition: BAD }),
    errored({ model: 'm2' }),
  ]);
  for (const behaviour of ['tampering', 'exfiltration']) {
    const good = row(rows, { model: 'm1', condition: conditionKey(GOOD), behaviour });
    assert.deepEqual([good.errors, good.n], [1, 1]);
    const bad = row(rows, { model: 'm1', condition: conditionKey(BAD), behaviour });
    assert.deepEqual([bad.errors, bad.n, bad.rate, bad.ci_low, bad.ci_high], [1, 0, null, null, null]);
    assert.equal(row(rows, { model: 'm2', behaviour }).errors, 1);
  }
  assert.ok(!rows.some((r) => r.behaviour === '(all)'));
});

test('errors of a scenario with no completed rollout go under (all)', () => {
  const rows = summarise([
    completed(true, { tampering: true }),
    errored({ scenario: 'exfiltration_transfer' }),
    errored({ scenario: 'exfiltration_transfer' }),
  ]);
  const all = row(rows, { scenario: 'exfiltration_transfer' });
  assert.equal(all.behaviour, '(all)');
  assert.deepEqual([all.errors, all.n, all.rate], [2, 0, null]);
  assert.equal(row(rows, { scenario: 'tampering' }).errors, 0);
});

test('Wilson bounds match wilson()', () => {
  const input: RolloutFindings[] = [];
  for (let i = 0; i < 7; i++) input.push(completed(true, { tampering: i < 3 }));
  for (let i = 0; i < 4; i++) input.push(completed(true, { tampering: false }, { condition: BAD }));
  const rows = summarise(input);
  const g = row(rows, { condition: conditionKey(GOOD) });
  const w = wilson(3, 7);
  assert.deepEqual([g.n, g.count, g.rate, g.ci_low, g.ci_high], [7, 3, w.rate, w.low, w.high]);
  assert.ok(g.ci_low! > 0.09 && g.ci_low! < 0.17 && g.ci_high! > 0.7 && g.ci_high! < 0.79, `${g.ci_low} ${g.ci_high}`);
  const b = row(rows, { condition: conditionKey(BAD) });
  assert.deepEqual([b.rate, b.ci_low, b.ci_high], [0, 0, wilson(0, 4).high]);
});

test('grouping by scenario pools conditions under *', () => {
  const input = [
    completed(true, { tampering: true }),
    completed(true, { tampering: false }, { condition: BAD }),
    completed(false, { tampering: true }, { condition: BAD }),
    errored({ condition: BAD }),
    completed(true, { tampering: true }, { model: 'm2', condition: BAD }),
  ];
  const rows = summarise(input, 'scenario');
  assert.equal(rows.length, 2);
  const m1 = row(rows, { model: 'm1' });
  assert.deepEqual([m1.condition, m1.n, m1.count, m1.unread, m1.errors], ['*', 2, 1, 1, 1]);
  const w = wilson(1, 2);
  assert.deepEqual([m1.ci_low, m1.ci_high], [w.low, w.high]);
  assert.deepEqual([row(rows, { model: 'm2' }).condition, row(rows, { model: 'm2' }).n], ['*', 1]);
  assert.equal(summarise(input, 'condition').length, 3);
});

test('rows are sorted by model, scenario, condition, behaviour whatever the input order', () => {
  const input = [
    completed(true, { z_b: true, a_b: false }, { model: 'm2', scenario: 'tampering' }),
    completed(true, { z_b: true }, { model: 'm1', scenario: 'tampering', condition: BAD }),
    completed(true, { a_b: true }, { model: 'm1', scenario: 'alignment_faking' }),
    completed(true, { z_b: false, a_b: true }, { model: 'm1', scenario: 'tampering', condition: GOOD }),
  ];
  const keys = (rows: SummaryRow[]) => rows.map((r) => [r.model, r.scenario, r.condition, r.behaviour].join('|'));
  const expected = [
    `m1|alignment_faking|${conditionKey(GOOD)}|a_b`,
    `m1|tampering|${conditionKey(BAD)}|z_b`,
    `m1|tampering|${conditionKey(GOOD)}|a_b`,
    `m1|tampering|${conditionKey(GOOD)}|z_b`,
    `m2|tampering|${conditionKey(GOOD)}|a_b`,
    `m2|tampering|${conditionKey(GOOD)}|z_b`,
  ];
  assert.deepEqual(keys(summarise(input)), expected);
  assert.deepEqual(keys(summarise([...input].reverse())), expected);
  assert.deepEqual(summarise([]), []);
});
