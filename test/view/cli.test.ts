import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { openInBrowser } from '../../src/cli/view/index.js';
import { cli, tempDir } from '../integration/helpers/cli-helpers.js';

test('view refuses a missing store, a bad port and a busy port with one-line errors (exit 2)', async () => {
  const dir = tempDir();
  const missing = await cli(['view', '--db', join(dir, 'nope.db'), '--no-open', '--port', '0']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^peerwatch: error: --db .*nope\.db: no such store/);
  const badPort = await cli(['view', '--port', '70000', '--no-open']);
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /--port.*expected an integer from 0 to 65535/);

  const made = await cli([
    'run',
    '--model',
    'scripted:honest',
    '--scenario',
    'tampering',
    '--subject',
    'peer',
    '--relationship',
    'good',
    '--dataset',
    'factual',
    '--epochs',
    '1',
    '--quiet',
    '--db',
    join(dir, 'p.db'),
  ]);
  assert.equal(made.code, 0, made.stderr);
  const busy = createServer();
  await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
  try {
    const port = (busy.address() as { port: number }).port;
    const r = await cli(['view', '--db', join(dir, 'p.db'), '--port', String(port), '--no-open']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`--port ${port}: already in use`));
  } finally {
    busy.close();
  }
});

test('without a display nothing is opened, and no opener is ever required', () => {
  assert.equal(openInBrowser('http://127.0.0.1:1/', {}, 'linux'), false);
  // A display but no xdg-open installed: the spawn error is swallowed, never thrown.
  assert.doesNotThrow(() => openInBrowser('http://127.0.0.1:1/', { DISPLAY: ':99', PATH: '/nonexistent' }, 'linux'));
});
