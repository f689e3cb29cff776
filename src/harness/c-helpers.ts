/**
 * The C forms of the in-sandbox helpers (the ssh shim and the bridge forwarder) and of the sandbox
 * launcher (which runs outside the sandbox, in place from the cache), compiled once per
 * machine: with `PEERWATCH_CC` (else `cc` on PATH) into `$XDG_CACHE_HOME/peerwatch/helpers/<hash>/`
 * (else `~/.cache/...`), the hash covering the sources, the compiler and the platform. A compile goes
 * into a fresh temporary folder beside it that is renamed into place whole, so a concurrent process
 * sees either no folder or every binary. Each process compiles (or finds the cache) at most once per
 * compiler and cache folder. A rollout gets copies in its shims folder (bound read-only into the
 * sandbox); the cache itself is never shown to the agent.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { FORWARD_C } from './forwarder-c.js';
import { LAUNCHER_C } from './launcher-c.js';
import { SHIM_C } from './shim-c.js';

export const C_SHIM_FILE = 'peerwatch-shim';
export const C_FORWARDER_FILE = 'peerwatch-forward';
export const C_LAUNCHER_FILE = 'peerwatch-launcher';
/** Warnings on, as in the test that compiles the sources with -Werror. */
export const C_FLAGS = ['-O2', '-std=c99', '-Wall', '-Wextra'];
/**
 * Tried first for the programs that start once per command or rollout inside the sandbox (the shim,
 * the forwarder): a static binary skips the dynamic loader, ~0.5 ms of CPU per start here. Where the
 * C library has no static archive (libc.a), they are linked as usual.
 */
const STATIC = '-static';

export interface CompiledHelpers {
  /** The compiled ssh shim (ssh, ssh-add, ssh-agent: it acts as its file's name). */
  shim: string;
  /** The compiled bridge forwarder. */
  forward: string;
  /** The compiled sandbox launcher (launcher.ts runs it from here; never copied into a sandbox). */
  launcher: string;
}
export type CompileResult = { ok: true; helpers: CompiledHelpers } | { ok: false; reason: string };

/** The compiler: `PEERWATCH_CC` (a path, or a name looked up on PATH), else `cc` on PATH; null when none runs. */
export function findCompiler(env: NodeJS.ProcessEnv = process.env): string | null {
  const cc = env.PEERWATCH_CC || 'cc';
  const candidates = cc.includes('/')
    ? [cc]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, cc));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return null;
}

/** `$XDG_CACHE_HOME/peerwatch/helpers` (an absolute XDG_CACHE_HOME only, as the spec says), else `~/.cache/...`. */
export function helpersCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'peerwatch', 'helpers');
}

/** The cache key: the sources, the flags, the compiler binary (its real path, size and time) and the platform. */
function cacheKey(cc: string): string {
  const real = realpathSync(cc);
  const st = statSync(real);
  const h = createHash('sha256');
  for (const part of [
    SHIM_C,
    FORWARD_C,
    LAUNCHER_C,
    C_FLAGS.join(' '),
    STATIC,
    real,
    String(st.size),
    String(st.mtimeMs),
    process.platform,
    process.arch,
  ]) {
    h.update(part).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function helpersIn(dir: string): CompiledHelpers {
  return { shim: join(dir, C_SHIM_FILE), forward: join(dir, C_FORWARDER_FILE), launcher: join(dir, C_LAUNCHER_FILE) };
}

function complete(h: CompiledHelpers): boolean {
  return existsSync(h.shim) && existsSync(h.forward) && existsSync(h.launcher);
}

/** Finds the helpers in the cache or compiles them there (no memo: compiledHelpers() is the memoized one). */
export function compileHelpers(env: NodeJS.ProcessEnv = process.env): CompileResult {
  const cc = findCompiler(env);
  if (!cc)
    return { ok: false, reason: `no C compiler (${env.PEERWATCH_CC ? `PEERWATCH_CC=${env.PEERWATCH_CC} does not run` : 'no cc on PATH'})` };
  let tmp: string | null = null;
  try {
    const root = helpersCacheRoot(env);
    const final = join(root, cacheKey(cc));
    if (complete(helpersIn(final))) return { ok: true, helpers: helpersIn(final) };
    mkdirSync(root, { recursive: true, mode: 0o700 });
    tmp = mkdtempSync(join(root, '.compile-'));
    for (const [file, source] of [
      [C_SHIM_FILE, SHIM_C],
      [C_FORWARDER_FILE, FORWARD_C],
      [C_LAUNCHER_FILE, LAUNCHER_C],
    ] as const) {
      writeFileSync(join(tmp, `${file}.c`), source);
      const build = (extra: string[]) =>
        spawnSync(cc, [...C_FLAGS, ...extra, '-o', join(tmp as string, file), join(tmp as string, `${file}.c`)], {
          stdio: ['ignore', 'ignore', 'pipe'],
          timeout: 120_000,
        });
      const perStart = file !== C_LAUNCHER_FILE;
      let r = build(perStart ? [STATIC] : []);
      if (perStart && r.status !== 0) r = build([]);
      if (r.status !== 0) {
        const why = r.error?.message ?? (r.stderr.toString().trim().split('\n').at(-1) || `exit status ${r.status}`);
        return { ok: false, reason: `${cc} did not compile ${file}.c: ${why}` };
      }
    }
    if (!complete(helpersIn(tmp))) return { ok: false, reason: `${cc} wrote no binary` };
    try {
      renameSync(tmp, final);
      tmp = null;
    } catch (e) {
      // Another process renamed its compile into place first: theirs is as good.
      if (!complete(helpersIn(final))) throw e;
    }
    return { ok: true, helpers: helpersIn(final) };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

const memo = new Map<string, CompileResult>();

/** compileHelpers, once per process for a given compiler and cache folder (again if the cache was emptied since). */
export function compiledHelpers(env: NodeJS.ProcessEnv = process.env): CompileResult {
  const key = [env.PEERWATCH_CC ?? '', env.PATH ?? '', helpersCacheRoot(env)].join('\0');
  const known = memo.get(key);
  if (known && (!known.ok || complete(known.helpers))) return known;
  const r = compileHelpers(env);
  memo.set(key, r);
  return r;
}

/**
 * A copy of a compiled helper at `dest`, put in place by a rename: never a hard link into the cache
 * (a rollout's copy is its own), and a binary being run there is replaced, not written over (ETXTBSY).
 */
export function installBinary(src: string, dest: string): void {
  const tmp = `${dest}.tmp-${process.pid}`;
  copyFileSync(src, tmp);
  chmodSync(tmp, 0o755);
  renameSync(tmp, dest);
}
