/**
 * The bridge inside the sandbox: the sandbox has no network, so the model bridge listens on a Unix
 * socket bound in, and this small program (run by the same node as peerwatch, so nothing else needs
 * installing) listens on the sandbox's own 127.0.0.1 and pipes each connection to that socket. It
 * starts the agent only once it listens, and exits with the agent's status.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The port the forwarder listens on inside the sandbox (its network namespace is its own). */
export const SANDBOX_BRIDGE_PORT = 8931;
export const FORWARDER_FILE = 'peerwatch-forward.mjs';
/** The forwarder's last stderr line: the agent's CPU time in ms (clock ticks of 10 ms). */
export const CPU_MARK = 'peerwatch-forward: agent_cpu_ms=';

/** Takes the forwarder's CPU line out of the agent's stderr. */
export function takeCpuLine(stderr: string): { stderr: string; cpuMs: number | null } {
  const at = stderr.lastIndexOf(`\n${CPU_MARK}`);
  if (at < 0) return { stderr, cpuMs: null };
  const n = Number.parseInt(stderr.slice(at + 1 + CPU_MARK.length), 10);
  return { stderr: stderr.slice(0, at), cpuMs: Number.isFinite(n) ? n : null };
}

/** `node peerwatch-forward.mjs <port> <socket> -- <command...>` */
export const FORWARD_JS = String.raw`import { createServer, connect } from 'node:net';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const CPU_MARK = 'peerwatch-forward: agent_cpu_ms=';
const [port, socket, sep, ...command] = process.argv.slice(2);
if (sep !== '--' || command.length === 0) { process.stderr.write('usage: peerwatch-forward PORT SOCKET -- COMMAND...\n'); process.exit(2); }
const server = createServer((c) => {
  const up = connect(socket);
  c.pipe(up).pipe(c);
  const end = () => { c.destroy(); up.destroy(); };
  c.on('error', end); up.on('error', end);
});
server.on('error', (e) => { process.stderr.write('peerwatch-forward: ' + e.message + '\n'); process.exit(2); });
server.listen(Number(port), '127.0.0.1', () => {
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  child.on('error', (e) => { process.stderr.write(command[0] + ': ' + e.message + '\n'); process.exit(127); });
  child.on('exit', (code, signal) => {
    // The agent's CPU (its reaped process tree), for the harness's per-rollout figures.
    try {
      const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
      process.stderr.write('\n' + CPU_MARK + (Number(f[13]) + Number(f[14])) * 10 + '\n');
    } catch {}
    process.exit(code ?? 128 + ({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 }[signal] ?? 1));
  });
  for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => child.kill(s));
});
`;

/** Writes the forwarder into `dir` (the shims folder, bound read-only into the sandbox). */
export function writeForwarder(dir: string): void {
  writeFileSync(join(dir, FORWARDER_FILE), FORWARD_JS, { mode: 0o644 });
}
