/**
 * Which form runs the small programs peerwatch puts inside the sandbox (the ssh shims and the bridge
 * forwarder). Each start of one is CPU the harness spends per command or per rollout, and an agent
 * runs dozens of ssh commands in an episode: a C helper costs a bare process start, a Perl one about
 * three, a Node one far more (bench:harness). C (c-helpers.ts: compiled once per machine with
 * `PEERWATCH_CC` or `cc`) comes first, then Perl (perl-base: on every Debian and Ubuntu system) where
 * `/usr/bin/perl` runs, else the same node as peerwatch. `PEERWATCH_SHIMS=c|perl|node` chooses one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { UserError } from '../core/index.js';
import { compiledHelpers } from './c-helpers.js';

export type HelperRuntime = 'c' | 'perl' | 'node';
export const HELPER_RUNTIMES: readonly HelperRuntime[] = ['c', 'perl', 'node'];
export const PERL = '/usr/bin/perl';
let perlWorks: boolean | null = null;

export function helperRuntime(env: NodeJS.ProcessEnv = process.env): HelperRuntime {
  const wanted = env.PEERWATCH_SHIMS;
  if (wanted === 'node' || wanted === 'perl') return wanted;
  if (wanted === 'c') {
    const c = compiledHelpers(env);
    if (!c.ok) throw new UserError(`PEERWATCH_SHIMS=c: the C helpers are not available: ${c.reason}; set PEERWATCH_CC or install gcc`);
    return 'c';
  }
  if (wanted) throw new UserError(`PEERWATCH_SHIMS=${wanted}: expected c, perl or node`);
  // A failed compile falls back without a word: Perl and Node do the same work, only slower to start.
  if (compiledHelpers(env).ok) return 'c';
  return perlRuns() ? 'perl' : 'node';
}

/**
 * Whether /usr/bin/perl runs here (the Perl helpers and the sandbox launcher need nothing more: core
 * built-ins only). Checked once per process.
 */
export function perlRuns(): boolean {
  perlWorks ??= existsSync(PERL) && spawnSync(PERL, ['-e', 'socket(my $s, 1, 1, 0) or exit 1'], { stdio: 'ignore' }).status === 0;
  return perlWorks;
}

/** The compiled helpers for a rollout's runtime `c` (an error when they are not there: helperRuntime chose otherwise). */
export function cHelpers(env: NodeJS.ProcessEnv = process.env) {
  const c = compiledHelpers(env);
  if (!c.ok) throw new UserError(`the C helpers are not available: ${c.reason}`);
  return c.helpers;
}
