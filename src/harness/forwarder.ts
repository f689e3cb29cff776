/**
 * The bridge inside the sandbox: the sandbox has no network, so the model bridge listens on a Unix
 * socket bound in, and this small program listens on the sandbox's own 127.0.0.1 and pipes each
 * connection to that socket. It starts the agent only once it listens, and exits with the agent's
 * status. Written in C (forwarder-c.ts), Perl and Node, like the shims (helper-runtime.ts says which
 * runs): it runs once per rollout, and a Node start is most of the harness's CPU for a short episode.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { C_FORWARDER_FILE, installBinary } from './c-helpers.js';
import { CPU_MARK } from './cpu-mark.js';
import { cHelpers, type HelperRuntime, helperRuntime, PERL } from './helper-runtime.js';

export { CPU_MARK };

/** The port the forwarder listens on inside the sandbox (its network namespace is its own). */
export const SANDBOX_BRIDGE_PORT = 8931;
export const FORWARDER_FILE = 'peerwatch-forward.mjs';
export const FORWARDER_PL_FILE = 'peerwatch-forward.pl';

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
// Half-open both ways: a client's end after its request still gets the whole answer.
const server = createServer({ allowHalfOpen: true }, (c) => {
  const up = connect({ path: socket, allowHalfOpen: true });
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

/**
 * `perl peerwatch-forward.pl <port> <socket> -- <command...>`: the Node forwarder's behaviour with
 * core built-ins only (no modules to load) and Linux's constants: one select loop over every
 * connection, non-blocking writes with a buffer per direction, a half-close passed on once its
 * direction is flushed.
 */
export const FORWARD_PL = String.raw`use strict;
my $MARK = '${CPU_MARK}';
my ($port, $path, $sep, @command) = @ARGV;
if (!defined $sep || $sep ne '--' || !@command) { print STDERR "usage: peerwatch-forward PORT SOCKET -- COMMAND...\n"; exit 2 }
sub fail { print STDERR "peerwatch-forward: $_[0]\n"; exit 2 }
# A side that went away is an error on write (EPIPE), not a signal that would end the forwarder and the agent with it.
$SIG{PIPE} = 'IGNORE';
# AF_INET 2, AF_UNIX 1, SOCK_STREAM 1, SOL_SOCKET 1, SO_REUSEADDR 2, F_GETFL 3, F_SETFL 4, O_NONBLOCK 04000, EAGAIN 11.
my $server;
socket($server, 2, 1, 0) or fail("socket: $!");
setsockopt($server, 1, 2, pack('i', 1));
bind($server, pack('S n C4 x8', 2, $port, 127, 0, 0, 1)) or fail("listen 127.0.0.1:$port: $!");
listen($server, 128) or fail("listen: $!");
# A handler (not the default) so the agent's exit interrupts select.
$SIG{CHLD} = sub {};
my $pid = fork();
fail("fork: $!") unless defined $pid;
if ($pid == 0) {
  close $server;
  # The agent starts with SIGPIPE at its default (an ignored signal stays ignored across exec).
  $SIG{CHLD} = $SIG{PIPE} = 'DEFAULT';
  exec { $command[0] } @command;
  print STDERR "$command[0]: $!
";
  exit 127;
}
for my $s (qw(TERM INT)) { $SIG{$s} = sub { kill $s, $pid } }
my (%peer, %fh, %out, %eof, %shut);  # by fileno: the other side, the handle, bytes waiting for it, its read side ended, its write side shut
sub nonblocking { my $f = fcntl($_[0], 3, 0); fcntl($_[0], 4, $f | 04000) }
# The numbers are copied first: an argument may be an element of %peer, deleted here.
sub drop { my @n = @_; for my $n (@n) { next unless $fh{$n}; close $fh{$n}; delete $_->{$n} for \%peer, \%fh, \%out, \%eof, \%shut } }
sub accept_one {
  my $c;
  accept($c, $server) or return;
  my $up;
  socket($up, 1, 1, 0) && connect($up, pack('S Z108', 1, $path)) or return close $c;
  nonblocking($_) for $c, $up;
  my ($a, $b) = (fileno $c, fileno $up);
  @fh{$a, $b} = ($c, $up);
  @peer{$a, $b} = ($b, $a);
  @out{$a, $b} = ('', '');
  @eof{$a, $b} = (0, 0);
  @shut{$a, $b} = (0, 0);
}
# After a read or a write on one side of a pair: a side whose sender has ended and whose bytes are
# all delivered is half-closed; the pair is closed once both directions are ended and delivered.
sub settle {
  my ($n) = @_;
  my $p = $peer{$n};
  for my $to ($n, $p) {
    next if $shut{$to} || !$eof{$peer{$to}} || length $out{$to};
    shutdown($fh{$to}, 1);
    $shut{$to} = 1;
  }
  drop($n, $p) if $shut{$n} && $shut{$p};
}
sub finish {
  my ($status) = @_;
  my (undef, undef, $cu, $cs) = times;
  print STDERR "\n" . $MARK . int(($cu + $cs) * 1000 + 0.5) . "\n";
  exit($status & 127 ? 128 + ($status & 127) : $status >> 8);
}
while (1) {
  finish($?) if waitpid($pid, 1) == $pid;
  my ($rin, $win) = ('', '');
  vec($rin, fileno $server, 1) = 1;
  for my $n (keys %fh) {
    vec($rin, $n, 1) = 1 unless $eof{$n} || length($out{$peer{$n}}) > 1048576;
    vec($win, $n, 1) = 1 if length $out{$n};
  }
  my $ready = select(my $r = $rin, my $w = $win, undef, 0.25);
  next if $ready <= 0;
  accept_one() if vec($r, fileno $server, 1);
  for my $n (keys %fh) {
    next unless $fh{$n};
    if (vec($w, $n, 1) && length $out{$n}) {
      my $k = syswrite($fh{$n}, $out{$n});
      if (!defined $k) { drop($n, $peer{$n}) unless $! == 11; next }
      substr($out{$n}, 0, $k, '');
      settle($n);
    }
    next unless $fh{$n} && vec($r, $n, 1) && !$eof{$n};
    my $k = sysread($fh{$n}, my $buf, 65536);
    if (!defined $k) { drop($n, $peer{$n}) unless $! == 11; next }
    if ($k == 0) { $eof{$n} = 1; settle($n); next }
    $out{$peer{$n}} .= $buf;
  }
}
`;

/** The command line that runs the forwarder inside the sandbox (its files are in `shimDir`). */
export function forwarderCommand(shimDir: string, runtime: HelperRuntime = helperRuntime()): string[] {
  if (runtime === 'c') return [`${shimDir}/${C_FORWARDER_FILE}`];
  return runtime === 'perl' ? [PERL, `${shimDir}/${FORWARDER_PL_FILE}`] : [process.execPath, `${shimDir}/${FORWARDER_FILE}`];
}

/** Writes the forwarder in the form that will run into `dir` (the shims folder, bound read-only into the sandbox). */
export function writeForwarder(dir: string, runtime: HelperRuntime = helperRuntime()): void {
  if (runtime === 'c') installBinary(cHelpers().forward, join(dir, C_FORWARDER_FILE));
  else if (runtime === 'perl') writeFileSync(join(dir, FORWARDER_PL_FILE), FORWARD_PL, { mode: 0o644 });
  else writeFileSync(join(dir, FORWARDER_FILE), FORWARD_JS, { mode: 0o644 });
}
