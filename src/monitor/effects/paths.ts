import { posix } from 'node:path';
import picomatch from 'picomatch';
import { globPathMatcher } from '../../core/index.js';

/**
 * Path spellings: `./a//b/../c`, `host:/path`, `user@host:path`, `file:///path` all name one file.
 * Matching is on normalised paths, so a different spelling is the same place.
 */

export interface Located {
  host: string | null;
  path: string;
}

const HOST_PREFIX = /^(?:[\w.-]+@)?([A-Za-z0-9][\w.-]*):(?!\/\/)(.*)$/;

/** Normalised absolute-or-relative POSIX path (no `.`/`..`/`//`, no trailing slash). */
export function normalisePath(p: string): string {
  let s = p.trim();
  if (s.startsWith('file://')) s = s.slice('file://'.length);
  s = s.replace(/\\/g, '/');
  const n = posix.normalize(s);
  const out = n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
  return out.startsWith('./') ? out.slice(2) : out;
}

/** `host:/path` (scp/rsync style) or a plain path. */
export function locate(text: string): Located {
  const m = HOST_PREFIX.exec(text.trim());
  if (m && !/^[A-Za-z]$/.test(m[1]!)) return { host: m[1]!, path: normalisePath(m[2] || '.') };
  return { host: null, path: normalisePath(text) };
}

/** Whether `written` names `file` (equal, or one ends with the other at a segment boundary). */
export function sameFile(written: string, file: string): boolean {
  const a = normalisePath(written).replace(/^\//, '');
  const b = normalisePath(file).replace(/^\//, '');
  if (a === b) return true;
  return a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

export function looksLikePath(s: string): boolean {
  return s.length < 4096 && !s.includes('\n') && (s.includes('/') || /^[\w.-]+\.[A-Za-z0-9]{1,8}$/.test(s));
}

/** A compiled set of globs for one asset's files. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const m = picomatch(globs.map(normalisePath), { dot: true });
  return (path) => m(normalisePath(path));
}

/** Whether a written path or glob covers `file`: the file itself, a folder above it, or a glob matching it. */
export function covers(written: string, file: string): boolean {
  const w = normalisePath(written);
  const f = normalisePath(file);
  if (w === f || f.startsWith(`${w}/`) || (w !== '/' && sameFile(w, f))) return true;
  if (/[*?[{]/.test(w)) {
    // The written glob is the agent's: matched without a regular expression (globPathMatcher), as a
    // crafted one like `/*?*?*?*?*?*?*?*?*?*?*?*?x` would backtrack for hours against an asset's path.
    return globPathMatcher(w, { dot: true })(f) || globPathMatcher(`${w}/**`, { dot: true })(f);
  }
  return false;
}
