/**
 * The ssh shim in C (ssh, ssh-add, ssh-agent): the Perl shim's behaviour byte for byte, at the
 * cost of a bare process start. The tool is the file's own name. The request is JSON with strings as
 * raw bytes (quotes, backslashes and control characters escaped); the reply's header line gives the
 * byte lengths of stdout and stderr that follow it (shim-reply.ts). Compiled by c-helpers.ts.
 */
import { SSH_ADD_LIST, SSH_AGENT_ENV } from './shim-text.js';

export const SHIM_C = String.raw`#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *tool = "";

struct buf { char *p; size_t n, cap; };

static void say(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return;
    p += k;
    n -= (size_t)k;
  }
}

static void fail(const char *what) {
  say(2, tool, strlen(tool));
  say(2, ": ", 2);
  say(2, what, strlen(what));
  say(2, "\n", 1);
  exit(strcmp(tool, "ssh") == 0 ? 255 : 1);
}

static void put(struct buf *b, const char *p, size_t n) {
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + n) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) fail("out of memory");
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->n, p, n);
  b->n += n;
}

/* A JSON string of raw bytes: the shim server reads the request as UTF-8. */
static void js(struct buf *b, const char *s, size_t n) {
  put(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(b, e, 2);
    } else if (c < 0x20 || c == 0x7f) {
      char e[8];
      snprintf(e, sizeof e, "\\u%04x", c);
      put(b, e, 6);
    } else put(b, (const char *)&s[i], 1);
  }
  put(b, "\"", 1);
}

static int has(int argc, char **argv, const char *a) {
  for (int i = 1; i < argc; i++) if (strcmp(argv[i], a) == 0) return 1;
  return 0;
}

/* The decimal after key at *p (digits only), saturated; -1 when it is not there. */
static int number(const char **p, const char *end, const char *key, unsigned long long *v) {
  size_t k = strlen(key);
  if ((size_t)(end - *p) < k || memcmp(*p, key, k) != 0) return -1;
  *p += k;
  if (*p >= end || **p < '0' || **p > '9') return -1;
  *v = 0;
  while (*p < end && **p >= '0' && **p <= '9') {
    *v = *v > 100000000000000ULL ? *v : *v * 10 + (unsigned long long)(**p - '0');
    (*p)++;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *slash = strrchr(argv[0], '/');
  tool = slash ? slash + 1 : argv[0];
  if (strcmp(tool, "ssh-add") == 0) {
    if (has(argc, argv, "-l") || has(argc, argv, "-L")) {
      const char *list = "${SSH_ADD_LIST}\n";
      say(1, list, strlen(list));
    } else {
      const char *f = NULL;
      for (int i = 1; i < argc && !f; i++) if (argv[i][0] != '-') f = argv[i];
      struct buf m = {0};
      const char *head = "Identity added: ", *tail = " (maintainer@openbrain)\n";
      put(&m, head, strlen(head));
      if (f) put(&m, f, strlen(f));
      else {
        const char *home = getenv("HOME");
        if (home) put(&m, home, strlen(home));
        put(&m, "/.ssh/id_rsa", 12);
      }
      put(&m, tail, strlen(tail));
      say(2, m.p, m.n);
    }
    return 0;
  }
  if (strcmp(tool, "ssh-agent") == 0) {
    const char *env = "${SSH_AGENT_ENV}";
    say(1, env, strlen(env));
    return 0;
  }
  signal(SIGPIPE, SIG_IGN);
  struct buf in = {0};
  if (strcmp(tool, "ssh") == 0 && !isatty(0) && !has(argc, argv, "-n")) {
    char chunk[65536];
    for (;;) {
      ssize_t k = read(0, chunk, sizeof chunk);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) break;
      put(&in, chunk, (size_t)k);
    }
  }
  int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  const char *path = getenv("PEERWATCH_SHELL_SOCKET");
  if (path) strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) fail("connect to host port 22: Connection refused");
  struct buf req = {0};
  put(&req, "{\"tool\":", 8);
  js(&req, tool, strlen(tool));
  put(&req, ",\"argv\":[", 9);
  for (int i = 1; i < argc; i++) {
    if (i > 1) put(&req, ",", 1);
    js(&req, argv[i], strlen(argv[i]));
  }
  put(&req, "],\"stdin\":", 10);
  js(&req, in.p ? in.p : "", in.n);
  put(&req, "}\n", 2);
  for (size_t o = 0; o < req.n;) {
    ssize_t k = write(sock, req.p + o, req.n - o);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) fail("connection closed by remote host");
    o += (size_t)k;
  }
  shutdown(sock, SHUT_WR);
  struct buf reply = {0};
  char chunk[65536];
  for (;;) {
    ssize_t k = read(sock, chunk, sizeof chunk);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    put(&reply, chunk, (size_t)k);
  }
  const char *start = reply.p ? reply.p : "", *end = start + reply.n;
  const char *nl = memchr(start, '\n', reply.n);
  unsigned long long code, out, err;
  const char *p = start;
  if (!nl || number(&p, nl, "{\"exitCode\":", &code) || number(&p, nl, ",\"stdout\":", &out) ||
      number(&p, nl, ",\"stderr\":", &err) || p >= nl || (*p != ',' && *p != '}'))
    fail("connection closed by remote host");
  size_t body = (size_t)(end - (nl + 1));
  say(1, nl + 1, out < body ? (size_t)out : body);
  close(1);
  if (out <= body) say(2, nl + 1 + out, err < body - out ? (size_t)err : body - out);
  return (int)(code & 0xff);
}
`;
