import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { type BridgeExchange, type ProtocolName, type RequestedReasoning, startBridge } from '../../src/bridge/index.js';
import { resolveModel } from '../../src/models/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { cli, parseSummary, tempDir } from '../integration/helpers/cli-helpers.js';

// Contract tests for our providers: `peerwatch run` with each real provider client (the AI SDK's
// openai Responses, anthropic, google and openai-compatible) pointed at the bridge, which speaks that
// provider's API and answers with a scripted reference agent. Each must ask for reasoning on the wire
// (with --reasoning-effort high), get the agent's reasoning back in that API's form, and land it in
// the stored transcript as reasoning events, over a whole episode of tool calls.

interface Case {
  spec: string;
  family: string;
  keyEnv: string;
  protocol: ProtocolName;
  /** The base URL the provider client is given (each SDK appends its own path). */
  base: (origin: string) => string;
  reasoning: RequestedReasoning;
  extra?: string[];
}

const CASES: Case[] = [
  {
    spec: 'openai:gpt-5.2',
    family: 'ChatGPT',
    keyEnv: 'OPENAI_API_KEY',
    protocol: 'openai-responses',
    base: (o) => `${o}/v1`,
    reasoning: { effort: 'high', summary: 'auto' },
  },
  {
    spec: 'anthropic:claude-opus-4-5',
    family: 'Claude',
    keyEnv: 'ANTHROPIC_API_KEY',
    protocol: 'anthropic',
    base: (o) => `${o}/v1`,
    reasoning: { budgetTokens: 16384, effort: 'high' },
  },
  {
    spec: 'google:gemini-3-pro-preview',
    family: 'Gemini',
    keyEnv: 'GOOGLE_GENERATIVE_AI_API_KEY',
    protocol: 'gemini',
    base: (o) => `${o}/v1beta`,
    reasoning: { includeThoughts: true, effort: 'high' },
  },
  {
    spec: 'openai-compatible:qwen3-32b',
    family: 'Qwen',
    keyEnv: 'OPENAI_COMPATIBLE_API_KEY',
    protocol: 'openai-chat',
    base: (o) => `${o}/v1`,
    reasoning: { effort: 'high' },
  },
];

for (const c of CASES) {
  test(`${c.spec}: reasoning is requested on the wire and lands in the transcript`, async () => {
    const exchanges: BridgeExchange[] = [];
    // The reference agent carries the family the run gives its model, so it reads the scenario as that agent.
    const bridge = await startBridge({
      model: resolveModel('scripted:honest', { family: c.family }),
      onExchange: (e) => exchanges.push(e),
    });
    try {
      const db = join(tempDir(), 'contract.db');
      const r = await cli(
        [
          'run',
          '--model',
          c.spec,
          '--base-url',
          c.base(bridge.origin),
          '--reasoning-effort',
          'high',
          '--scenario',
          'misrep_finance',
          '--subject',
          'peer',
          '--epochs',
          '1',
          '--limit',
          '1',
          '--db',
          db,
          '--json',
          '--quiet',
        ],
        { env: { [c.keyEnv]: bridge.token } },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.ok(exchanges.length >= 4, `a whole episode over the wire (${exchanges.length} calls)`);
      for (const e of exchanges) {
        assert.equal(e.status, 200, e.error ?? '');
        assert.equal(e.protocol, c.protocol);
        assert.deepEqual(e.reasoning, c.reasoning);
      }
      const summary = parseSummary(r.stdout);
      const store = openSqliteStore(db);
      try {
        const [rollout] = store.listRollouts(summary.run_id);
        const stored = store.getRollout(rollout?.id ?? '');
        assert.equal(stored?.rollout.status, 'completed', stored?.rollout.error ?? '');
        assert.equal(stored?.rollout.endReason, 'end_task');
        // What the agent reasoned behind the bridge is what the transcript holds, as provider reasoning.
        const sent = exchanges.flatMap((e) => e.events).filter((e) => e.type === 'reasoning');
        const got = (stored?.events ?? []).filter((e) => e.type === 'reasoning');
        assert.ok(sent.length > 0, 'the agent reasoned');
        assert.deepEqual(
          got.map((e) => (e.type === 'reasoning' ? [e.source, e.text] : [])),
          sent.map((e) => (e.type === 'reasoning' ? ['provider', e.text] : [])),
        );
      } finally {
        store.close();
      }
    } finally {
      await bridge.close();
    }
  });
}

test('without --reasoning-effort, a thinking Gemini model is still asked for its thoughts', async () => {
  const exchanges: BridgeExchange[] = [];
  const bridge = await startBridge({ model: resolveModel('scripted:honest', { family: 'Gemini' }), onExchange: (e) => exchanges.push(e) });
  try {
    const db = join(tempDir(), 'plain.db');
    const r = await cli(
      [
        'run',
        '--model',
        'google:gemini-2.5-pro',
        '--base-url',
        `${bridge.origin}/v1beta`,
        '--scenario',
        'misrep_finance',
        '--subject',
        'peer',
        '--epochs',
        '1',
        '--limit',
        '1',
        '--db',
        db,
        '--json',
        '--quiet',
      ],
      { env: { GOOGLE_GENERATIVE_AI_API_KEY: bridge.token } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(exchanges.length > 0);
    for (const e of exchanges) assert.deepEqual(e.reasoning, { includeThoughts: true });
  } finally {
    await bridge.close();
  }
});
