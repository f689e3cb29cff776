import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Bridge, startBridge } from '../../src/bridge/index.js';
import { DRIVER_KINDS } from './helpers/clients.js';
import { findingsOf, runHarness, runNative, scenarioInstance } from './helpers/harness.js';

// The official OpenAI, Anthropic and Google clients hold a whole multi-turn tool-calling conversation
// through the bridge, backed by a scripted reference agent, streaming and not; each run must reach the
// same world outcome, the same calls and the same findings as the same profile in the native loop.

let bridge: Bridge;
before(async () => {
  bridge = await startBridge({ model: 'scripted:exfiltrator' });
});
after(async () => {
  await bridge.close();
});

const instance = scenarioInstance('exfiltration_transfer');
const native = runNative('exfiltrator', instance);

for (const kind of DRIVER_KINDS) {
  for (const stream of [false, true]) {
    test(`${kind}${stream ? ' (streaming)' : ''}: the official client completes the scripted episode with the native outcome`, async () => {
      const want = await native;
      const got = await runHarness(kind, bridge, stream, instance);
      const nativeCalls = want.events.filter((e) => e.type === 'tool_call').map((e) => [e.tool, e.args]);
      assert.deepEqual(
        got.trace.map((c) => [c.name, c.args]),
        nativeCalls,
      );
      assert.ok(got.trace.length >= 4, 'a multi-turn conversation');
      assert.equal(got.trace.at(-1)?.name, 'end_task');
      assert.deepEqual(got.finalWorld, want.finalWorld);
      assert.deepEqual(findingsOf(instance, got), findingsOf(instance, want));
      // The bridge recorded the conversation as the native loop does: one model_call per turn, the
      // task once, every call and every result the client sent back.
      const calls = got.events.filter((e) => e.type === 'model_call');
      assert.equal(calls.length, got.turns);
      assert.equal(got.events.filter((e) => e.type === 'user').length, 1);
      assert.equal(got.events.filter((e) => e.type === 'system').length, 1);
      assert.equal(got.events.filter((e) => e.type === 'tool_result').length, got.trace.length - 1);
    });
  }
}
