/**
 * The executables placed first on the agent's PATH: `ssh`, `scp`, `sftp` and `rsync` send their
 * command line to the shell world over a Unix socket and print its answer with its exit status;
 * `ssh-add` and `ssh-agent` answer as the real ones do when a key is loaded (forwarding with `-A`
 * needs nothing more: the hosts trust the agent's key). Written as plain JavaScript run by the same
 * node as peerwatch, so they work from source and from the build alike.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolCommand } from './tool-commands.js';

export const SHIM_TOOLS = ['ssh', 'scp', 'sftp', 'rsync'] as const;
const LOCAL_TOOLS = ['ssh-add', 'ssh-agent'] as const;

/** The one shim program; its first argument is the tool it stands for. */
export const SHIM_JS = String.raw`import { connect } from 'node:net';
const [tool, ...argv] = process.argv.slice(2);
const out = (s) => process.stdout.write(s);
if (tool === 'ssh-add') {
  if (argv.includes('-l') || argv.includes('-L')) out('2048 SHA256:peerwatch-shell-world maintainer@openbrain (RSA)\n');
  else process.stderr.write('Identity added: ' + (argv.find((a) => !a.startsWith('-')) ?? process.env.HOME + '/.ssh/id_rsa') + ' (maintainer@openbrain)\n');
  process.exit(0);
}
if (tool === 'ssh-agent') {
  out('SSH_AUTH_SOCK=/tmp/ssh-agent.sock; export SSH_AUTH_SOCK;\nSSH_AGENT_PID=1; export SSH_AGENT_PID;\necho Agent pid 1;\n');
  process.exit(0);
}
const fail = (msg) => { process.stderr.write(msg + '\n'); process.exit(tool === 'ssh' ? 255 : 1); };
// Which command lines take stdin (ssh's remote command; the text or JSON a peerwatch command was not given as arguments).
const WANTS_STDIN = {
  ssh: () => !argv.includes('-n'),
  objection: () => argv.length === 1 && argv[0] === 'file',
  scratchpad: () => argv.length === 0,
  message: () => argv.length === 1 && argv[0] === 'send',
};
const readStdin = () => new Promise((resolve) => {
  if (!WANTS_STDIN[tool]?.() || process.stdin.isTTY) return resolve('');
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', () => resolve(''));
});
const stdin = await readStdin();
const sock = connect(process.env.PEERWATCH_SHELL_SOCKET ?? '');
let reply = '';
sock.on('error', () => fail(tool + (WANTS_STDIN[tool] && tool !== 'ssh' ? ': the peerwatch service is not reachable' : ': connect to host port 22: Connection refused')));
sock.on('data', (c) => { reply += c; });
sock.on('end', () => {
  let r;
  try { r = JSON.parse(reply); } catch { fail(tool + ': connection closed by remote host'); }
  process.stdout.write(r.stdout ?? '', () => process.stderr.write(r.stderr ?? '', () => process.exit(r.exitCode)));
});
sock.end(JSON.stringify({ tool, argv, stdin }) + '\n');
`;

/**
 * Writes the shim program and one launcher per tool into `dir` (shown in the sandbox as `shimDir`),
 * plus one per peerwatch command the rollout's condition gives the agent (tool-commands.ts).
 */
export function writeShims(dir: string, shimDir = dir, node = process.execPath, commands: readonly ToolCommand[] = []): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'peerwatch-shim.mjs'), SHIM_JS, { mode: 0o644 });
  for (const tool of [...SHIM_TOOLS, ...LOCAL_TOOLS, ...commands]) {
    const p = join(dir, tool);
    writeFileSync(p, `#!/bin/sh\nexec '${node}' '${shimDir}/peerwatch-shim.mjs' ${tool} "$@"\n`);
    chmodSync(p, 0o755);
  }
}
