/**
 * Starts sandboxes from one small long-lived process instead of forking peerwatch per rollout.
 * A Node spawn forks the whole Node process (hundreds of MB in a sweep) and the child then tears the
 * copied address space down at exec: several ms of CPU per rollout for nothing. The launcher is
 * started once, at the first sandboxed rollout; it starts each command on request (the child in its
 * own session and process group, stdin /dev/null, an empty environment, default signal handling),
 * relays the child's stdout and stderr in frames over its own stdout, and reports the pid and the exit
 * status. When its stdin reaches EOF (peerwatch exited or was killed, even by kill -9) it SIGKILLs
 * every group it started and exits. Two forms speak the same protocol: the C one (launcher-c.ts,
 * posix_spawn: no page of the launcher is copied), compiled with the other C helpers, and the Perl one
 * below (fork+exec; core built-ins only, perl-base). `PEERWATCH_LAUNCHER=c|perl|spawn` chooses; by
 * default the C one where the C helpers compiled (helperRuntime() === 'c'), else the Perl one, else
 * (PEERWATCH_SHIMS=node, standing for a machine without Perl) a Node spawn per rollout.
 *
 * Frames, both ways: type (1 byte), launch id (u32 BE), payload length (u32 BE), payload.
 *   to the launcher:  L  argv as (u32 length, bytes) pairs; argv[0] is the program's path
 *   from it:          P  pid (u32)   O  stdout bytes   E  stderr bytes
 *                     X  exit code and signal (two i32; -1 / 0 where none)   F  could not start (text)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { Readable } from 'node:stream';
import { UserError } from '../core/index.js';
import { compiledHelpers } from './c-helpers.js';
import { cHelpers, helperRuntime, PERL, perlRuns } from './helper-runtime.js';

/** How sandboxes start: through the C or the Perl launcher, or by a Node spawn per rollout. */
export type SandboxStarter = 'c' | 'perl' | 'spawn';
export type LauncherForm = Exclude<SandboxStarter, 'spawn'>;

/** `PEERWATCH_LAUNCHER=c|perl|spawn`, else the C launcher with the C helpers, the Perl one with the Perl helpers, a Node spawn with the Node ones. */
export function sandboxStarter(env: NodeJS.ProcessEnv = process.env): SandboxStarter {
  const wanted = env.PEERWATCH_LAUNCHER;
  if (wanted === 'spawn') return 'spawn';
  if (wanted === 'c') {
    const c = compiledHelpers(env);
    if (!c.ok) throw new UserError(`PEERWATCH_LAUNCHER=c: the C launcher is not available: ${c.reason}; set PEERWATCH_CC or install gcc`);
    return 'c';
  }
  if (wanted === 'perl') {
    if (!perlRuns()) throw new UserError(`PEERWATCH_LAUNCHER=perl: ${PERL} does not run; install perl-base`);
    return 'perl';
  }
  if (wanted) throw new UserError(`PEERWATCH_LAUNCHER=${wanted}: expected c, perl or spawn`);
  const shims = helperRuntime(env);
  return shims === 'node' ? 'spawn' : shims;
}

