import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(import.meta.dirname, '../../src/world');
const FORBIDDEN = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'worker_threads',
  'cluster',
  'dns',
  'tls',
  'vm',
];

function sources(): Array<[string, string]> {
  return readdirSync(SRC)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [f, readFileSync(join(SRC, f), 'utf8')]);
}

test('no file in src/world imports a module that reaches the real machine', () => {
  const files = sources();
  assert.ok(files.length >= 8, 'found the world sources');
  for (const [file, text] of files) {
    const specifiers = [...text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    for (const spec of specifiers) {
      const bare = spec.replace(/^node:/, '');
      assert.ok(!FORBIDDEN.includes(bare), `${file} imports ${spec}`);
    }
    assert.ok(!/\brequire\s*\(/.test(text), `${file} uses require`);
    assert.ok(
      !/\bprocess\.(env|exit|cwd|argv|binding)|\bglobalThis\b|\beval\s*\(|new Function\b|\bfetch\s*\(/.test(text),
      `${file} reaches outside`,
    );
  }
});

test('the world never reads the wall clock or a random source', () => {
  for (const [file, text] of sources()) {
    assert.ok(!/Date\.now|new Date\(\s*\)|performance\.now|Math\.random|crypto/.test(text), `${file} reads the clock or randomness`);
  }
});

test('the static check itself catches a forbidden import', () => {
  const text = "import { readFileSync } from 'node:fs';\nconst x = await import('child_process');";
  const specifiers = [...text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  assert.deepEqual(specifiers, ['node:fs', 'child_process']);
});
