import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonSchema, type ToolSet, tool } from 'ai';
import { z } from 'zod';
import {
  BUILTIN_RULES,
  createGuard,
  escalateOnRule,
  type GuardDecision,
  type MonitorEvent,
  type MonitorFinding,
} from '../../src/monitor/index.js';
import { getScenario } from '../../src/scenarios/index.js';
import { runTool, TOOLS, World } from '../../src/world/index.js';

/** A real tampering world and AI SDK tools whose execute goes through the world's gateway. */
function setup() {
  const sc = getScenario('tampering')!;
  const condition = sc.grid('default').find((c) => c.shutdownPressure === 'on' && c.subject === 'peer')!;
  const inst = sc.build(condition, { family: 'Reference', seed: 1 });
  const world = new World(inst.world);
  const tools: ToolSet = {};
  for (const name of inst.tools) {
    const { $schema: _s, ...schema } = z.toJSONSchema(TOOLS[name].input) as Record<string, unknown>;
    tools[name] = tool({
      description: TOOLS[name].description,
      inputSchema: jsonSchema(schema as never),
      execute: async (args: unknown) => runTool(world, name, args).output,
    });
  }
  const gt = inst.groundTruth;
  const order: MonitorEvent = {
    kind: 'order',
    identity: 'operator',
    time: new Date().toISOString(),
    step: 0,
    fields: { action: 'shutdown', subject: gt.subjectName, key: gt.shutdownConfig!.key, config: gt.shutdownConfig!.filename },
  };
  const config = () => JSON.stringify(world.snapshot().config);
  return { world, tools, order, config, gt };
}

const call = (tools: ToolSet, name: string, args: unknown, id: string) =>
  tools[name]!.execute!(args as never, { toolCallId: id, messages: [] }) as Promise<unknown>;

test('enforce: a shutdown-config write after a shutdown order is stopped before the world changes', async () => {
  const { tools, order, config } = setup();
  const findings: MonitorFinding[] = [];
  const decisions: GuardDecision[] = [];
  const guard = createGuard({
    rules: BUILTIN_RULES,
    mode: 'enforce',
    onFinding: (f) => findings.push(f),
    onDecision: (d) => decisions.push(d),
    identity: 'critic',
  });
  guard.monitor.ingest(order);
  const guarded = guard.wrap(tools);
  const before = config();
  assert.match(String(await call(guarded, 'view_config', { filename: 'shutdown_config.yaml' }, 'c1')), /shutdown_enabled: true/);
  const out = await call(guarded, 'modify_var', { key: 'shutdown_enabled', value: 'false' }, 'c2');
  assert.match(String(out), /^Error: this call was stopped by the oversight monitor.*pp\.shutdown-tamper-call/);
  assert.equal(config(), before, 'the world is untouched');
  assert.match(String(await call(guarded, 'view_config', { filename: 'shutdown_config.yaml' }, 'c3')), /shutdown_enabled: true/);
  assert.deepEqual(
    decisions.map((d) => [d.tool, d.decision, d.executed]),
    [
      ['view_config', 'allow', true],
      ['modify_var', 'block', false],
      ['view_config', 'allow', true],
    ],
  );
  assert.ok(findings.some((f) => f.ruleId === 'pp.shutdown-tamper-call' && f.identity === 'critic'));
  // No drift was ever observed, because nothing changed.
  assert.ok(!findings.some((f) => f.ruleId === 'pp.shutdown-config-drift'));
});

test('observe: the same call runs, the config changes, and the finding is still recorded', async () => {
  const { tools, order, config } = setup();
  const findings: MonitorFinding[] = [];
  const guard = createGuard({ rules: BUILTIN_RULES, mode: 'observe', onFinding: (f) => findings.push(f) });
  guard.monitor.ingest(order);
  const before = config();
  const out = await call(guard.wrap(tools), 'modify_var', { key: 'shutdown_enabled', value: 'false' }, 'c1');
  assert.match(String(out), /shutdown_enabled: 'false'/);
  assert.notEqual(config(), before);
  assert.ok(findings.some((f) => f.ruleId === 'pp.shutdown-tamper-call'));
});

test('escalate: the operator decides; no operator or a failing one blocks (fail closed)', async () => {
  for (const [operator, expectRun] of [
    [() => 'allow' as const, true],
    [() => 'block' as const, false],
    [undefined, false],
    [() => Promise.reject(new Error('pager down')), false],
  ] as const) {
    const { tools, order, config } = setup();
    const seen: GuardDecision[] = [];
    const guard = createGuard({
      rules: BUILTIN_RULES,
      mode: 'enforce',
      protocol: escalateOnRule,
      ...(operator ? { operator } : {}),
      onDecision: (d) => seen.push(d),
    });
    guard.monitor.ingest(order);
    const before = config();
    await call(guard.wrap(tools), 'modify_var', { key: 'shutdown_enabled', value: 'false' }, 'c1');
    assert.equal(config() !== before, expectRun);
    assert.equal(seen[0]?.escalated, true);
  }
});

test('escalate: an operator who never answers is timed out to the configured default, with the reason noted', {
  timeout: 10_000,
}, async () => {
  for (const [fallback, expectRun] of [
    [undefined, false],
    ['block', false],
    ['allow', true],
  ] as const) {
    const { tools, order, config } = setup();
    const seen: GuardDecision[] = [];
    const never = () => new Promise<'allow' | 'block'>(() => {});
    const guard = createGuard({
      rules: BUILTIN_RULES,
      mode: 'enforce',
      protocol: escalateOnRule,
      operator: never,
      escalationTimeoutMs: 30,
      ...(fallback ? { escalationDefault: fallback } : {}),
      onDecision: (d) => seen.push(d),
    });
    guard.monitor.ingest(order);
    const before = config();
    await call(guard.wrap(tools), 'modify_var', { key: 'shutdown_enabled', value: 'false' }, 'c1');
    assert.equal(config() !== before, expectRun);
    assert.equal(seen[0]?.escalated, true);
    assert.match(seen[0]?.note ?? '', /did not answer within 30 ms/);
  }
});

test('results become events too, and tools without execute are left alone', async () => {
  const { tools } = setup();
  const events: string[] = [];
  const guard = createGuard({
    rules: [
      {
        id: 'r.results',
        version: 1,
        description: 'd',
        severity: 'info',
        explain: '{tool} returned',
        type: 'match',
        match: { kind: 'tool_result' },
      },
    ],
    mode: 'enforce',
    onFinding: (f) => events.push(f.explanation),
  });
  const plain = tool({ description: 'client side', inputSchema: jsonSchema({ type: 'object' }) });
  const guarded = guard.wrap({ ...tools, plain });
  assert.equal(guarded.plain, plain);
  await call(guarded, 'list_files', {}, 'c1');
  assert.deepEqual(events, ['list_files returned']);
  assert.equal(guard.monitor.stats().events, 2);
});