/** The Perl launcher's first line, and the C one's argv[1]: names a launcher in /proc/<pid>/cmdline. */
export const LAUNCHER_MARK = '# peerwatch-launcher';
export const LAUNCHER_PL = `${LAUNCHER_MARK}
use strict;
use POSIX ();
# Terminal signals are for peerwatch; the launcher goes when its stdin ends (as a detached child did).
$SIG{$_} = 'IGNORE' for qw(PIPE INT QUIT HUP TERM);
binmode STDIN; binmode STDOUT;
# Descriptors inherited without close-on-exec (Node passes on what its own parent left open) are not the children's.
if (opendir(my $d, '/proc/self/fd')) { my @fds = grep { /^\\d+$/ && $_ > 2 } readdir $d; closedir $d; POSIX::close($_) for @fds }
my $EINTR = POSIX::EINTR();
my (%kids, %fds, $in);
$in = '';
# Self-pipe: a child's exit between the reap and select must still wake select.
pipe(my $sr, my $sw) or die "launcher: pipe: $!";
# F_GETFL 3, F_SETFL 4, O_NONBLOCK 04000 (Linux)
fcntl($sw, 4, fcntl($sw, 3, 0) | 04000);
$SIG{CHLD} = sub { syswrite($sw, 'c') };

sub bye {
  for my $pid (keys %kids) { kill('KILL', -$pid) unless defined $kids{$pid}{status} }
  POSIX::_exit(0);
}
sub frame {
  my $data = pack('a1 N N', $_[0], $_[1], length $_[2]) . $_[2];
  my $off = 0;
  while ($off < length $data) {
    my $w = syswrite(STDOUT, $data, length($data) - $off, $off);
    if (!defined $w) { next if $! == $EINTR; bye() }
    $off += $w;
  }
}
sub finish {
  my ($pid) = @_;
  my $k = $kids{$pid};
  return unless $k->{open} == 0 && defined $k->{status};
  my $s = $k->{status};
  frame('X', $k->{id}, pack('l> l>', ($s & 127) ? -1 : $s >> 8, $s & 127));
  delete $kids{$pid};
}
sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    next unless $kids{$pid};
    $kids{$pid}{status} = $?;
    finish($pid);
  }
}
sub launch {
  my ($id, @argv) = @_;
  my ($or, $ow, $er, $ew, $xr, $xw);
  unless (pipe($or, $ow) && pipe($er, $ew) && pipe($xr, $xw)) { frame('F', $id, "launcher: pipe: $!"); return }
  my $pid = fork();
  if (!defined $pid) { close $_ for ($or, $ow, $er, $ew, $xr, $xw); frame('F', $id, "launcher: fork: $!"); return }
  if ($pid == 0) {
    $SIG{$_} = 'DEFAULT' for qw(PIPE INT QUIT HUP TERM CHLD);
    POSIX::setsid();
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>&', $ow);
    open(STDERR, '>&', $ew);
    %ENV = ();
    # Every other descriptor is close-on-exec (Perl's default above fd 2); $xw tells the launcher why exec failed.
    exec { $argv[0] } @argv;
    syswrite($xw, "$argv[0]: $!");
    POSIX::_exit(127);
  }
  close $ow; close $ew; close $xw;
  my $err = '';
  while (1) {
    my $r = sysread($xr, $err, 4096, length $err);
    next if !defined $r && $! == $EINTR;
    last unless $r;
  }
  close $xr;
  if (length $err) {
    waitpid($pid, 0);
    close $or; close $er;
    frame('F', $id, $err);
    return;
  }
  $kids{$pid} = { id => $id, open => 2 };
  $fds{fileno $or} = [$pid, 'O', $or];
  $fds{fileno $er} = [$pid, 'E', $er];
  frame('P', $id, pack('N', $pid));
}
sub requests {
  while (length($in) >= 9) {
    my ($type, $id, $len) = unpack('a1 N N', $in);
    last if length($in) < 9 + $len;
    my $body = substr($in, 9, $len);
    substr($in, 0, 9 + $len) = '';
    next unless $type eq 'L';
    my @argv;
    while (length $body >= 4) {
      my $n = unpack('N', $body);
      push @argv, substr($body, 4, $n);
      substr($body, 0, 4 + $n) = '';
    }
    if (@argv) { launch($id, @argv) } else { frame('F', $id, 'launcher: empty command') }
  }
}

while (1) {
  reap();
  my $rin = '';
  vec($rin, 0, 1) = 1;
  vec($rin, fileno $sr, 1) = 1;
  vec($rin, $_, 1) = 1 for keys %fds;
  my $n = select(my $rout = $rin, undef, undef, undef);
  if ($n < 0) { next if $! == $EINTR; die "launcher: select: $!" }
  sysread($sr, my $junk, 4096) if vec($rout, fileno $sr, 1);
  for my $fd (keys %fds) {
    next unless vec($rout, $fd, 1);
    my ($pid, $type, $fh) = @{$fds{$fd}};
    my $r = sysread($fh, my $buf, 65536);
    next if !defined $r && $! == $EINTR;
    if ($r) { frame($type, $kids{$pid}{id}, $buf); next }
    close $fh;
    delete $fds{$fd};
    $kids{$pid}{open}--;
    finish($pid);
  }
  if (vec($rout, 0, 1)) {
    my $r = sysread(STDIN, $in, 65536, length $in);
    next if !defined $r && $! == $EINTR;
    bye() unless $r;
    requests();
  }
}
`;

