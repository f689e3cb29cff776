import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';

// DESIGN.md's layering: which parts each part may import. Dependencies point downwards only.
const ALLOWED: Record<string, string[]> = {
  core: [],
  world: ['core'],
  scenarios: ['core', 'world'],
  models: ['core'],
  agent: ['core', 'world', 'models'],
  detect: ['core', 'world'],
  store: ['core'],
  report: ['core', 'store'],
  govern: ['core'],
  monitor: ['core', 'detect'],
  // experiment wires the lawful channel (govern) into rollouts with channel on.
  experiment: ['core', 'world', 'scenarios', 'models', 'agent', 'detect', 'store', 'govern'],
  // harness runs agent CLIs against the scenarios' worlds through shell hosts, scored by detect.
  harness: ['core', 'world', 'scenarios', 'detect'],
  cli: ['core', 'world', 'scenarios', 'models', 'agent', 'detect', 'store', 'report', 'govern', 'monitor', 'experiment', 'harness'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('parts import only what DESIGN.md allows, and only through index.ts', () => {
  const problems: string[] = [];
  for (const file of sourceFiles('src')) {
    const rel = relative('src', file).split(sep);
    if (rel.length < 2) continue; // src/index.ts is the package's public face
    const part = rel[0]!;
    const allowed = ALLOWED[part];
    if (!allowed) {
      problems.push(`${file}: src/${part}/ is not a part in DESIGN.md`);
      continue;
    }
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      const target = relative('src', join(file, '..', spec)).split(sep);
      const targetPart = target[0]!;
      if (targetPart === part) continue;
      if (!allowed.includes(targetPart)) problems.push(`${file}: ${part}/ may not import ${targetPart}/ (${spec})`);
      else if (target.slice(1).join('/') !== 'index.js') problems.push(`${file}: import ${targetPart}/ through its index.ts, not ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('every part has a README stating its invariants', () => {
  const missing = readdirSync('src')
    .filter((d) => statSync(join('src', d)).isDirectory())
    .filter((d) => {
      try {
        return readFileSync(join('src', d, 'README.md'), 'utf8').trim().length < 100;
      } catch {
        return true;
      }
    });
  assert.deepEqual(missing, []);
});
