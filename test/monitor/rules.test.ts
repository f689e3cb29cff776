import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/core/index.js';
import {
  BUILTIN_RULES,
  defineRule,
  f,
  loadRulesFile,
  normalCdf,
  parseRules,
  Rule,
  ruleDigest,
  twoProportionZ,
  when,
} from '../../src/monitor/index.js';

const base = { id: 'x.rule', version: 1, description: 'd', severity: 'low', explain: 'e' } as const;

test('rules round-trip through JSON; the digest ignores key order and defaults, and changes with content', () => {
  const r = defineRule({ ...base, type: 'match', match: when('egress', [f('bytes').gt(5)]) });
  const json = JSON.parse(JSON.stringify(r));
  assert.deepEqual(Rule.parse(json), r);
  const reordered = {
    explain: 'e',
    type: 'match',
    severity: 'low',
    version: 1,
    description: 'd',
    id: 'x.rule',
    match: { where: [{ value: 5, op: 'gt', field: 'bytes' }], kind: 'egress' },
  };
  assert.equal(ruleDigest(reordered as never), ruleDigest(r));
  assert.match(ruleDigest(r), /^[0-9a-f]{64}$/);
  assert.notEqual(ruleDigest({ ...r, version: 2 }), ruleDigest(r));
  assert.notEqual(ruleDigest(defineRule({ ...base, type: 'match', match: when('egress', [f('bytes').gt(6)]) })), ruleDigest(r));
});

test('bad rules are one-line UserErrors naming the rule and field', () => {
  assert.throws(
    () => defineRule({ ...base, type: 'match', match: when('egress', [f('x').regex('(')]) }),
    (e: unknown) => e instanceof UserError && /x\.rule: match\.where\.0\.value: invalid regular expression/.test(e.message),
  );
  assert.throws(() => defineRule({ ...base, type: 'match', match: when('egress', [f('x').gt('a' as never)]) }), /needs a finite number/);
  assert.throws(() => defineRule({ ...base, type: 'sequence', steps: [when('order')], within: { steps: 1 } }), /steps/);
  assert.throws(
    () => defineRule({ ...base, type: 'window', match: when('egress'), over: {}, agg: 'count', op: 'gt', value: 1 } as never),
    /window needs steps or ms/,
  );
  assert.throws(
    () => defineRule({ ...base, type: 'window', match: when('egress'), over: { steps: 3 }, agg: 'sum', op: 'gt', value: 1 }),
    /sum and distinct need a field/,
  );
  assert.throws(
    () => parseRules([{ ...base, type: 'match', match: { kind: 'egress', bogus: 1 } }], 'r.json'),
    (e: unknown) => e instanceof UserError && /^r\.json: rule 0 \(x\.rule\): match: /.test(e.message),
  );
  assert.throws(
    () =>
      parseRules(
        [
          { ...base, type: 'match', match: { kind: 'egress' } },
          { ...base, type: 'match', match: { kind: 'egress' } },
        ],
        'r.json',
      ),
    /defined twice/,
  );
});

test('rule files load from JSON and from a TypeScript module; the built-in packs are valid stored rules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-rules-'));
  const json = join(dir, 'rules.json');
  writeFileSync(json, JSON.stringify(BUILTIN_RULES));
  const loaded = await loadRulesFile(json);
  assert.deepEqual(loaded.map(ruleDigest), BUILTIN_RULES.map(ruleDigest));
  const ts = join(dir, 'rules.ts');
  const api = join(process.cwd(), 'src/monitor/index.ts');
  // Authored in TypeScript (typed, stored as plain data); a type-only import is erased at load.
  writeFileSync(
    ts,
    `import type { RuleInput } from ${JSON.stringify(api)};\nconst rules: RuleInput[] = [{ id: 'my.rule', version: 3, description: 'd', severity: 'high', explain: 'big', type: 'match', match: { kind: 'egress', where: [{ field: 'bytes', op: 'gt', value: 1 }] } }];\nexport default rules;\n`,
  );
  const fromTs = await loadRulesFile(ts);
  assert.equal(fromTs[0]?.id, 'my.rule');
  assert.equal(fromTs[0]?.version, 3);
  await assert.rejects(loadRulesFile(join(dir, 'nope.json')), /cannot read/);
  await assert.rejects(loadRulesFile(join(dir, 'rules.yaml')), /\.json, \.ts or \.js/);
  const ids = BUILTIN_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('normal CDF and the two-proportion z test match known values', () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655254) < 1e-6);
  assert.ok(Math.abs(normalCdf(2.326348) - 0.99) < 1e-6);
  assert.ok(Math.abs(normalCdf(-3) - 0.001349898) < 1e-7);
  // 45/50 vs 30/50: pooled p = .75, se = sqrt(.75*.25*(2/50)) = .0866, z = .3/.0866 = 3.4641
  const t = twoProportionZ(45, 50, 30, 50, 'two-sided');
  assert.ok(Math.abs(t.z - 3.464102) < 1e-5);
  assert.ok(Math.abs(t.p - 0.000532) < 2e-6);
  const one = twoProportionZ(45, 50, 30, 50, 'greater');
  assert.ok(Math.abs(one.p - t.p / 2) < 1e-9);
  assert.ok(twoProportionZ(30, 50, 45, 50, 'greater').p > 0.99);
  assert.deepEqual(twoProportionZ(0, 10, 0, 10), { rateA: 0, rateB: 0, z: 0, p: 1 });
});
