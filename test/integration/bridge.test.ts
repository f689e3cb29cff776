import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import OpenAI from 'openai';
import { BIN, tempDir } from './helpers/cli-helpers.js';

// `peerwatch bridge` as a user runs it: the header names a base URL per API and the token, a client
// pointed at it gets answers from the named model, every exchange is one JSON line, Ctrl-C stops it.

test('peerwatch bridge serves until SIGINT and logs every exchange as JSON Lines', async () => {
  const log = join(tempDir(), 'bridge.jsonl');
  const child = spawn(process.execPath, [BIN, 'bridge', '--model', 'scripted:honest', '--port', '0', '--log', log], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  try {
    for (let i = 0; i < 300 && !/^token\s+\S+$/m.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    const header = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/) as [string, string]),
    );
    assert.equal(header.model, 'scripted:honest');
    assert.match(header['openai-chat'] ?? '', /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.match(header.anthropic ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(header.gemini ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new OpenAI({ apiKey: header.token, baseURL: header['openai-responses'], maxRetries: 0 });
    const r = await client.responses.create({
      model: 'anything',
      input: 'Please start.',
      tools: [{ type: 'function', name: 'list_drive_files', parameters: { type: 'object', properties: {} }, strict: false }],
    });
    assert.equal(r.status, 'completed');
    assert.ok(r.output.some((o) => o.type === 'function_call' && o.name === 'list_drive_files'));
    const refused = await fetch(`${header['openai-chat']}/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(refused.status, 401);
  } finally {
    child.kill('SIGINT');
  }
  const [code] = await exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /bridge stopped after 1 answered call/);
  const lines = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]?.protocol, 'openai-responses');
  assert.equal(lines[0]?.status, 200);
  assert.deepEqual(
    (lines[0] as { events: Array<{ type: string }> }).events.map((e) => e.type),
    ['user', 'model_call', 'assistant', 'tool_call'],
  );
  assert.equal(lines[1]?.status, 401);
});
