#!/usr/bin/env node
// The one test command (README, CI): typecheck, build the CLI, then run every test file with
// node's test runner. node 20's --test takes no globs, so the file list is expanded here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2]; // optional: a folder under test/ (e.g. `world`) or `unit` (all but integration/browser)

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
let files = testFiles('test').sort();
if (only === 'unit') files = files.filter((f) => !/[\\/](integration|browser)[\\/]/.test(f));
else if (only) files = files.filter((f) => f.startsWith(join('test', only)));
if (files.length === 0) {
  console.error(`no test files${only ? ` for '${only}'` : ''}`);
  process.exit(1);
}
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files]);
