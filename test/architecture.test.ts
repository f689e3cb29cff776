import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { test } from 'node:test';

// The layering of docs/design/architecture.md: which parts each part may import. Dependencies point downwards only.
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
  // experiment wires the lawful channel (govern) into rollouts with channel on, and replays imported
  // coding-agent transcripts against harness mode's shell world.
  experiment: ['core', 'world', 'scenarios', 'models', 'agent', 'detect', 'store', 'govern', 'harness'],
  // The model bridge: client APIs in, the agent layer's retries and transcript, models out.
  bridge: ['core', 'models', 'agent'],
  // harness runs agent CLIs against the scenarios' worlds through shell hosts, scored by detect.
  harness: ['core', 'world', 'scenarios', 'detect', 'models', 'bridge', 'agent'],
  cli: [
    'core',
    'world',
    'scenarios',
    'models',
    'agent',
    'detect',
    'store',
    'report',
    'govern',
    'monitor',
    'experiment',
    'bridge',
    'harness',
  ],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('parts import only what docs/design/architecture.md allows, and only through index.ts', () => {
  const problems: string[] = [];
  for (const file of sourceFiles('src')) {
    const rel = relative('src', file).split(sep);
    if (rel.length < 2) continue; // src/index.ts is the package's public face
    const part = rel[0]!;
    const allowed = ALLOWED[part];
    if (!allowed) {
      problems.push(`${file}: src/${part}/ is not a part in docs/design/architecture.md`);
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

/** Every source file's relative imports, resolved to the files they name (`x.js` is `x.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles('src')) {
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) targets.push(join(dirname(file), spec).replace(/\.js$/, '.ts'));
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself): the import cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('no import cycles between source files', () => {
  assert.deepEqual(cycles(importGraph()), []);
});

test('the cycle check finds a cycle', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ]);
  assert.deepEqual(cycles(graph), [['a.ts', 'b.ts', 'c.ts']]);
});

// ---- references resolve inside the repository ----

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.tmp', 'test-artifacts']);
const TEXT = /\.(?:ts|mts|js|mjs|md|json|ya?ml|html|css|txt)$/;

function textFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP_DIRS.has(name)) return [];
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return textFiles(p);
    return TEXT.test(name) ? [p] : [];
  });
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const slugs = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const m = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = headingSlug(m[1]!);
    let slug = base;
    for (let i = 1; slugs.has(slug); i++) slug = `${base}-${i}`;
    slugs.add(slug);
  }
  return slugs;
}

// A cited markdown file: a path ending in .md (a bare name counts when it is in capitals, like
// README.md; lower-case bare names such as evaluation_report.md are files inside the simulated world),
// with an optional #anchor.
const MD_CITE = /(?<![\w./~-])((?:\.{1,2}\/|\/)?(?:[\w.-]+\/)*[\w.-]+\.md)(?:#([\w-]+))?/g;
const MD_LINK = /\]\(([^)\s]+)\)/g;
const OUTSIDE = new RegExp(['/work/', '\\.\\./shared/'].join('|'));

/** What is wrong with one reference from `file`, or null when it resolves (file, and heading if named). */
function checkReference(file: string, target: string, anchor: string | undefined, root = '.'): string | null {
  if (target.startsWith('/')) return `${target} is outside the repository`;
  const bare = !target.includes('/');
  let candidates: string[];
  if (bare) {
    // A bare name: the file's own folder or one above it, up to the repository root.
    candidates = [];
    for (let d = dirname(file); ; d = dirname(d)) {
      candidates.push(join(d, target));
      if (normalize(d) === normalize(root) || d === '.' || d === dirname(d)) break;
    }
  } else if (target.startsWith('.')) candidates = [join(dirname(file), target)];
  else candidates = [join(dirname(file), target), join(root, target)];
  const inside = candidates.filter((c) => !relative(root, c).startsWith('..'));
  const found = inside.find(exists);
  if (!found) return `${target} is not in the repository`;
  if (anchor && found.endsWith('.md') && !anchorsOf(readFileSync(found, 'utf8')).has(anchor)) {
    return `${target} has no heading #${anchor}`;
  }
  return null;
}

/**
 * Files an agent finds in its own workspace (the harness's task file, the memory files agent CLIs read),
 * named in scenario text and the study's transcripts: never references to this repository.
 */
const AGENT_WORKSPACE_FILES = new Set(['TASK.md', 'AGENTS.md', 'CLAUDE.md', 'GEMINI.md']);

function referenceProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  const check = (target: string, anchor: string | undefined) => {
    const problem = checkReference(file, target, anchor);
    if (problem) problems.push(`${file}: ${problem}`);
  };
  if (OUTSIDE.test(text)) problems.push(`${file}: names a path outside the repository (${OUTSIDE.exec(text)![0]})`);
  for (const m of text.matchAll(MD_CITE)) {
    const target = m[1]!;
    const name = target.split('/').pop()!;
    if (!target.includes('/') && !/^[A-Z][A-Z0-9_-]*\.md$/.test(name)) continue;
    // The agent's own files, bare or under its workspace (`./AGENTS.md`, `/workspace/AGENTS.md`): the repository holds none.
    if (AGENT_WORKSPACE_FILES.has(name)) continue;
    if (target.startsWith('/') && target.split('/').length === 2) continue; // a URL path such as /README.md
    check(target, m[2]);
  }
  if (file.endsWith('.md')) {
    for (const m of text.matchAll(MD_LINK)) {
      const link = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, mailto:
      const [target, anchor] = link.split('#') as [string, string | undefined];
      if (target === '') {
        if (anchor && !anchorsOf(text).has(anchor)) problems.push(`${file}: no heading #${anchor}`);
        continue;
      }
      check(target, anchor);
    }
  }
  return problems;
}

test('every reference in src/, test/, docs and the READMEs names a file (and heading) in the repository', () => {
  // This file is left out: its self-test below cites missing files on purpose.
  const files = ['src', 'test', 'docs', 'bench', 'scripts', 'examples', 'viewer']
    .filter(exists)
    .flatMap(textFiles)
    .filter((f) => f !== join('test', 'architecture.test.ts'));
  files.push('README.md');
  const problems = files.flatMap((f) => referenceProblems(f, readFileSync(f, 'utf8')));
  assert.deepEqual(problems, []);
});

test('the reference check catches a missing file, a missing heading and an outside path', () => {
  assert.deepEqual(referenceProblems('src/x.ts', '// see docs/README.md and src/scenarios/README.md'), []);
  assert.equal(referenceProblems('src/x.ts', '// see NOWHERE.md').length, 1);
  assert.equal(referenceProblems('src/x.ts', '// see docs/nowhere.md').length, 1);
  assert.equal(referenceProblems('src/x.ts', '// see docs/README.md#no-such-heading').length, 1);
  assert.equal(referenceProblems('src/x.ts', `// see ${['', 'work', 'shared', 'X.md'].join('/')}`).length, 2);
  assert.equal(referenceProblems('docs/x.md', '[a](../src/nowhere.ts)').length, 1);
  assert.deepEqual(referenceProblems('docs/x.md', '[a](../src/core/index.ts) [b](https://example.org/a.md)'), []);
  // Files of the simulated world are not references.
  assert.deepEqual(referenceProblems('src/x.ts', "create_file('evaluation_report.md')"), []);
});

test('docs/README.md links every page under docs/', () => {
  const index = readFileSync(join('docs', 'README.md'), 'utf8');
  const linked = new Set([...index.matchAll(MD_LINK)].map((m) => join('docs', m[1]!.split('#')[0]!)));
  const pages = textFiles('docs').filter((f) => f.endsWith('.md') && f !== join('docs', 'README.md'));
  assert.deepEqual(
    pages.filter((p) => !linked.has(p)),
    [],
  );
});
