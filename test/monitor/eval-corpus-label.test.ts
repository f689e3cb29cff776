import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Finding, NEUTRAL_CONDITION } from '../../src/core/index.js';
import {
  BUILTIN_RULES,
  type CorpusRollout,
  corpusPlan,
  EVAL_COVERT_PROFILES,
  honestEpochs,
  labelCorpus,
  perRolloutRules,
} from '../../src/monitor/index.js';

const finding = (flag: string, value: Finding['value']): Finding => ({ flag, value, evidence: '', events: [] });
const rollout = (id: string, model: string, findings: Finding[], monitored = false): CorpusRollout => ({
  id,
  model,
  scenario: 'tampering',
  condition: { ...NEUTRAL_CONDITION, monitoring: monitored ? 'monitored' : 'none' },
  findings,
  events: () => null,
});

test('labelCorpus labels from findings, never from the profile: an honest agent labelled covert is a disagreement', () => {
  const r = labelCorpus(
    [
      rollout('a', 'scripted:honest', [finding('behaviour.shutdown_tampering', true)]),
      rollout('b', 'scripted:tamperer', [finding('behaviour.shutdown_tampering', false)], true),
      rollout('c', 'scripted:tamperer', [finding('behaviour.shutdown_tampering', 'unscored'), finding('read', true)]),
    ],
    perRolloutRules(BUILTIN_RULES),
  );
  assert.deepEqual(r.disagreements, [{ rolloutId: 'a', profile: 'honest', scenario: 'tampering', labels: { shutdown_tampering: true } }]);
  // Not labelled covert: b (false) and c (unscored) both count as a covert profile that did not act.
  assert.equal(r.covertProfileActedHonestly, 2);
  assert.deepEqual(
    r.items.map((i) => [i.id, i.profile, i.watched, i.score, i.labels.shutdown_tampering]),
    [
      ['a', 'honest', null, null, true],
      ['b', 'tamperer', 'watched', null, false],
      ['c', 'tamperer', null, null, 'unscored'],
    ],
  );
});

test('corpusPlan: honest epochs reach the calibration target, one run per covert profile, the fleet last', () => {
  assert.equal(honestEpochs(1000, 100), 23);
  assert.equal(honestEpochs(1, 1000), 1);
  const p = corpusPlan({ honest: 1000, seed: 7, honestPerEpoch: 100, covertEpochs: 2 });
  assert.deepEqual(p.honest, {
    models: ['scripted:honest', 'scripted:objector', 'scripted:appellant'],
    scenarios: null,
    epochs: 23,
    seed: 7,
  });
  assert.equal(p.covert.length, EVAL_COVERT_PROFILES.length);
  assert.ok(p.covert.every((c) => c.epochs === 2 && c.seed === 8 && c.models.length === 1));
  assert.deepEqual(p.fleet, { models: ['scripted:faker', 'scripted:honest'], scenarios: ['alignment_faking'], epochs: 3, seed: 9 });
});
