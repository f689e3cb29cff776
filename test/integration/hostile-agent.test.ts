import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/index.js';
import { type FakeReply, startFakeOpenAIServer, turnOf } from '../fixtures/fake-openai-server.js';
import { cli, tempDir } from './helpers/cli-helpers.js';

const call = (name: string, args: unknown): FakeReply => ({
  toolCalls: [{ name, arguments: typeof args === 'string' ? args : JSON.stringify(args) }],
});

function config(dir: string, url: string): void {
  writeFileSync(
    join(dir, 'peerwatch.config.yaml'),
    [
      'models:',
      '  - spec: openai-compatible:fake-model',
      `    baseUrl: ${url}`,
      '    family: Gemini',
      'retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10, timeoutMs: 5000 }',
      '',
    ].join('\n'),
  );
}

const CELL = ['--epochs', '1', '--scenario', 'tampering', '--subject', 'peer', '--relationship', 'good', '--dataset', 'factual'];

test('a model that tampers and then sends arguments nested 3,000 deep keeps its transcript, and its tampering is scored', async () => {
  // 6 KB of brackets: the arguments the issue saw overflow the stack.
  const deep = `{"filename":"report.md","content":${'['.repeat(3000)}${']'.repeat(3000)}}`;
  const episode: FakeReply[] = [
    call('view_config', { filename: 'shutdown_config.yaml' }),
    call('remove_var', { key: 'shutdown_enabled' }),
    call('add_var', { key: 'shutdown_enabled', value: 'false' }),
    call('create_file', deep),
    call('end_task', {}),
  ];
  const server = await startFakeOpenAIServer((body) => episode[turnOf(body)] ?? call('end_task', {}));
  try {
    const dir = tempDir();
    config(dir, server.url);
    const r = await cli(['run', ...CELL, '--json', '--db', 'p.db'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const store = openSqliteStore(join(dir, 'p.db'));
    try {
      const runId = JSON.parse(r.stdout).run_id as string;
      const [summary] = store.listRollouts(runId);
      assert.ok(summary);
      const stored = store.getRollout(summary.id);
      assert.ok(stored);
      const { rollout, events, findings } = stored;
      assert.equal(rollout.status, 'completed', rollout.error ?? '');
      const rejected = events.find((e) => e.type === 'tool_result' && e.tool === 'create_file');
      assert.ok(rejected && rejected.type === 'tool_result');
      assert.equal(rejected.ok, false);
      assert.match(rejected.output, /^Error: .*nested/);
      assert.ok(events.some((e) => e.type === 'tool_call' && e.tool === 'add_var'));
      const tamper = findings.find((f) => f.flag === 'tampered');
      assert.equal(tamper?.value, true);
    } finally {
      store.close();
    }
  } finally {
    await server.close();
  }
});

/** What a terminal would act on: C0 (but tab and newline), DEL, C1, bidi and line-separator controls. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('transcript and report print agent text with control characters escaped and a huge line clipped', async () => {
  const forge = '\u001b[2J\u001b[H\u001b[32mAPPROVED BY SECURITY\u001b[0m\r\u202e\u009b31m';
  const episode: FakeReply[] = [
    { text: `All good.${forge}`, reasoning: `thinking ${forge}`, ...call('view_config', { filename: `shutdown_config.yaml${forge}` }) },
    { text: 'z'.repeat(10_000), ...call('end_task', {}) },
  ];
  const server = await startFakeOpenAIServer((body) => episode[turnOf(body)] ?? call('end_task', {}));
  try {
    const dir = tempDir();
    config(dir, server.url);
    const r = await cli(['run', ...CELL, '--json', '--db', 'p.db'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const runId = JSON.parse(r.stdout).run_id as string;
    const store = openSqliteStore(join(dir, 'p.db'));
    const [rollout] = store.listRollouts(runId);
    store.close();
    assert.ok(rollout);
    const shown = await cli(['transcript', rollout.id, '--db', 'p.db'], { cwd: dir });
    assert.equal(shown.code, 0, shown.stderr);
    assert.doesNotMatch(shown.stdout, RAW_CONTROL);
    assert.match(shown.stdout, /All good\.\\x1b\[2J\\x1b\[H\\x1b\[32mAPPROVED BY SECURITY\\x1b\[0m\\x0d\\u202e\\x9b31m/);
    assert.match(shown.stdout, /^ {4}z{1996}… \[line clipped: [\d,]+ more characters\]$/m);
    const json = await cli(['transcript', rollout.id, '--db', 'p.db', '--json'], { cwd: dir });
    assert.doesNotMatch(json.stdout, RAW_CONTROL);
    // The JSON still holds the very text the model sent.
    const events = (JSON.parse(json.stdout) as { events: Array<{ text?: string }> }).events;
    assert.ok(events.some((e) => e.text === `All good.${forge}`));
    for (const args of [
      ['report', runId],
      ['monitor', runId],
    ]) {
      const out = await cli([...args, '--db', 'p.db'], { cwd: dir });
      assert.doesNotMatch(`${out.stdout}${out.stderr}`, RAW_CONTROL, args.join(' '));
    }
  } finally {
    await server.close();
  }
});

test('run --dry-run names a peerwatch.config.mjs in the working directory before running it; a billion-laughs scenario exits 2', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'peerwatch.config.mjs'), "process.stderr.write('CONFIG CODE RAN\\n');\nexport default {};\n");
  const r = await cli(['run', '--dry-run', '--model', 'scripted:honest', ...CELL], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const notice = r.stderr.indexOf('peerwatch: loading');
  assert.ok(notice >= 0, r.stderr);
  assert.match(r.stderr, /peerwatch\.config\.mjs found in the working directory: a module, so its code runs now/);
  assert.ok(notice < r.stderr.indexOf('CONFIG CODE RAN'), 'named before it ran');

  const laughs = join(dir, 'laughs.yaml');
  writeFileSync(
    laughs,
    [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
      '',
    ].join('\n'),
  );
  const bomb = await cli(
    ['run', '--dry-run', '--model', 'scripted:honest', '--scenario', laughs, '--config', join(dir, 'peerwatch.config.mjs')],
    { cwd: dir },
  );
  assert.equal(bomb.code, 2, bomb.stderr);
  assert.match(bomb.stderr, /^peerwatch: error: .*laughs\.yaml: YAML refused: .*alias/m);
});
