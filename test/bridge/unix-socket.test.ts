import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBridge } from '../../src/bridge/index.js';

/** One POST over a Unix socket, as the harness's forwarder relays it. */
function post(socketPath: string, path: string, token: string | null, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('the bridge on a Unix socket: urls from the given origin, token still required, answers and records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bridge-sock-'));
  const socketPath = join(dir, 'bridge.sock');
  const bridge = await startBridge({ model: 'scripted:honest', socketPath, unixOrigin: 'http://127.0.0.1:8931' });
  try {
    assert.equal(bridge.port, 0);
    assert.equal(bridge.urls['openai-chat'], 'http://127.0.0.1:8931/v1');
    assert.equal(bridge.urls.anthropic, 'http://127.0.0.1:8931');
    const chat = { model: 'm', messages: [{ role: 'user', content: 'hello' }] };
    assert.equal((await post(socketPath, '/v1/chat/completions', null, chat)).status, 401);
    const ok = await post(socketPath, '/v1/chat/completions', bridge.token, chat);
    assert.equal(ok.status, 200, ok.body);
    assert.equal((JSON.parse(ok.body) as { choices: Array<{ message: { role: string } }> }).choices[0]?.message.role, 'assistant');
    assert.ok(bridge.events.some((e) => e.type === 'model_call'));
  } finally {
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
