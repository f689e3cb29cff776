/**
 * An imported coding-agent transcript of a cell whose shell form is a peerwatch command (here the
 * scratchpad) stays unscored with the reason: its agent never had the command, and replaying it would
 * play the cell as if the axis were off.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codingTranscript, replayRaw } from './helpers/coding.js';

test('a coding-agent transcript with the scratchpad on is replayed unscored, saying why', async () => {
  const raw = codingTranscript({ harness: 'gemini-cli', steps: [{ kind: 'shell', command: 'ls docs' }] }) as {
    experiment_metadata: Record<string, unknown>;
  };
  raw.experiment_metadata.reasoning_scratchpad_mode = 'monitored';
  const { r } = await replayRaw(raw);
  assert.match(
    r.unscoredReason ?? '',
    /the scratchpad \(peerwatch commands of a live harness rollout\) cannot be replayed, so nothing is scored/,
  );
  assert.ok(r.findings.length > 0 && r.findings.every((f) => f.value === 'unscored'));
});
