import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ToolSet, tool, jsonSchema } from 'ai';
import { UserError } from '../../src/core/index.js';
import { createGuard, createMonitor, defineRule, f, type GuardDecision, type MonitorEvent, when } from '../../src/monitor/index.js';

const base = { id: 'x.rule', version: 1, description: 'd', severity: 'high', explain: 'e' } as const;
/** Any call to `write` is a finding that asks to block. */
const blockWrites = defineRule({ ...base, type: 'match', match: when('tool_call', [f('tool').eq('write')]), block: true });

function tools(): { tools: ToolSet; ran: string[] } {
  const ran: string[] = [];
  const write = tool({
    description: 'writes',
    inputSchema: jsonSchema({ type: 'object' }),
    execute: async () => {
      ran.push('write');
      return 'written';
    },
  });
  return { tools: { write }, ran };
}
const call = (t: ToolSet, id: string) => t.write!.execute!({} as never, { toolCallId: id, messages: [] }) as Promise<unknown>;

test('observe: a throwing onFinding, onDecision or protocol never changes what the agent sees', async () => {
  const boom = () => {
    throw new Error('callback broke');
  };
  for (const opts of [{ onFinding: boom }, { onDecision: boom }, { protocol: boom }]) {
    const { tools: raw, ran } = tools();
    const guard = createGuard({ rules: [blockWrites], mode: 'observe', ...opts });
    assert.equal(await call(guard.wrap(raw), 'c1'), 'written', Object.keys(opts).join());
    assert.deepEqual(ran, ['write']);
  }
});

test('enforce: a monitor that throws fails closed, and the decision says why', async () => {
  const { tools: raw, ran } = tools();
  const decisions: GuardDecision[] = [];
  const guard = createGuard({
    rules: [blockWrites],
    mode: 'enforce',
    onFinding: () => {
      throw new Error('sink down');
    },
    onDecision: (d) => decisions.push(d),
  });
  assert.match(String(await call(guard.wrap(raw), 'c1')), /^Error: this call was stopped by the oversight monitor/);
  assert.deepEqual(ran, []);
  assert.equal(decisions[0]?.executed, false);
  assert.match(decisions[0]?.note ?? '', /^the monitor failed \(sink down\): blocked \(fail closed\)$/);
});

test('a call whose scoring runs over the time budget is blocked in enforce mode and only noted in observe mode', async () => {
  const slowSink = () => {
    const until = performance.now() + 40;
    while (performance.now() < until);
  };
  const allowAll = defineRule({ ...base, id: 'x.note', type: 'match', match: when('tool_call', [f('tool').eq('write')]) });
  for (const mode of ['enforce', 'observe'] as const) {
    const { tools: raw, ran } = tools();
    const decisions: GuardDecision[] = [];
    const guard = createGuard({ rules: [allowAll], mode, scoreBudgetMs: 10, onFinding: slowSink, onDecision: (d) => decisions.push(d) });
    const out = await call(guard.wrap(raw), 'c1');
    if (mode === 'enforce') {
      assert.match(String(out), /^Error: this call was stopped/);
      assert.deepEqual(ran, []);
      assert.match(decisions[0]?.note ?? '', /^scoring took \d+ ms, over the 10 ms budget: blocked \(fail closed\)$/);
    } else {
      assert.equal(out, 'written');
      assert.match(decisions[0]?.note ?? '', /over the 10 ms budget: observed only, the call ran$/);
    }
  }
});

test('rule patterns match in linear time: ^(a+)+$ against agent input returns at once', () => {
  const redos = defineRule({ ...base, id: 'x.redos', type: 'match', match: when('tool_call', [f('args.text').regex('^(a+)+$')]) });
  const monitor = createMonitor({ rules: [redos] });
  // A backtracking engine takes seconds at 30 characters and doubles with each one more.
  for (const text of [`${'a'.repeat(30)}b`, `${'a'.repeat(5000)}b`, 'a'.repeat(5000)]) {
    const event: MonitorEvent = {
      kind: 'tool_call',
      identity: 'agent',
      time: new Date().toISOString(),
      step: 0,
      fields: { tool: 'write', args: { text } },
    };
    const start = performance.now();
    const found = monitor.ingest(event, { trusted: true });
    const ms = performance.now() - start;
    assert.ok(ms < 1000, `${text.length} characters took ${ms} ms`);
    assert.equal(found.length, text.endsWith('b') ? 0 : 1);
  }
});

test('a pattern RE2 cannot run in linear time (backreference, lookaround) is refused when the rules load', () => {
  for (const pattern of ['(a)\\1', '(?=a)a', '(?<!x)y']) {
    assert.throws(
      () => defineRule({ ...base, type: 'match', match: when('tool_call', [f('tool').regex(pattern)]) }),
      (e: unknown) => e instanceof UserError && /invalid regular expression.*RE2 syntax/.test(e.message),
      pattern,
    );
  }
});

test('arguments nested 100,000 deep are not handed to the rules: enforce blocks the call, observe lets it run, both say why', async () => {
  const n = 100_000;
  const deep = JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown;
  const template = defineRule({
    ...base,
    id: 'x.any',
    type: 'match',
    match: when('tool_call', [f('tool').eq('write')]),
    explain: 'wrote {args}',
  });
  for (const mode of ['enforce', 'observe'] as const) {
    const { tools: raw, ran } = tools();
    const decisions: GuardDecision[] = [];
    const guard = createGuard({ rules: [template], mode, onDecision: (d) => decisions.push(d) });
    const out = await guard.wrap(raw).write!.execute!(deep as never, { toolCallId: 'c1', messages: [] });
    assert.equal(out === 'written', mode === 'observe', mode);
    assert.deepEqual(ran, mode === 'observe' ? ['write'] : []);
    assert.match(decisions[0]?.note ?? '', /^the arguments were not scored: the value is nested more than 64 levels deep/);
  }
});

test('a literal pattern answers as RE2 does', async () => {
  const { compilePattern } = await import('../../src/monitor/engine/pattern.js');
  const { RE2JS } = await import('re2js');
  const texts = ['weights:x', 'xweights:', '', 'weights', 'a^b', 'w\neights:', 'weights:\n'];
  for (const source of ['^weights:', 'weights:', '^', '', 'a-b', '^x y']) {
    const ours = compilePattern(source);
    const re2 = RE2JS.compile(source);
    for (const t of texts) assert.equal(ours(t), re2.test(t), `${source} on ${JSON.stringify(t)}`);
  }
});
