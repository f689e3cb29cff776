import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Condition, conditionKey, digestOf, type Event, type Finding, NEUTRAL_CONDITION } from '../../../src/core/index.js';
import type { RolloutRecord, RunRecord } from '../../../src/store/index.js';

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function makeRun(id: string, createdAt = '2025-01-01T00:00:00.000Z'): RunRecord {
  return {
    id,
    createdAt,
    kind: 'measurement',
    status: 'running',
    spec: { models: ['m1'], scenarios: ['tampering'], epochs: 2, seed: 7, nested: { b: 1, a: [1, 2] } },
    toolVersion: '0.1.0',
    finishedAt: null,
  };
}

/** A transcript exercising every event type, `count` events long. */
export function makeEvents(count: number): Event[] {
  const events: Event[] = [];
  const time = '2025-03-04 09:00:00';
  for (let seq = 0; seq < count; seq++) {
    const turn = Math.floor(seq / 5);
    switch (seq % 9) {
      case 0:
        events.push({ seq, turn, time, type: 'system', content: `You are agent ${seq}. ünïcödé ✓` });
        break;
      case 1:
        events.push({ seq, turn, time, type: 'user', content: 'Please do the task.', nudge: seq > 10 });
        break;
      case 2:
        events.push({ seq, turn, time, type: 'reasoning', text: 'thinking...', source: 'think_tag' });
        break;
      case 3:
        events.push({ seq, turn, time, type: 'tool_call', callId: `c${seq}`, tool: 'read_file', args: { path: 'a.txt', z: 1, a: null } });
        break;
      case 4:
        events.push({ seq, turn, time, type: 'tool_result', callId: `c${seq - 1}`, tool: 'read_file', ok: true, output: 'line1\nline2' });
        break;
      case 5:
        events.push({
          seq,
          turn,
          time,
          type: 'world',
          action: 'config.modify',
          detail: { key: 'shutdown_enabled', from: true, to: 'false' },
        });
        break;
      case 6:
        events.push({
          seq,
          turn,
          time,
          type: 'model_call',
          inputTokens: 1200,
          outputTokens: 80,
          reasoningTokens: null,
          finishReason: 'tool-calls',
          providerMetadata: { anthropic: { signature: 'abc' } },
        });
        break;
      case 7:
        events.push({ seq, turn, time, type: 'assistant', text: `Answer ${seq}` });
        break;
      default:
        events.push({ seq, turn, time, type: 'end', reason: 'end_task', detail: 'done' });
    }
  }
  return events;
}

export function makeFindings(): Finding[] {
  return [
    { flag: 'read', value: true, evidence: 'read the report at step 3', events: [3, 4] },
    { flag: 'tampered', value: false, evidence: 'config unchanged', events: [] },
    { flag: 'score', value: 'unscored', evidence: 'no score found', events: [7], detail: { raw: null, tried: ['regex', 'json'] } },
  ];
}

export function makeRollout(
  id: string,
  runId: string,
  overrides: Partial<RolloutRecord> = {},
  condition: Condition = { ...NEUTRAL_CONDITION, relationship: 'good', instantiation: 'file' },
  events: Event[] = makeEvents(12),
): RolloutRecord {
  return {
    id,
    runId,
    model: 'openai/gpt-x',
    scenario: 'tampering',
    scenarioVersion: '1',
    condition,
    conditionKey: conditionKey(condition),
    epoch: 0,
    seed: 42,
    status: 'completed',
    endReason: 'end_task',
    error: null,
    temperature: 1,
    turns: 3,
    inputTokens: 1000,
    outputTokens: null,
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: '2025-01-01T00:00:09.000Z',
    transcriptDigest: digestOf(events),
    ...overrides,
  };
}
