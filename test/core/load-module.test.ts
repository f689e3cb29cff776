import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { importDefault, UserError } from '../../src/core/index.js';
import { loadConfig } from '../../src/experiment/index.js';

const dir = mkdtempSync(join(tmpdir(), 'peerwatch-load-module-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('importDefault reads the default export of a TS module (through tsx) and of a JS module', async () => {
  const ts = file('a.ts', 'const n: number = 2;\nexport default { n, names: ["x"] as string[] };\n');
  assert.deepEqual(await importDefault(ts), { n: 2, names: ['x'] });
  const mjs = file('b.mjs', 'export default [1, 2];\n');
  assert.deepEqual(await importDefault(mjs), [1, 2]);
  assert.equal(await importDefault(file('c.mjs', 'export const x = 1;\n')), undefined);
});

test('importDefault unwraps the default a CommonJS load nests one level down', async () => {
  const cjs = file('d.cjs', 'module.exports = { default: { kind: "nested" } };\n');
  assert.deepEqual(await importDefault(cjs), { kind: 'nested' });
});

test('a module that fails to load is a one-line UserError naming the file; its own UserError keeps its message', async () => {
  const broken = file('e.ts', 'export default {;\n');
  await assert.rejects(importDefault(broken), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /e\.ts: cannot load module: /);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  const throwing = file(
    'f.mjs',
    `import { UserError } from ${JSON.stringify(new URL('../../src/core/errors.ts', import.meta.url).pathname)};\nthrow new UserError('bad value');\n`,
  );
  await assert.rejects(importDefault(throwing), /f\.mjs: (bad value|cannot load module: bad value)/);
});

test('loadConfig reads a TS config through the same loader', async () => {
  const cfg = file('peerwatch.config.ts', 'export default { defaults: { epochs: 3 } };\n');
  const config = await loadConfig(cfg);
  assert.equal(config.defaults?.epochs, 3);
});