/** What a started command offers its caller; Node's ChildProcess (the spawn path) has the same shape. */
export interface LaunchedChild {
  readonly pid?: number | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

const signalNames = new Map<number, NodeJS.Signals>(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

/** One command started by the launcher. */
class Launch extends EventEmitter implements LaunchedChild {
  pid: number | undefined;
  readonly stdout = new Readable({ read() {} });
  readonly stderr = new Readable({ read() {} });
  done = false;
  killWanted = false;

  /** Ends the streams, then 'close' once a consumer has read them (as a child process's 'close'). */
  end(code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    if (this.done) return;
    this.done = true;
    // As a child process's spawn error; not thrown where nobody listens (the close still comes).
    if (error && this.listenerCount('error') > 0) this.emit('error', error);
    const ended = (s: Readable) =>
      new Promise<void>((resolve) => {
        if (s.readableFlowing !== true || s.readableEnded) return resolve();
        s.once('end', resolve);
      });
    this.stdout.push(null);
    this.stderr.push(null);
    void Promise.all([ended(this.stdout), ended(this.stderr)]).then(() => this.emit('close', code, signal));
  }

  kill(): void {
    if (this.done) return;
    if (this.pid === undefined) {
      this.killWanted = true;
      return;
    }
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

class Launcher {
  readonly proc: ChildProcess;
  private nextId = 1;
  private readonly live = new Map<number, Launch>();
  private pending: Buffer = Buffer.alloc(0);
  dead = false;

  constructor(
    readonly form: LauncherForm,
    private readonly onDeath: () => void,
  ) {
    // Detached: its own session, so a Ctrl-C reaches peerwatch only (which then stops its rollouts).
    const [file, args] = form === 'c' ? [cHelpers().launcher, [LAUNCHER_MARK]] : [PERL, ['-e', LAUNCHER_PL]];
    this.proc = spawn(file, args, { detached: true, env: {}, stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout?.on('data', (c: Buffer) => this.read(c));
    // A dead launcher is reported by 'close', with its cause; a write to it then fails quietly.
    this.proc.stdin?.on('error', () => {});
    let startError: Error | null = null;
    this.proc.on('error', (e) => {
      startError = e;
    });
    this.proc.on('close', (code, signal) => {
      const how = startError ? `could not start (${startError.message})` : `exited (${signal ? `signal ${signal}` : `status ${code}`})`;
      this.die(`the sandbox launcher (pid ${this.proc.pid ?? 'none'}) ${how}: the sandbox was stopped with it`);
    });
    this.hold(false);
  }

  /** Holds peerwatch's event loop only while a launch is in flight. */
  private hold(on: boolean): void {
    const handles = [this.proc, this.proc.stdin as Socket | null, this.proc.stdout as Socket | null];
    for (const h of handles) if (h) on ? h.ref() : h.unref();
  }

  launch(argv: string[]): Launch {
    const launch = new Launch();
    if (this.dead) {
      queueMicrotask(() => launch.end(null, null, new Error('the sandbox launcher is gone')));
      return launch;
    }
    const id = this.nextId++;
    if (this.live.size === 0) this.hold(true);
    this.live.set(id, launch);
    const parts = argv.flatMap((a) => {
      const bytes = Buffer.from(a, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(bytes.length);
      return [len, bytes];
    });
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(9);
    head.write('L', 0, 'latin1');
    head.writeUInt32BE(id, 1);
    head.writeUInt32BE(body.length, 5);
    this.proc.stdin?.write(Buffer.concat([head, body]));
    return launch;
  }

  private read(chunk: Buffer): void {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 9) {
      const len = buf.readUInt32BE(at + 5);
      if (buf.length - at - 9 < len) break;
      this.frame(String.fromCharCode(buf[at] as number), buf.readUInt32BE(at + 1), buf.subarray(at + 9, at + 9 + len));
      at += 9 + len;
    }
    this.pending = at === buf.length ? Buffer.alloc(0) : buf.subarray(at);
  }

  private frame(type: string, id: number, payload: Buffer): void {
    const launch = this.live.get(id);
    if (!launch) return;
    if (type === 'O') launch.stdout.push(payload);
    else if (type === 'E') launch.stderr.push(payload);
    else if (type === 'P') {
      launch.pid = payload.readUInt32BE(0);
      if (launch.killWanted) launch.kill();
    } else if (type === 'X' || type === 'F') {
      this.live.delete(id);
      if (this.live.size === 0) this.hold(false);
      if (type === 'F') launch.end(null, null, new Error(payload.toString('utf8')));
      else {
        const code = payload.readInt32BE(0);
        const signal = payload.readInt32BE(4);
        launch.end(signal ? null : code, signal ? (signalNames.get(signal) ?? 'SIGKILL') : null);
      }
    }
  }

  private die(cause: string): void {
    if (this.dead) return;
    this.dead = true;
    this.onDeath();
    for (const launch of this.live.values()) launch.end(null, null, new Error(cause));
    this.live.clear();
    this.hold(false);
  }
}

/** The running launcher of each form (one per process; both only where a test or the bench mixes them). */
const running = new Map<LauncherForm, Launcher>();
let last: Launcher | null = null;

/**
 * Starts `argv` through this process's launcher of `form` (started now if none runs, or the last one
 * died). The form defaults to sandboxStarter()'s, or, where that is a Node spawn, the Perl one.
 */
export function launch(argv: string[], form?: LauncherForm): { child: LaunchedChild; kill(): void } {
  const f = form ?? defaultForm();
  let l = running.get(f);
  if (!l || l.dead) {
    const started: Launcher = new Launcher(f, () => {
      if (running.get(f) === started) running.delete(f);
    });
    running.set(f, started);
    l = started;
  }
  last = l;
  const one = l.launch(argv);
  return { child: one, kill: () => one.kill() };
}

function defaultForm(): LauncherForm {
  const s = sandboxStarter();
  return s === 'spawn' ? 'perl' : s;
}

/** The pid of the launcher that started the last command, while it runs (bench:harness reads its CPU from /proc). */
export function launcherPid(): number | null {
  return last && !last.dead ? (last.proc.pid ?? null) : null;
}

/** Which form that launcher is (bench:harness prints it). */
export function launcherForm(): LauncherForm | null {
  return last && !last.dead ? last.form : null;
}
