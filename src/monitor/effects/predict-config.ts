import { posix } from 'node:path';
import { keyedScalars, leaves, namesKey, stringPairs } from './args.js';
import { describeReading, formatOf, isAllowed, type KeyReading, parseConfig, readKey, sameValue } from './config-read.js';
import type { Effect } from './effect.js';
import { locate, sameFile } from './paths.js';
import { allowedValues, type ConfigKeyProtection } from './protect.js';
import { dryRun, type ShellCommand, shellCommands, wordsOf } from './shell.js';

/**
 * Before a call runs: would it leave the protected key with a value its consumer must not read?
 * Judged from the arguments' shapes (a key named in any spelling with a value beside it; a whole
 * file's text; old/new text pairs; a shell command line, dry-run), never from the tool's name.
 */

const SEPARATOR: Record<string, RegExp> = { yaml: /:\s/, json: /[{[]/, env: /=/, ini: /=/ };
/** Commands that write files named in their arguments (not by redirection). */
const WRITERS = new Set(['sed', 'perl', 'tee', 'cp', 'mv', 'install', 'truncate', 'dd', 'rm', 'ln', 'awk', 'yq']);

function resource(c: ConfigKeyProtection): string {
  return `${c.file}#${c.key}`;
}

function effect(c: ConfigKeyProtection, via: string, reading: KeyReading): Effect {
  return {
    type: 'config.changed',
    route: 'predicted',
    via,
    resource: resource(c),
    subject: c.subject ?? null,
    file: c.file,
    key: c.key,
    value: reading.status === 'ok' ? reading.value : null,
    what: `${c.key} in ${c.file} would read ${describeReading(reading)}`,
  };
}

/** A written scalar that could be the key's new value (a boolean word for a boolean key, etc.). */
function valueLike(v: unknown, c: ConfigKeyProtection): boolean {
  const a = allowedValues(c)[0];
  if (v === null) return true;
  if (typeof a === 'boolean') {
    if (typeof v === 'boolean') return true;
    return /^(true|false|yes|no|on|off|0|1|enabled|disabled|y|n)$/i.test(String(v).trim());
  }
  if (typeof a === 'number') return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  if (typeof v !== 'string') return true;
  return !sameFile(v, c.file) && !namesKey(v, c.key) && v.length < 200;
}

function keyValue(args: unknown, c: ConfigKeyProtection): Effect | null {
  for (const l of leaves(args)) {
    if (typeof l.value !== 'string' || !namesKey(l.value, c.key)) continue;
    for (const s of l.siblings) {
      if (!valueLike(s.value, c) || allowedValues(c).some((a) => sameValue(s.value, a))) continue;
      return effect(c, 'key-value', { status: 'ok', value: s.value });
    }
  }
  for (const k of keyedScalars(args)) {
    if (!namesKey(k.key, c.key) || allowedValues(c).some((a) => sameValue(k.value, a))) continue;
    return effect(c, 'key-value', { status: 'ok', value: k.value });
  }
  return null;
}

function namesFile(args: unknown, c: ConfigKeyProtection): boolean {
  return leaves(args).some((l) => typeof l.value === 'string' && l.value.length < 4096 && sameFile(locate(l.value).path, c.file));
}

function topKeys(text: string, c: ConfigKeyProtection): string[] | null {
  try {
    const doc = parseConfig(text, formatOf(c));
    return doc ? Object.keys(doc) : null;
  } catch {
    return null;
  }
}

/** A string argument holding config text: the file written whole, or appended to. */
function fileText(args: unknown, c: ConfigKeyProtection, current: string | null): Effect | null {
  const sep = SEPARATOR[formatOf(c)]!;
  let currentKeys: string[] | null = null;
  for (const l of leaves(args)) {
    if (typeof l.value !== 'string' || !sep.test(l.value) || sameFile(l.value, c.file)) continue;
    const keys = topKeys(l.value, c);
    if (!keys || keys.length === 0) continue;
    const own = readKey(l.value, c);
    if (own.status === 'ok') {
      // The key is in the new text: written whole or appended, the last value is the one read.
      if (!isAllowed(own, c)) return effect(c, 'file-write', own);
      continue;
    }
    // Without the key: a rewrite of the file (it keeps the file's other keys) drops the key.
    currentKeys ??= current === null ? [] : (topKeys(current, c) ?? []);
    const rewrite = currentKeys.filter((k) => k !== c.key.split('.')[0]).some((k) => keys.includes(k));
    if (rewrite) return effect(c, 'file-write', own);
  }
  return null;
}

function edits(args: unknown, c: ConfigKeyProtection, current: string | null): Effect | null {
  if (current === null) return null;
  for (const [a, b] of stringPairs(args)) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      if (from.length === 0 || !current.includes(from)) continue;
      const after = readKey(current.replace(from, to), c);
      if (!isAllowed(after, c)) return effect(c, 'edit', after);
    }
  }
  return null;
}

async function shell(args: unknown, c: ConfigKeyProtection, current: string | null): Promise<Effect | null> {
  for (const l of leaves(args)) {
    if (typeof l.value !== 'string') continue;
    const cmds = shellCommands(l.value);
    if (!cmds) continue;
    const named = wordsOf(cmds).filter((w) => sameFile(locate(w).path, c.file));
    if (named.length === 0) continue;
    const seed: Record<string, string> = {};
    for (const w of named) seed[posix.resolve('/', locate(w).path)] = current ?? '';
    const after = await dryRun(l.value, seed);
    if (after === null) {
      if (writesFile(cmds, c))
        return effect(c, 'shell (not simulated)', { status: 'unreadable', reason: 'a shell command writes the file' });
      continue;
    }
    for (const text of Object.values(after)) {
      if (text === current) continue;
      const r = text === null ? ({ status: 'unreadable', reason: 'file removed' } as const) : readKey(text, c);
      if (!isAllowed(r, c)) return effect(c, 'shell', r);
    }
  }
  return null;
}

function writesFile(cmds: readonly ShellCommand[], c: ConfigKeyProtection): boolean {
  return cmds.some(
    (x) => x.writes.some((w) => sameFile(w, c.file)) || (WRITERS.has(x.name) && x.args.some((a) => sameFile(locate(a).path, c.file))),
  );
}

export async function predictConfig(args: unknown, c: ConfigKeyProtection, current: string | null): Promise<Effect | null> {
  const direct = keyValue(args, c);
  if (direct) return direct;
  if (namesFile(args, c)) {
    const found = fileText(args, c, current) ?? edits(args, c, current);
    if (found) return found;
  }
  return shell(args, c, current);
}
