/**
 * The bridge forwarder in C: the Perl forwarder's behaviour (forwarder.ts) at the cost of a bare
 * process start. One poll loop over every connection, non-blocking sockets with a buffer per
 * direction (reading stops while the other side has over 1 MiB waiting), a half-close passed on once
 * its direction is delivered; the agent's exit wakes the loop through a pipe (no race with poll).
 * The agent starts with default signal dispositions, as Node's spawn gives it. It runs as the
 * sandbox's pid 1 (sandbox.ts), so it reaps every child. Compiled by c-helpers.ts.
 */
import { CPU_MARK } from './cpu-mark.js';

export const FORWARD_C = String.raw`#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WAITING 1048576

/* One side of a connection: its socket, the bytes waiting to be written to it, its read side
   ended, its write side shut. */
struct side { int fd; char *buf; size_t off, len, cap; int eof, shut; };
struct pair { struct side s[2]; int dead; };

static struct pair **pairs;
static size_t npairs, cpairs;
static volatile sig_atomic_t child;
static int wake[2];

static void fail(const char *what, const char *arg) {
  if (arg) fprintf(stderr, "peerwatch-forward: %s%s: %s\n", what, arg, strerror(errno));
  else fprintf(stderr, "peerwatch-forward: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void on_chld(int sig) {
  int e = errno;
  ssize_t k = write(wake[1], "", 1);
  (void)k;
  (void)sig;
  errno = e;
}

static void on_stop(int sig) {
  if (child > 0) kill((pid_t)child, sig);
}

static void handle(int sig, void (*f)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = f;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void flags(int fd, int fl, int fd_fl) {
  if (fl) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | fl);
  if (fd_fl) fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | fd_fl);
}

static size_t waiting(const struct side *s) { return s->len - s->off; }

static void drop(struct pair *p) {
  if (p->dead) return;
  for (int i = 0; i < 2; i++) {
    close(p->s[i].fd);
    free(p->s[i].buf);
  }
  p->dead = 1;
}

static void accept_one(int server, const char *path) {
  int c = accept(server, NULL, NULL);
  if (c < 0) return;
  int up = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  struct pair *p = calloc(1, sizeof *p);
  if (up < 0 || connect(up, (struct sockaddr *)&addr, sizeof addr) != 0 || !p ||
      (npairs == cpairs && !(pairs = realloc(pairs, (cpairs = cpairs ? cpairs * 2 : 16) * sizeof *pairs)))) {
    close(c);
    if (up >= 0) close(up);
    free(p);
    return;
  }
  p->s[0].fd = c;
  p->s[1].fd = up;
  flags(c, O_NONBLOCK, 0);
  flags(up, O_NONBLOCK, 0);
  pairs[npairs++] = p;
}

/* After a read or a write on a pair: a side whose sender has ended and whose bytes are all
   delivered is half-closed; the pair is closed once both directions are ended and delivered. */
static void settle(struct pair *p) {
  for (int i = 0; i < 2; i++) {
    struct side *to = &p->s[i], *from = &p->s[1 - i];
    if (to->shut || !from->eof || waiting(to)) continue;
    shutdown(to->fd, SHUT_WR);
    to->shut = 1;
  }
  if (p->s[0].shut && p->s[1].shut) drop(p);
}

static int add(struct side *s, const char *b, size_t n) {
  if (s->off == s->len) s->off = s->len = 0;
  if (s->len + n > s->cap) {
    if (s->off) {
      memmove(s->buf, s->buf + s->off, s->len - s->off);
      s->len -= s->off;
      s->off = 0;
    }
    size_t cap = s->cap ? s->cap : 65536;
    while (cap < s->len + n) cap *= 2;
    char *q = realloc(s->buf, cap);
    if (!q) return -1;
    s->buf = q;
    s->cap = cap;
  }
  memcpy(s->buf + s->len, b, n);
  s->len += n;
  return 0;
}

static void finish(int status) {
  struct rusage ru;
  long long us = 0;
  if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
    us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  fprintf(stderr, "\n${CPU_MARK}%lld\n", (us + 500) / 1000);
  exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}

int main(int argc, char **argv) {
  if (argc < 5 || strcmp(argv[3], "--") != 0) {
    fputs("usage: peerwatch-forward PORT SOCKET -- COMMAND...\n", stderr);
    return 2;
  }
  const char *port = argv[1], *path = argv[2];
  char **command = argv + 4;
  /* A side that went away is an error on write (EPIPE), not a signal that would end the forwarder. */
  signal(SIGPIPE, SIG_IGN);
  int server = socket(AF_INET, SOCK_STREAM, 0);
  if (server < 0) fail("socket", NULL);
  int one = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in in;
  memset(&in, 0, sizeof in);
  in.sin_family = AF_INET;
  in.sin_port = htons((unsigned short)strtoul(port, NULL, 10));
  in.sin_addr.s_addr = htonl(0x7f000001);
  if (bind(server, (struct sockaddr *)&in, sizeof in) != 0) fail("listen 127.0.0.1:", port);
  if (listen(server, 128) != 0) fail("listen", NULL);
  if (pipe(wake) != 0) fail("pipe", NULL);
  flags(wake[0], O_NONBLOCK, FD_CLOEXEC);
  flags(wake[1], O_NONBLOCK, FD_CLOEXEC);
  flags(server, O_NONBLOCK, FD_CLOEXEC);
  handle(SIGCHLD, on_chld);
  pid_t pid = fork();
  if (pid < 0) fail("fork", NULL);
  if (pid == 0) {
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execvp(command[0], command);
    fprintf(stderr, "%s: %s\n", command[0], strerror(errno));
    _exit(127);
  }
  child = pid;
  handle(SIGTERM, on_stop);
  handle(SIGINT, on_stop);
  struct pollfd *fds = NULL;
  size_t cfds = 0;
  char chunk[65536];
  for (;;) {
    /* Every child is reaped, not only the agent: as the sandbox's pid 1 (bwrap --as-pid-1) the
       forwarder inherits whatever the agent orphans. Its exit ends the pid namespace, and them. */
    int status;
    for (pid_t w; (w = waitpid(-1, &status, WNOHANG)) > 0;)
      if (w == pid) finish(status);
    size_t n = npairs;
    if (2 + 2 * n > cfds) {
      cfds = 2 + 2 * n + 32;
      fds = realloc(fds, cfds * sizeof *fds);
      if (!fds) fail("poll", NULL);
    }
    fds[0] = (struct pollfd){.fd = wake[0], .events = POLLIN};
    fds[1] = (struct pollfd){.fd = server, .events = POLLIN};
    for (size_t i = 0; i < n; i++)
      for (int j = 0; j < 2; j++) {
        struct side *s = &pairs[i]->s[j];
        short ev = (short)((!s->eof && waiting(&pairs[i]->s[1 - j]) <= MAX_WAITING ? POLLIN : 0) | (waiting(s) ? POLLOUT : 0));
        /* A side with nothing to do is left out: a hang-up on it would wake poll in a loop. */
        fds[2 + 2 * i + j] = (struct pollfd){.fd = ev ? s->fd : -1, .events = ev};
      }
    int ready = poll(fds, 2 + 2 * n, 250);
    if (ready <= 0) continue;
    if (fds[0].revents) while (read(wake[0], chunk, sizeof chunk) > 0) {}
    if (fds[1].revents & POLLIN) accept_one(server, path);
    for (size_t i = 0; i < n; i++) {
      struct pair *p = pairs[i];
      for (int j = 0; j < 2 && !p->dead; j++) {
        struct side *s = &p->s[j], *peer = &p->s[1 - j];
        short re = fds[2 + 2 * i + j].revents, ev = fds[2 + 2 * i + j].events;
        if (!re) continue;
        if ((ev & POLLOUT) && (re & (POLLOUT | POLLERR | POLLHUP)) && waiting(s)) {
          ssize_t k = write(s->fd, s->buf + s->off, waiting(s));
          if (k < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) drop(p);
            continue;
          }
          s->off += (size_t)k;
          settle(p);
        }
        if (p->dead || !(ev & POLLIN) || !(re & (POLLIN | POLLERR | POLLHUP)) || s->eof) continue;
        ssize_t k = read(s->fd, chunk, sizeof chunk);
        if (k < 0) {
          if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) drop(p);
          continue;
        }
        if (k == 0) {
          s->eof = 1;
          settle(p);
          continue;
        }
        if (add(peer, chunk, (size_t)k) != 0) drop(p);
      }
    }
    size_t kept = 0;
    for (size_t i = 0; i < npairs; i++) {
      if (pairs[i]->dead) free(pairs[i]);
      else pairs[kept++] = pairs[i];
    }
    npairs = kept;
  }
}
`;
