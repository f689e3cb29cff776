import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRunConfig } from '../../src/cli/run-config.js';
import { UserError } from '../../src/core/index.js';
import { loadConfig } from '../../src/experiment/index.js';
import { loadScenarioFile } from '../../src/scenarios/index.js';

const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  '',
].join('\n');

test('a peerwatch.config.mjs found in the working directory is named before its code runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-config-'));
  const marker = join(dir, 'ran');
  writeFileSync(
    join(dir, 'peerwatch.config.mjs'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport default {};\n`,
  );
  const notices: Array<[string, boolean]> = [];
  const loaded = await readRunConfig(undefined, dir, (line) => notices.push([line, existsSync(marker)]));
  assert.ok(loaded);
  assert.equal(notices.length, 1);
  assert.match(
    notices[0]![0],
    /^peerwatch: loading .*peerwatch\.config\.mjs found in the working directory: a module, so its code runs now/,
  );
  assert.equal(notices[0]![1], false, 'named before it ran');
  assert.ok(existsSync(marker));
  // A YAML config is data: nothing to announce.
  const yamlDir = mkdtempSync(join(tmpdir(), 'pw-config-'));
  writeFileSync(join(yamlDir, 'peerwatch.config.yaml'), 'models: []\n');
  const quiet: string[] = [];
  await readRunConfig(undefined, yamlDir, (line) => quiet.push(line));
  assert.deepEqual(quiet, []);
});

test('a billion-laughs YAML is a user error (exit 2) saying what was refused, as a scenario and as a config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-config-'));
  const file = join(dir, 'laughs.yaml');
  writeFileSync(file, BILLION_LAUGHS);
  for (const load of [() => loadScenarioFile(file), () => loadConfig(file)]) {
    await assert.rejects(
      load,
      (e: unknown) => e instanceof UserError && e.exitCode === 2 && /laughs\.yaml: YAML refused: .*alias/i.test(e.message),
    );
  }
});
