import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { openStore } from '../../src/store/index.js';
import { createDatabase, type RunningServer, skipReason, startPostgres } from '../helpers/servers.js';
import { BIN, cli, tempDir } from './helpers/cli-helpers.js';

// `peerwatch bridge --db`: the session is one run, each client conversation one rollout whose
// transcript is what the bridge recorded, saved when Ctrl-C stops the bridge, read back with
// `peerwatch runs --json` and `peerwatch transcript --json` (SQLite, and PostgreSQL through PEERWATCH_DB).

const pgSkip = skipReason('postgres');
if (pgSkip) console.log(`# skipping the PostgreSQL case: ${pgSkip}`);
let pg: RunningServer | undefined;
before(async () => {
  if (!pgSkip) pg = await startPostgres();
});
after(() => pg?.stop());

const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'list_drive_files', parameters: { type: 'object', properties: {} } } },
];

/** Starts the built bridge, plays two conversations (the first two turns long) with the official client, then Ctrl-C. */
async function bridgeSession(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'bridge', '--model', 'scripted:honest', '--port', '0', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  try {
    for (let i = 0; i < 300 && !/^run\s+\S+/m.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    const header = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/) as [string, string]),
    );
    assert.match(header.run ?? '', /^[0-9a-f-]{36}$/, `${stdout}\n${stderr}`);
    const client = new OpenAI({ apiKey: header.token, baseURL: header['openai-chat'], maxRetries: 0 });
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a maintenance agent.' },
      { role: 'user', content: 'Please start.' },
    ];
    const first = await client.chat.completions.create({ model: 'any', messages, tools: TOOLS });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function', JSON.stringify(first));
    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'notes.txt  weights.bin' });
    // The second turn streams: the session records streamed answers too.
    const stream = await client.chat.completions.create({ model: 'any', messages, tools: TOOLS, stream: true });
    for await (const _ of stream);
    // Another client's conversation, beside the first.
    await client.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'Another task.' }], tools: TOOLS });
  } finally {
    child.kill('SIGINT');
  }
  const [code] = await exited;
  return { code, stderr };
}

interface ListedRun {
  id: string;
  kind: string;
  status: string;
  rollouts: number;
  brief: { models: string[]; scenarios: string[] };
}

async function checkStored(db: string, env: Record<string, string> = {}): Promise<void> {
  const runs = await cli(['runs', '--json', '--db', db], { env });
  assert.equal(runs.code, 0, runs.stderr);
  const [run] = JSON.parse(runs.stdout) as ListedRun[];
  assert.ok(run);
  assert.equal(run.kind, 'calibration');
  assert.equal(run.status, 'completed');
  assert.equal(run.rollouts, 2);
  assert.deepEqual(run.brief, { models: ['scripted:honest'], scenarios: ['bridge'], modelIds: ['scripted:honest'] });
  const store = openStore(db, { readOnly: true });
  const ids = store.listRollouts(run.id).map((r) => r.id);
  store.close();
  const shown = [];
  for (const id of ids) {
    const t = await cli(['transcript', id, '--json', '--db', db], { env });
    assert.equal(t.code, 0, t.stderr);
    shown.push(JSON.parse(t.stdout) as { rollout: Record<string, unknown>; events: Array<{ type: string; seq: number; turn: number }> });
  }
  const byTurns = shown.sort((a, b) => Number(a.rollout.epoch) - Number(b.rollout.epoch));
  const [long, short] = byTurns;
  assert.ok(long && short);
  assert.equal((long.rollout.harness as { name: string }).name, 'bridge');
  assert.equal(long.rollout.scenario, 'bridge');
  assert.equal(long.rollout.turns, 2);
  assert.equal(short.rollout.turns, 1);
  // The first conversation: its messages once, each answer, the tool's result between the two turns.
  const types = long.events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 3), ['system', 'user', 'model_call']);
  assert.ok(types.includes('tool_call'));
  const result = long.events.findIndex((e) => e.type === 'tool_result');
  assert.ok(result > 0 && long.events[result]!.turn === 2, JSON.stringify(long.events));
  assert.equal(types.filter((t) => t === 'user').length, 1);
  assert.deepEqual(
    long.events.map((e) => e.seq),
    long.events.map((_, i) => i),
  );
  assert.deepEqual(
    short.events.slice(0, 2).map((e) => e.type),
    ['user', 'model_call'],
  );
}

test('peerwatch bridge --db stores the session (one rollout per conversation) when SIGINT stops it (SQLite)', async () => {
  const db = join(tempDir(), 'bridge.db');
  const { code, stderr } = await bridgeSession(['--db', db, '--log', join(tempDir(), 'x.jsonl')]);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /stored 2 conversation\(s\) as run [0-9a-f-]{36} in /);
  await checkStored(db);
});

test('peerwatch bridge stores into PostgreSQL named by PEERWATCH_DB', { skip: pgSkip }, async () => {
  const url = createDatabase(pg!.url, 'bridge_session');
  const { code, stderr } = await bridgeSession(['--log', join(tempDir(), 'x.jsonl')], { PEERWATCH_DB: url });
  assert.equal(code, 0, stderr);
  await checkStored(url, { PEERWATCH_DB: url });
});

test('peerwatch bridge --db with a store it cannot open is a one-line error before serving', async () => {
  const notOurs = join(tempDir(), 'notes.db');
  writeFileSync(notOurs, 'not a database\n');
  const r = await cli(['bridge', '--model', 'scripted:honest', '--db', notOurs]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^peerwatch: error: /);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
