/**
 * The sandbox launcher in C: the Perl launcher's protocol and behaviour (launcher.ts) without Perl's
 * fork. posix_spawn (glibc: clone with CLONE_VM|CLONE_VFORK) copies no page of the launcher, and the
 * child gets its own session (POSIX_SPAWN_SETSID), default signal dispositions and an empty mask,
 * stdin /dev/null and an empty environment; every descriptor of the launcher's own is close-on-exec.
 * Where the libc has no POSIX_SPAWN_SETSID, fork+setsid+exec with an error pipe does the same.
 * One poll loop over stdin, a self-pipe woken by SIGCHLD (no race between the reap and poll) and
 * every child's stdout and stderr; frames are written blocking, so a slow reader loses nothing.
 * Compiled by c-helpers.ts with the other helpers; run in place from the cache (outside the sandbox).
 */
export const LAUNCHER_C = `#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* One started command: its launch id, pid, stdout and stderr pipes (-1 once closed), exit status. */
struct kid { int used; uint32_t id; pid_t pid; int fd[2]; int open; int done; int status; };

static struct kid *kids;
static size_t nkids;
static int wake[2];
static unsigned char *in;
static size_t inlen, incap;

static void bye(void) {
  size_t i;
  for (i = 0; i < nkids; i++)
    if (kids[i].used && !kids[i].done) kill(-kids[i].pid, SIGKILL);
  _exit(0);
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16); p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}
static uint32_t get32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void write_all(const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w < 0) { if (errno == EINTR) continue; bye(); }
    p += w; n -= (size_t)w;
  }
}

static void frame(char type, uint32_t id, const void *data, size_t len) {
  unsigned char head[9];
  head[0] = (unsigned char)type;
  put32(head + 1, id);
  put32(head + 5, (uint32_t)len);
  write_all(head, 9);
  write_all(data, len);
}

static void fail(uint32_t id, const char *what, int err) {
  char msg[4200];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  frame('F', id, msg, strlen(msg));
}

static void finish(struct kid *k) {
  unsigned char body[8];
  if (!k->used || k->open > 0 || !k->done) return;
  put32(body, (uint32_t)(WIFSIGNALED(k->status) ? -1 : WEXITSTATUS(k->status)));
  put32(body + 4, (uint32_t)(WIFSIGNALED(k->status) ? WTERMSIG(k->status) : 0));
  frame('X', k->id, body, 8);
  k->used = 0;
}

static void reap(void) {
  int st;
  pid_t pid;
  size_t i;
  while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
    for (i = 0; i < nkids; i++)
      if (kids[i].used && !kids[i].done && kids[i].pid == pid) {
        kids[i].done = 1;
        kids[i].status = st;
        finish(&kids[i]);
        break;
      }
}

static void on_chld(int sig) {
  int e = errno;
  ssize_t w = write(wake[1], "c", 1);
  (void)w;
  (void)sig;
  errno = e;
}

static struct kid *slot(void) {
  size_t i;
  for (i = 0; i < nkids; i++)
    if (!kids[i].used) return &kids[i];
  kids = realloc(kids, (nkids + 1) * sizeof *kids);
  if (!kids) { perror("peerwatch-launcher: realloc"); bye(); }
  return &kids[nkids++];
}

/* Descriptors this process inherited without close-on-exec (Node passes on whatever its own parent
   left open) are not for the children: they get close-on-exec too. */
static void cloexec_inherited(void) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  long fd, max;
  if (!d) {
    max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (fd = 3; fd < max; fd++) fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    return;
  }
  while ((e = readdir(d)) != NULL) {
    fd = strtol(e->d_name, NULL, 10);
    if (fd > 2 && fd != dirfd(d)) fcntl((int)fd, F_SETFD, FD_CLOEXEC);
  }
  closedir(d);
}

/* Starts argv[0] with argv; returns the pid, or -1 with errno set and the cause in *what. */
static pid_t start(char **argv, int out, int err, const char **what) {
  static char *const envp[] = { NULL };
  pid_t pid;
/* PEERWATCH_LAUNCHER_FORK: the fallback on any libc (c-helpers.test.ts compiles and runs it). */
#if defined(POSIX_SPAWN_SETSID) && !defined(PEERWATCH_LAUNCHER_FORK)
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t fa;
  sigset_t all, none;
  int r;
  /* Every bit, not sigfillset: glibc's leaves out its internal signals (32, 33), which its
     posix_spawn then sets to SIG_IGN in the child, and an ignored signal survives exec. */
  memset(&all, 0xff, sizeof all);
  sigemptyset(&none);
  *what = "launcher: posix_spawn";
  if ((r = posix_spawnattr_init(&attr)) != 0) { errno = r; return -1; }
  if ((r = posix_spawn_file_actions_init(&fa)) != 0) { posix_spawnattr_destroy(&attr); errno = r; return -1; }
  r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (!r) r = posix_spawnattr_setsigdefault(&attr, &all);
  if (!r) r = posix_spawnattr_setsigmask(&attr, &none);
  if (!r) r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (!r) r = posix_spawn_file_actions_adddup2(&fa, out, 1);
  if (!r) r = posix_spawn_file_actions_adddup2(&fa, err, 2);
  /* The exec's own failure comes back as the return value (glibc reaps that child itself). */
  if (!r && (r = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp)) != 0) *what = argv[0];
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (r) { errno = r; return -1; }
  return pid;
#else
  int x[2], e, n, sig;
  struct sigaction dfl;
  sigset_t none;
  *what = "launcher: fork";
  if (pipe2(x, O_CLOEXEC) < 0) { *what = "launcher: pipe"; return -1; }
  pid = fork();
  if (pid < 0) { e = errno; close(x[0]); close(x[1]); errno = e; return -1; }
  if (pid == 0) {
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    e = open("/dev/null", O_RDONLY);
    if (e >= 0 && e != 0) { dup2(e, 0); close(e); }
    dup2(out, 1);
    dup2(err, 2);
    execve(argv[0], argv, envp);
    e = errno;
    n = (int)write(x[1], &e, sizeof e);
    (void)n;
    _exit(127);
  }
  close(x[1]);
  while ((n = (int)read(x[0], &e, sizeof e)) < 0 && errno == EINTR) {}
  close(x[0]);
  if (n == (int)sizeof e) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    *what = argv[0];
    errno = e;
    return -1;
  }
  return pid;
#endif
}

static void launch(uint32_t id, const unsigned char *body, uint32_t len) {
  char **argv = NULL;
  char *strings;
  size_t argc = 0, off = 0, used = 0;
  int o[2], e[2], ok;
  const char *what = "launcher";
  pid_t pid;
  struct kid *k;
  unsigned char p[4];
  /* argv as (u32 length, bytes) pairs, copied NUL-terminated. */
  strings = malloc((size_t)len + 1);
  while (strings && off + 4 <= len) {
    uint32_t n = get32(body + off);
    if (n > len - off - 4) break;
    argv = realloc(argv, (argc + 2) * sizeof *argv);
    if (!argv) break;
    memcpy(strings + used, body + off + 4, n);
    argv[argc++] = strings + used;
    strings[used + n] = 0;
    used += n + 1;
    off += 4 + (size_t)n;
  }
  if (!strings || (off + 4 <= len && !argv)) { fail(id, "launcher: malloc", ENOMEM); goto out; }
  if (argc == 0) { frame('F', id, "launcher: empty command", strlen("launcher: empty command")); goto out; }
  argv[argc] = NULL;
  if (pipe2(o, O_CLOEXEC) < 0) { fail(id, "launcher: pipe", errno); goto out; }
  if (pipe2(e, O_CLOEXEC) < 0) { fail(id, "launcher: pipe", errno); close(o[0]); close(o[1]); goto out; }
  pid = start(argv, o[1], e[1], &what);
  ok = pid > 0;
  if (!ok) fail(id, what, errno);
  close(o[1]);
  close(e[1]);
  if (!ok) { close(o[0]); close(e[0]); goto out; }
  k = slot();
  k->used = 1; k->id = id; k->pid = pid; k->fd[0] = o[0]; k->fd[1] = e[0]; k->open = 2; k->done = 0; k->status = 0;
  put32(p, (uint32_t)pid);
  frame('P', id, p, 4);
out:
  free(argv);
  free(strings);
}

static void requests(void) {
  size_t at = 0;
  while (inlen - at >= 9) {
    uint32_t id = get32(in + at + 1), len = get32(in + at + 5);
    if (inlen - at - 9 < len) break;
    if (in[at] == 'L') launch(id, in + at + 9, len);
    at += 9 + (size_t)len;
  }
  memmove(in, in + at, inlen - at);
  inlen -= at;
}

int main(void) {
  struct sigaction sa;
  struct pollfd *pfd = NULL;
  size_t *who = NULL, cap = 0;
  int sigs[] = { SIGPIPE, SIGINT, SIGQUIT, SIGHUP, SIGTERM };
  size_t i;
  static unsigned char buf[65536];
  /* Terminal signals are for peerwatch; the launcher goes when its stdin ends. */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  for (i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) { perror("peerwatch-launcher: pipe"); return 2; }
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  cloexec_inherited();
  for (;;) {
    size_t n = 2, k;
    int r;
    reap();
    if (cap < 2 + 2 * nkids) {
      cap = 2 + 2 * nkids;
      pfd = realloc(pfd, cap * sizeof *pfd);
      who = realloc(who, cap * sizeof *who);
      if (!pfd || !who) { perror("peerwatch-launcher: realloc"); bye(); }
    }
    pfd[0].fd = 0; pfd[0].events = POLLIN;
    pfd[1].fd = wake[0]; pfd[1].events = POLLIN;
    for (i = 0; i < nkids; i++)
      for (k = 0; k < 2; k++)
        if (kids[i].used && kids[i].fd[k] >= 0) {
          pfd[n].fd = kids[i].fd[k];
          pfd[n].events = POLLIN;
          who[n++] = i * 2 + k;
        }
    r = poll(pfd, (nfds_t)n, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      perror("peerwatch-launcher: poll");
      bye();
    }
    if (pfd[1].revents) while (read(wake[0], buf, sizeof buf) > 0) {}
    for (i = 2; i < n; i++) {
      struct kid *c = &kids[who[i] / 2];
      int s = (int)(who[i] % 2);
      ssize_t got;
      if (!pfd[i].revents) continue;
      got = read(c->fd[s], buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got > 0) { frame(s ? 'E' : 'O', c->id, buf, (size_t)got); continue; }
      close(c->fd[s]);
      c->fd[s] = -1;
      c->open--;
      finish(c);
    }
    if (pfd[0].revents) {
      ssize_t got;
      if (incap - inlen < sizeof buf) {
        incap = inlen + sizeof buf;
        in = realloc(in, incap);
        if (!in) { perror("peerwatch-launcher: realloc"); bye(); }
      }
      got = read(0, in + inlen, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) bye();
      inlen += (size_t)got;
      requests();
    }
  }
}
`;
