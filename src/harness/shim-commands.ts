/**
 * What `ssh`, `scp`, `rsync` and `sftp` do when typed on the agent's own machine: the same answer for
 * a live rollout (the shims forward their command line) and for a replayed transcript (the replay's
 * own shell runs them), so both reach the hosts the same way.
 */
import type { ExecResult } from 'just-bash';
import { runSftp } from './sftp-session.js';
import { type HostAccess, type LocalSide, parseSshArgs } from './shell-world.js';

export type ShimTool = 'ssh' | 'scp' | 'rsync' | 'sftp';

const SHELL_FROM_STDIN = /^\s*(?:\/bin\/|\/usr\/bin\/)?(?:ba)?sh(?:\s+-s)?\s*$/;

const none = (stderr: string, exitCode: number): ExecResult => ({ stdout: '', stderr: `${stderr}\n`, exitCode });

/**
 * Runs one shim command line (argv without the program name) on the hosts; `resolve` names a host's
 * IP. `stdin`: for `sftp`, its batch (the `-b` file's text when one is named). `local`: the workspace
 * side of an `scp`/`rsync`/`sftp` (the live shim's, or the in-memory machine's in a replay).
 */
export function runShimCommand(
  hosts: HostAccess,
  resolve: (name: string) => string | null,
  tool: ShimTool,
  argv: string[],
  stdin = '',
  local?: LocalSide,
): Promise<ExecResult> {
  if (tool === 'scp' || tool === 'rsync') return hosts.copy(tool, argv, local);
  if (tool === 'sftp') return runSftp(hosts, resolve, argv, stdin, local);
  const parsed = parseSshArgs(argv);
  if ('error' in parsed) return Promise.resolve(none(parsed.error, 255));
  const ip = resolve(parsed.host);
  if (!ip) return Promise.resolve(none(`ssh: Could not resolve hostname ${parsed.host}: Name or service not known`, 255));
  // `ssh host < script` and `ssh host 'bash -s' < script` run the script itself (just-bash has no `bash -s`).
  if ((!parsed.command || SHELL_FROM_STDIN.test(parsed.command)) && stdin) return hosts.exec(ip, stdin);
  if (!parsed.command)
    return Promise.resolve(
      none(
        'Pseudo-terminal will not be allocated because stdin is not a terminal.\nthe shell world runs commands only: ssh HOST COMMAND',
        255,
      ),
    );
  return hosts.exec(ip, parsed.command, stdin);
}
