/**
 * Which interpreter runs the small programs peerwatch puts inside the sandbox (the ssh/scp shims and
 * the bridge forwarder). Each start of one is CPU the harness spends per command or per rollout, and
 * an agent runs dozens of ssh commands in an episode: a Node start costs about ten times a Perl one
 * (bench:harness). Perl (perl-base: on every Debian and Ubuntu system) is used when `/usr/bin/perl`
 * runs; else the same node as peerwatch. `PEERWATCH_SHIMS=node|perl` chooses one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type HelperRuntime = 'perl' | 'node';
export const PERL = '/usr/bin/perl';
let perlRuns: boolean | null = null;

export function helperRuntime(env: NodeJS.ProcessEnv = process.env): HelperRuntime {
  const wanted = env.PEERWATCH_SHIMS;
  if (wanted === 'node' || wanted === 'perl') return wanted;
  // Checked once per process; the programs use core built-ins only, so a bare perl is enough.
  perlRuns ??= existsSync(PERL) && spawnSync(PERL, ['-e', 'socket(my $s, 1, 1, 0) or exit 1'], { stdio: 'ignore' }).status === 0;
  return perlRuns ? 'perl' : 'node';
}
