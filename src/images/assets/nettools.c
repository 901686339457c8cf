/* nettools: the nc, curl and wget of Skiff's busybox-based images, one static binary
 * chosen by argv[0]. Debian's busybox nc has no -v/-z/-u/-t, its wget crashes on -T, and
 * the images have no curl, while the e2e framework runs `echo hostName | nc -v -t -w 2 HOST
 * PORT` and `curl -q -s --connect-timeout 2 http://HOST:PORT/` in its exec pods.
 *
 * nc   [-46kNntuvz] [-w SECS] [-W RECVLIMIT] [-s ADDR] HOST PORT
 * nc   -l [-k|-ll] [-u] [-p] PORT [-e PROG ARGS...]
 *      With -e, every TCP connection runs PROG with the socket on stdin and stdout; with -u
 *      every datagram runs PROG with the datagram on stdin, and what PROG prints is sent back.
 *      PROG sees the peer as NC_REMOTE=ip:port.
 * curl [-fIiLqSsv] [-X METHOD] [-H HEADER] [-d DATA] [-o FILE] [-w FORMAT]
 *      [--connect-timeout SECS] [-m SECS] http://HOST[:PORT]/PATH   (HTTP/1.1, no TLS)
 * wget [-qS] [-O FILE] [-T SECS] [-U AGENT] [--header H] [--post-data D] [--spider] URL
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "nc";

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

/* Polls one fd until the deadline (ms since boot; < 0: none). 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, long long deadline) {
  for (;;) {
    int t = -1;
    if (deadline >= 0) {
      long long left = deadline - now_ms();
      if (left <= 0) return 0;
      t = (int)left;
    }
    struct pollfd p = {fd, events, 0};
    int r = poll(&p, 1, t);
    if (r < 0 && errno == EINTR) continue;
    return r < 0 ? -1 : r;
  }
}

/* Connects with a timeout (ms; < 0: none). Returns the fd, or -1 with errno set. */
static int connect_timeout(const struct addrinfo *ai, int timeout_ms, const char *source) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -1;
  if (source) {
    struct addrinfo hints = {0}, *src;
    hints.ai_family = ai->ai_family;
    hints.ai_socktype = ai->ai_socktype;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    if (getaddrinfo(source, NULL, &hints, &src) == 0) {
      int rc = bind(fd, src->ai_addr, src->ai_addrlen);
      freeaddrinfo(src);
      if (rc < 0) goto fail;
    }
  }
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
    if (errno != EINPROGRESS) goto fail;
    int r = wait_fd(fd, POLLOUT, timeout_ms < 0 ? -1 : now_ms() + timeout_ms);
    if (r == 0) {
      errno = ETIMEDOUT;
      goto fail;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) goto fail;
    if (err) {
      errno = err;
      goto fail;
    }
  }
  fcntl(fd, F_SETFL, fl);
  return fd;
fail:;
  int e = errno;
  close(fd);
  errno = e;
  return -1;
}

static void addr_string(const struct sockaddr *sa, char *out, size_t n) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
    port = ntohs(s->sin_port);
    snprintf(out, n, "%s:%d", host, port);
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
    port = ntohs(s->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr)) {
      inet_ntop(AF_INET, &s->sin6_addr.s6_addr[12], host, sizeof host);
      snprintf(out, n, "%s:%d", host, port);
    } else {
      inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
      snprintf(out, n, "[%s]:%d", host, port);
    }
  } else {
    snprintf(out, n, "?");
  }
}

/* ---------------------------------------------------------------------------------- nc */

struct nc_opts {
  int listen, keep, udp, verbose, zero, numeric, shutdown_eof, family;
  int timeout_ms; /* -w: connect and idle timeout */
  int recv_limit; /* -W: exit after this many reads from the network */
  const char *port, *source;
  char **exec_argv;
};

/* Copies stdin to the socket and the socket to stdout until the peer closes, or until
 * nothing moved for the idle timeout. */
static int nc_pump(int fd, const struct nc_opts *o) {
  static char buf[65536];
  int in_open = 1, received = 0;
  for (;;) {
    struct pollfd p[2] = {{fd, POLLIN, 0}, {0, POLLIN, 0}};
    int r = poll(p, in_open ? 2 : 1, o->timeout_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (r == 0) return 0;
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t k = recv(fd, buf, sizeof buf, 0);
      if (k < 0) {
        if (errno == EINTR) continue;
        if (o->verbose) fprintf(stderr, "%s: read: %s\n", prog, strerror(errno));
        return 1;
      }
      if (k == 0 && !o->udp) return 0;
      if (k > 0 && write_all(1, buf, (size_t)k) < 0) return 1;
      if (k > 0 && o->recv_limit && ++received >= o->recv_limit) return 0;
    }
    if (in_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t k = read(0, buf, sizeof buf);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) {
        in_open = 0;
        if (o->shutdown_eof && !o->udp) shutdown(fd, SHUT_WR);
      } else if (o->udp ? send(fd, buf, (size_t)k, 0) < 0 : write_all(fd, buf, (size_t)k) < 0) {
        if (o->verbose) fprintf(stderr, "%s: write: %s\n", prog, strerror(errno));
        return 1;
      }
    }
  }
}

static int nc_connect(const struct nc_opts *o, const char *host, const char *port) {
  struct addrinfo hints = {0}, *res, *ai;
  hints.ai_family = o->family;
  hints.ai_socktype = o->udp ? SOCK_DGRAM : SOCK_STREAM;
  if (o->numeric) hints.ai_flags = AI_NUMERICHOST;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    fprintf(stderr, "%s: getaddrinfo for host \"%s\" port %s: %s\n", prog, host, port, gai_strerror(rc));
    return 1;
  }
  const char *proto = o->udp ? "udp" : "tcp";
  int fd = -1;
  for (ai = res; ai; ai = ai->ai_next) {
    fd = connect_timeout(ai, o->timeout_ms, o->source);
    if (fd >= 0) break;
    if (o->verbose || !o->zero) {
      if (errno == ETIMEDOUT) fprintf(stderr, "%s: connect to %s port %s (%s) timed out: Operation now in progress\n", prog, host, port, proto);
      else fprintf(stderr, "%s: connect to %s port %s (%s) failed: %s\n", prog, host, port, proto, strerror(errno));
    }
  }
  freeaddrinfo(res);
  if (fd < 0) return 1;
  if (o->verbose) fprintf(stderr, "Connection to %s %s port [%s/*] succeeded!\n", host, port, proto);
  if (o->zero) {
    if (o->udp) send(fd, "X", 1, 0);
    close(fd);
    return 0;
  }
  rc = nc_pump(fd, o);
  close(fd);
  return rc;
}

static int nc_bind(const struct nc_opts *o) {
  int type = o->udp ? SOCK_DGRAM : SOCK_STREAM;
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = o->family ? o->family : AF_INET6;
  hints.ai_socktype = type;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int fd = -1;
  if (getaddrinfo(o->source, o->port, &hints, &res) == 0) {
    fd = socket(res->ai_family, type | SOCK_CLOEXEC, 0);
    int one = 1, zero = 0;
    if (fd >= 0) {
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (res->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
      if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
        close(fd);
        fd = -1;
      }
    }
    freeaddrinfo(res);
  }
  if (fd < 0 && !o->family) { /* no IPv6 here: plain IPv4 */
    struct nc_opts v4 = *o;
    v4.family = AF_INET;
    return nc_bind(&v4);
  }
  if (fd < 0) {
    fprintf(stderr, "%s: bind: %s\n", prog, strerror(errno));
    exit(1);
  }
  if (!o->udp && listen(fd, 128) < 0) {
    fprintf(stderr, "%s: listen: %s\n", prog, strerror(errno));
    exit(1);
  }
  return fd;
}

static void run_handler(const struct nc_opts *o, const struct sockaddr *peer) {
  char remote[INET6_ADDRSTRLEN + 16];
  addr_string(peer, remote, sizeof remote);
  setenv("NC_REMOTE", remote, 1);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  execvp(o->exec_argv[0], o->exec_argv);
  fprintf(stderr, "%s: can't execute '%s': %s\n", prog, o->exec_argv[0], strerror(errno));
  _exit(127);
}

/* One datagram: PROG reads it on stdin; what it writes to stdout goes back to the peer. */
static void udp_exchange(const struct nc_opts *o, int fd, const char *data, size_t len, const struct sockaddr *peer, socklen_t plen) {
  int in[2], out[2];
  signal(SIGCHLD, SIG_DFL);
  if (pipe(in) < 0 || pipe(out) < 0) _exit(1);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]); close(in[1]); close(out[0]); close(out[1]); close(fd);
    run_handler(o, peer);
  }
  close(in[0]);
  close(out[1]);
  write_all(in[1], data, len);
  close(in[1]);
  static char reply[65507];
  size_t got = 0;
  for (;;) {
    ssize_t k = read(out[0], reply + got, sizeof reply - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
    if (got == sizeof reply) break;
  }
  close(out[0]);
  waitpid(pid, NULL, 0);
  if (got > 0) sendto(fd, reply, got, 0, peer, plen);
  _exit(0);
}

static int nc_listen(const struct nc_opts *o) {
  int lfd = nc_bind(o);
  if (o->exec_argv) signal(SIGCHLD, SIG_IGN); /* handlers are reaped by the kernel */
  if (o->udp) {
    static char buf[65536];
    for (;;) {
      struct sockaddr_storage peer;
      socklen_t plen = sizeof peer;
      ssize_t k = recvfrom(lfd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);
      if (k < 0) {
        if (errno == EINTR) continue;
        return 1;
      }
      if (!o->exec_argv) {
        write_all(1, buf, (size_t)k);
        continue;
      }
      pid_t pid = fork();
      if (pid == 0) udp_exchange(o, lfd, buf, (size_t)k, (struct sockaddr *)&peer, plen);
      if (!o->keep) {
        signal(SIGCHLD, SIG_DFL);
        return 0;
      }
    }
  }
  for (;;) {
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    int c = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
      return 1;
    }
    if (o->verbose) {
      char remote[INET6_ADDRSTRLEN + 16];
      addr_string((struct sockaddr *)&peer, remote, sizeof remote);
      fprintf(stderr, "Connection received on %s\n", remote);
    }
    if (o->exec_argv) {
      pid_t pid = fork();
      if (pid == 0) {
        close(lfd);
        dup2(c, 0);
        dup2(c, 1);
        if (c > 1) close(c);
        run_handler(o, (struct sockaddr *)&peer);
      }
      close(c);
      if (!o->keep) {
        if (pid > 0) {
          signal(SIGCHLD, SIG_DFL);
          waitpid(pid, NULL, 0);
        }
        return 0;
      }
      continue;
    }
    int rc = nc_pump(c, o);
    close(c);
    if (!o->keep) return rc;
  }
}

static int nc_main(int argc, char **argv) {
  struct nc_opts o = {0};
  o.timeout_ms = -1;
  char *pos[2];
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    if (a[0] != '-' || a[1] == 0) {
      if (npos < 2) pos[npos++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      for (i++; i < argc && npos < 2; i++) pos[npos++] = argv[i];
      break;
    }
    for (int j = 1; a[j]; j++) {
      char c = a[j];
      const char *takes = strchr("wpqseicPW", c);
      const char *val = NULL;
      if (takes) {
        if (a[j + 1]) val = a + j + 1;
        else if (i + 1 < argc) val = argv[++i];
        else {
          fprintf(stderr, "%s: option requires an argument -- '%c'\n", prog, c);
          return 1;
        }
      }
      switch (c) {
        case 'l': if (o.listen) o.keep = 1; o.listen = 1; break;
        case 'k': o.keep = 1; break;
        case 'u': o.udp = 1; break;
        case 't': o.udp = 0; break;
        case 'v': o.verbose++; break;
        case 'z': o.zero = 1; break;
        case 'n': o.numeric = 1; break;
        case 'N': o.shutdown_eof = 1; break;
        case '4': o.family = AF_INET; break;
        case '6': o.family = AF_INET6; break;
        case 'w': o.timeout_ms = (int)(atof(val) * 1000); break;
        case 'W': o.recv_limit = atoi(val); break;
        case 'p': o.port = val; break;
        case 's': o.source = val; break;
        case 'q': case 'i': case 'c': case 'P': break; /* accepted, no effect */
        case 'e': {
          /* -e PROG: PROG and every argument after it */
          int start = i;
          if (val != argv[i]) { /* "-ePROG" */
            o.exec_argv = calloc((size_t)(argc - i + 1), sizeof(char *));
            o.exec_argv[0] = (char *)val;
            for (int k = i + 1; k < argc; k++) o.exec_argv[k - i] = argv[k];
          } else {
            o.exec_argv = calloc((size_t)(argc - start + 1), sizeof(char *));
            for (int k = start; k < argc; k++) o.exec_argv[k - start] = argv[k];
          }
          i = argc;
          goto done;
        }
        default:
          fprintf(stderr, "%s: invalid option -- '%c'\n", prog, c);
          return 1;
      }
      if (takes) break;
    }
  }
done:
  signal(SIGPIPE, SIG_IGN);
  if (o.listen) {
    if (!o.port && npos > 0) o.port = pos[npos - 1];
    if (!o.port) {
      fprintf(stderr, "usage: nc -l [-k] [-u] -p PORT [-e PROG ARGS...]\n");
      return 1;
    }
    return nc_listen(&o);
  }
  if (npos < 2) {
    fprintf(stderr, "usage: nc [-46kNntuvz] [-w SECS] [-W RECVLIMIT] [-s ADDR] HOST PORT\n       nc -l [-k] [-u] -p PORT [-e PROG ARGS...]\n");
    return 1;
  }
  return nc_connect(&o, pos[0], pos[1]);
}

/* -------------------------------------------------------------------------------- curl */

struct buf {
  char *p;
  size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) exit(1);
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

struct curl_opts {
  int silent, show_error, fail, include, head, follow, verbose;
  const char *method, *data, *output, *write_out, *user_agent;
  long long connect_timeout_ms, max_time_ms;
  const char *headers[64];
  int nheaders;
};

static int curl_error(const struct curl_opts *o, int code, const char *fmt, ...) {
  if (!o->silent || o->show_error) {
    va_list ap;
    fprintf(stderr, "curl: (%d) ", code);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
  }
  return code;
}

struct url {
  char host[256], port[16], path[8192];
};

static int parse_url(const char *s, struct url *u) {
  const char *p = strstr(s, "://");
  if (p) {
    if (strncasecmp(s, "http://", 7) != 0) return -1;
    s = p + 3;
  }
  const char *slash = strpbrk(s, "/?");
  size_t hostlen = slash ? (size_t)(slash - s) : strlen(s);
  char hp[300];
  if (hostlen >= sizeof hp) return -2;
  memcpy(hp, s, hostlen);
  hp[hostlen] = 0;
  char *at = strrchr(hp, '@'); /* user:pass@ is ignored */
  char *h = at ? at + 1 : hp;
  char *colon = NULL;
  if (h[0] == '[') {
    char *end = strchr(h, ']');
    if (!end) return -2;
    *end = 0;
    snprintf(u->host, sizeof u->host, "%s", h + 1);
    if (end[1] == ':') colon = end + 1;
  } else {
    colon = strrchr(h, ':');
    if (colon) *colon = 0;
    snprintf(u->host, sizeof u->host, "%s", h);
  }
  snprintf(u->port, sizeof u->port, "%s", colon && colon[1] ? colon + 1 : "80");
  if (!slash) snprintf(u->path, sizeof u->path, "/");
  else if (*slash == '?') snprintf(u->path, sizeof u->path, "/%s", slash);
  else snprintf(u->path, sizeof u->path, "%s", slash);
  return u->host[0] ? 0 : -2;
}

/* Finds a header's value (case-insensitive name) in a response head; copies it into out. */
static int header_value(const char *head, const char *name, char *out, size_t n) {
  size_t nl = strlen(name);
  for (const char *l = strstr(head, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
    const char *line = l + 2;
    if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
      const char *v = line + nl + 1;
      while (*v == ' ' || *v == '\t') v++;
      const char *e = strstr(v, "\r\n");
      size_t len = e ? (size_t)(e - v) : strlen(v);
      if (len >= n) len = n - 1;
      memcpy(out, v, len);
      out[len] = 0;
      return 1;
    }
  }
  return 0;
}

static int dechunk(const char *p, size_t n, struct buf *out) {
  size_t i = 0;
  while (i < n) {
    char *end;
    unsigned long size = strtoul(p + i, &end, 16);
    const char *crlf = memmem(p + i, n - i, "\r\n", 2);
    if (!crlf || end == p + i) return -1;
    i = (size_t)(crlf - p) + 2;
    if (size == 0) return 0;
    if (i + size > n) {
      buf_add(out, p + i, n - i);
      return -1;
    }
    buf_add(out, p + i, size);
    i += size + 2;
  }
  return -1;
}

static int curl_once(const struct curl_opts *o, const char *url_s, long long started, int *status, char *location, size_t loclen, struct buf *head_out, struct buf *body_out, char *remote_ip) {
  struct url u;
  int pr = parse_url(url_s, &u);
  if (pr == -1) return curl_error(o, 1, "Protocol \"%.*s\" not supported", (int)(strstr(url_s, "://") - url_s), url_s);
  if (pr < 0) return curl_error(o, 3, "URL using bad/illegal format or missing URL");
  long long deadline = o->max_time_ms > 0 ? started + o->max_time_ms : -1;
  struct addrinfo hints = {0}, *res, *ai;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(u.host, u.port, &hints, &res) != 0) return curl_error(o, 6, "Could not resolve host: %s", u.host);
  int fd = -1, err = 0;
  long long ct = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 300000;
  if (deadline >= 0 && deadline - now_ms() < ct) ct = deadline - now_ms();
  for (ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = connect_timeout(ai, (int)(ct > 0 ? ct : 1), NULL);
    if (fd < 0) err = errno;
    else addr_string(ai->ai_addr, remote_ip, INET6_ADDRSTRLEN + 16);
  }
  freeaddrinfo(res);
  if (fd < 0) {
    if (err == ETIMEDOUT) return curl_error(o, 28, "Failed to connect to %s port %s after %lld ms: Timeout was reached", u.host, u.port, now_ms() - started);
    return curl_error(o, 7, "Failed to connect to %s port %s after %lld ms: %s", u.host, u.port, now_ms() - started, err == ECONNREFUSED ? "Couldn't connect to server" : strerror(err));
  }
  char *colon = strrchr(remote_ip, ':');
  if (colon) *colon = 0;
  struct buf req = {0};
  const char *method = o->method ? o->method : o->head ? "HEAD" : o->data ? "POST" : "GET";
  char line[9000];
  int hostport80 = strcmp(u.port, "80") == 0;
  int v6 = strchr(u.host, ':') != NULL;
  snprintf(line, sizeof line, "%s %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\n", method, u.path, v6 ? "[" : "", u.host, v6 ? "]" : "", hostport80 ? "" : ":", hostport80 ? "" : u.port);
  buf_add(&req, line, strlen(line));
  int has_ua = 0, has_accept = 0, has_ct = 0;
  for (int i = 0; i < o->nheaders; i++) {
    if (strncasecmp(o->headers[i], "User-Agent:", 11) == 0) has_ua = 1;
    if (strncasecmp(o->headers[i], "Accept:", 7) == 0) has_accept = 1;
    if (strncasecmp(o->headers[i], "Content-Type:", 13) == 0) has_ct = 1;
    buf_add(&req, o->headers[i], strlen(o->headers[i]));
    buf_add(&req, "\r\n", 2);
  }
  if (!has_ua) {
    snprintf(line, sizeof line, "User-Agent: %s\r\n", o->user_agent ? o->user_agent : "curl/7.88.1");
    buf_add(&req, line, strlen(line));
  }
  if (!has_accept) buf_add(&req, "Accept: */*\r\n", 13);
  if (o->data) {
    if (!has_ct) buf_add(&req, "Content-Type: application/x-www-form-urlencoded\r\n", 49);
    snprintf(line, sizeof line, "Content-Length: %zu\r\n", strlen(o->data));
    buf_add(&req, line, strlen(line));
  }
  buf_add(&req, "Connection: close\r\n\r\n", 21);
  if (o->data) buf_add(&req, o->data, strlen(o->data));
  if (o->verbose) fprintf(stderr, "> %.*s", (int)req.n, req.p);
  if (write_all(fd, req.p, req.n) < 0) {
    close(fd);
    return curl_error(o, 55, "Failed sending data to the peer");
  }
  free(req.p);
  struct buf resp = {0};
  char chunk[65536];
  size_t head_end = 0;
  for (;;) {
    int r = wait_fd(fd, POLLIN, deadline);
    if (r == 0) {
      close(fd);
      return curl_error(o, 28, "Operation timed out after %lld milliseconds with %zu bytes received", now_ms() - started, resp.n);
    }
    if (r < 0) break;
    ssize_t k = recv(fd, chunk, sizeof chunk, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      close(fd);
      return curl_error(o, 56, "Recv failure: %s", strerror(errno));
    }
    if (k == 0) break;
    buf_add(&resp, chunk, (size_t)k);
    if (!head_end) {
      char *e = memmem(resp.p, resp.n, "\r\n\r\n", 4);
      if (e) head_end = (size_t)(e - resp.p) + 4;
    }
    if (head_end && (o->head || strcmp(method, "HEAD") == 0)) break;
    if (head_end) { /* stop at Content-Length rather than waiting for the close */
      char cl[32];
      char saved = resp.p[head_end];
      resp.p[head_end] = 0;
      int known = header_value(resp.p, "Content-Length", cl, sizeof cl);
      resp.p[head_end] = saved;
      if (known && resp.n - head_end >= (size_t)atoll(cl)) break;
    }
  }
  close(fd);
  if (resp.n == 0) return curl_error(o, 52, "Empty reply from server");
  if (!head_end) head_end = resp.n;
  if (sscanf(resp.p, "HTTP/%*s %d", status) != 1) return curl_error(o, 1, "Received HTTP/0.9 when not allowed");
  buf_add(head_out, resp.p, head_end);
  char te[64], cl[32];
  if (header_value(head_out->p, "Location", location, loclen) == 0) location[0] = 0;
  const char *body = resp.p + head_end;
  size_t blen = resp.n - head_end;
  if (header_value(head_out->p, "Transfer-Encoding", te, sizeof te) && strcasestr(te, "chunked")) {
    dechunk(body, blen, body_out);
  } else {
    if (header_value(head_out->p, "Content-Length", cl, sizeof cl) && (size_t)atoll(cl) < blen) blen = (size_t)atoll(cl);
    buf_add(body_out, body, blen);
  }
  free(resp.p);
  if (o->verbose) fprintf(stderr, "< %s", head_out->p);
  return 0;
}

static void write_out(const char *fmt, int status, long long ms, const char *remote_ip, size_t size) {
  for (const char *p = fmt; *p; p++) {
    if (p[0] == '%' && p[1] == '{') {
      const char *e = strchr(p, '}');
      if (e) {
        size_t n = (size_t)(e - p - 2);
        if (n == 9 && strncmp(p + 2, "http_code", 9) == 0) printf("%03d", status);
        else if (n == 13 && strncmp(p + 2, "response_code", 13) == 0) printf("%03d", status);
        else if (n == 10 && strncmp(p + 2, "time_total", 10) == 0) printf("%.6f", (double)ms / 1000);
        else if (n == 9 && strncmp(p + 2, "remote_ip", 9) == 0) printf("%s", remote_ip);
        else if (n == 13 && strncmp(p + 2, "size_download", 13) == 0) printf("%zu", size);
        p = e;
        continue;
      }
    }
    if (p[0] == '%' && p[1] == '%') { putchar('%'); p++; continue; }
    if (p[0] == '\\' && p[1] == 'n') { putchar('\n'); p++; continue; }
    if (p[0] == '\\' && p[1] == 't') { putchar('\t'); p++; continue; }
    putchar(*p);
  }
}

static int curl_main(int argc, char **argv) {
  struct curl_opts o = {0};
  const char *url = NULL;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    const char *val = NULL;
#define NEXT() (i + 1 < argc ? argv[++i] : NULL)
    if (strncmp(a, "--", 2) == 0) {
      char *eq = strchr(a, '=');
      char name[64];
      snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
      if (eq) val = eq + 1;
      if (!strcmp(name, "--silent")) o.silent = 1;
      else if (!strcmp(name, "--show-error")) o.show_error = 1;
      else if (!strcmp(name, "--fail")) o.fail = 1;
      else if (!strcmp(name, "--include")) o.include = 1;
      else if (!strcmp(name, "--head")) o.head = 1;
      else if (!strcmp(name, "--location")) o.follow = 1;
      else if (!strcmp(name, "--verbose")) o.verbose = 1;
      else if (!strcmp(name, "--request")) o.method = val ? val : NEXT();
      else if (!strcmp(name, "--header")) { const char *h = val ? val : NEXT(); if (h && o.nheaders < 64) o.headers[o.nheaders++] = h; }
      else if (!strcmp(name, "--data") || !strcmp(name, "--data-raw") || !strcmp(name, "--data-binary") || !strcmp(name, "--data-ascii")) o.data = val ? val : NEXT();
      else if (!strcmp(name, "--output")) o.output = val ? val : NEXT();
      else if (!strcmp(name, "--write-out")) o.write_out = val ? val : NEXT();
      else if (!strcmp(name, "--user-agent")) o.user_agent = val ? val : NEXT();
      else if (!strcmp(name, "--connect-timeout")) { const char *v = val ? val : NEXT(); if (v) o.connect_timeout_ms = (long long)(atof(v) * 1000); }
      else if (!strcmp(name, "--max-time")) { const char *v = val ? val : NEXT(); if (v) o.max_time_ms = (long long)(atof(v) * 1000); }
      else if (!strcmp(name, "--retry") || !strcmp(name, "--retry-delay") || !strcmp(name, "--retry-max-time") || !strcmp(name, "--resolve") || !strcmp(name, "--interface")) { if (!val) NEXT(); }
      else if (!strcmp(name, "--url")) url = val ? val : NEXT();
      /* --globoff, --insecure, --http1.1, --compressed, --no-keepalive, ...: no effect here */
      continue;
    }
    if (a[0] != '-' || a[1] == 0) {
      url = a;
      continue;
    }
    for (int j = 1; a[j]; j++) {
      char c = a[j];
      int takes = strchr("XHdowmAeuxrE", c) != NULL;
      if (takes) {
        val = a[j + 1] ? a + j + 1 : NEXT();
        if (!val) return curl_error(&o, 2, "option -%c: requires parameter", c);
      }
      switch (c) {
        case 's': o.silent = 1; break;
        case 'S': o.show_error = 1; break;
        case 'f': o.fail = 1; break;
        case 'i': o.include = 1; break;
        case 'I': o.head = 1; break;
        case 'L': o.follow = 1; break;
        case 'v': o.verbose = 1; break;
        case 'X': o.method = val; break;
        case 'H': if (o.nheaders < 64) o.headers[o.nheaders++] = val; break;
        case 'd': o.data = val; break;
        case 'o': o.output = val; break;
        case 'w': o.write_out = val; break;
        case 'm': o.max_time_ms = (long long)(atof(val) * 1000); break;
        case 'A': o.user_agent = val; break;
        default: break; /* -q -g -k -4 -6 -N -# ...: no effect here */
      }
      if (takes) break;
    }
  }
  if (!url) return curl_error(&o, 2, "no URL specified");
  signal(SIGPIPE, SIG_IGN);
  long long started = now_ms();
  char current[8300];
  snprintf(current, sizeof current, "%s", url);
  int status = 0, rc = 0;
  char remote_ip[INET6_ADDRSTRLEN + 16] = "";
  struct buf head = {0}, body = {0};
  for (int hops = 0;; hops++) {
    char location[8192];
    head.n = body.n = 0;
    rc = curl_once(&o, current, started, &status, location, sizeof location, &head, &body, remote_ip);
    if (rc || !o.follow || status < 300 || status > 399 || !location[0] || hops >= 10) break;
    if (o.include) fwrite(head.p, 1, head.n, stdout);
    if (location[0] == '/') {
      struct url u;
      parse_url(current, &u);
      int v6 = strchr(u.host, ':') != NULL;
      snprintf(current, sizeof current, "http://%s%s%s:%s%s", v6 ? "[" : "", u.host, v6 ? "]" : "", u.port, location);
    } else {
      snprintf(current, sizeof current, "%s", location);
    }
  }
  if (rc == 0) {
    if (o.fail && status >= 400) {
      rc = curl_error(&o, 22, "The requested URL returned error: %d", status);
    } else {
      FILE *out = stdout;
      if (o.output && strcmp(o.output, "-") != 0) {
        out = fopen(o.output, "w");
        if (!out) return curl_error(&o, 23, "Failure writing output to destination");
      }
      if (o.include || o.head) fwrite(head.p, 1, head.n, out);
      if (!o.head) fwrite(body.p ? body.p : "", 1, body.n, out);
      if (out != stdout) fclose(out);
    }
  }
  if (o.write_out) write_out(o.write_out, rc ? 0 : status, now_ms() - started, remote_ip, body.n);
  fflush(stdout);
  return rc;
}

/* -------------------------------------------------------------------------------- wget */

/* busybox wget's options and messages; busybox's own wget crashes on -T. */
static int wget_main(int argc, char **argv) {
  struct curl_opts o = {0};
  o.silent = 1;
  o.follow = 1;
  int quiet = 0, spider = 0, server_response = 0;
  const char *url = NULL, *output = NULL;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    const char *val = NULL;
    if (strncmp(a, "--", 2) == 0) {
      char *eq = strchr(a, '=');
      char name[64];
      snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
      if (eq) val = eq + 1;
      if (!strcmp(name, "--quiet")) quiet = 1;
      else if (!strcmp(name, "--spider")) spider = 1;
      else if (!strcmp(name, "--server-response")) server_response = 1;
      else if (!strcmp(name, "--output-document")) output = val ? val : NEXT();
      else if (!strcmp(name, "--timeout")) { const char *v = val ? val : NEXT(); if (v) o.max_time_ms = o.connect_timeout_ms = (long long)(atof(v) * 1000); }
      else if (!strcmp(name, "--header")) { const char *h = val ? val : NEXT(); if (h && o.nheaders < 64) o.headers[o.nheaders++] = h; }
      else if (!strcmp(name, "--post-data")) o.data = val ? val : NEXT();
      else if (!strcmp(name, "--user-agent")) o.user_agent = val ? val : NEXT();
      else if (!strcmp(name, "--tries") || !strcmp(name, "--output-file") || !strcmp(name, "--proxy") || !strcmp(name, "--directory-prefix")) { if (!val) NEXT(); }
      continue;
    }
    if (a[0] != '-' || a[1] == 0) {
      url = a;
      continue;
    }
    for (int j = 1; a[j]; j++) {
      char c = a[j];
      int takes = strchr("OTUtoPY", c) != NULL;
      if (takes) {
        val = a[j + 1] ? a + j + 1 : NEXT();
        if (!val) {
          fprintf(stderr, "wget: option requires an argument -- '%c'\n", c);
          return 1;
        }
      }
      switch (c) {
        case 'q': quiet = 1; break;
        case 'S': server_response = 1; break;
        case 'O': output = val; break;
        case 'T': o.max_time_ms = o.connect_timeout_ms = (long long)(atof(val) * 1000); break;
        case 'U': o.user_agent = val; break;
        default: break; /* -c -t -o -P -Y: no effect here */
      }
      if (takes) break;
    }
  }
  if (!url) {
    fprintf(stderr, "wget: no URL given\n");
    return 1;
  }
  if (spider) o.head = 1;
  signal(SIGPIPE, SIG_IGN);
  struct url u;
  if (parse_url(url, &u) < 0) {
    fprintf(stderr, "wget: not an http or ftp url: %s\n", url);
    return 1;
  }
  if (!quiet) fprintf(stderr, "Connecting to %s:%s\n", u.host, u.port);
  char current[8300], remote_ip[INET6_ADDRSTRLEN + 16] = "";
  snprintf(current, sizeof current, "%s", url);
  struct buf head = {0}, body = {0};
  int status = 0, rc;
  long long started = now_ms();
  for (int hops = 0;; hops++) {
    char location[8192];
    head.n = body.n = 0;
    rc = curl_once(&o, current, started, &status, location, sizeof location, &head, &body, remote_ip);
    if (rc || status < 300 || status > 399 || !location[0] || hops >= 20) break;
    if (location[0] == '/') {
      int v6 = strchr(u.host, ':') != NULL;
      parse_url(current, &u);
      snprintf(current, sizeof current, "http://%s%s%s:%s%s", v6 ? "[" : "", u.host, v6 ? "]" : "", u.port, location);
    } else {
      snprintf(current, sizeof current, "%s", location);
    }
  }
  if (rc == 6) fprintf(stderr, "wget: bad address '%s'\n", u.host);
  else if (rc == 7) fprintf(stderr, "wget: can't connect to remote host (%s): Connection refused\n", u.host);
  else if (rc == 28) fprintf(stderr, "wget: download timed out\n");
  else if (rc) fprintf(stderr, "wget: error getting response\n");
  if (rc) return 1;
  if (server_response) {
    for (const char *l = head.p; l && *l && strncmp(l, "\r\n", 2) != 0;) {
      const char *e = strstr(l, "\r\n");
      fprintf(stderr, "  %.*s\n", (int)(e ? e - l : (long)strlen(l)), l);
      l = e ? e + 2 : NULL;
    }
  }
  if (status >= 400) {
    const char *e = strstr(head.p, "\r\n");
    fprintf(stderr, "wget: server returned error: %.*s\n", (int)(e ? e - head.p : (long)strlen(head.p)), head.p);
    return 1;
  }
  if (spider) {
    if (!quiet) fprintf(stderr, "remote file exists\n");
    return 0;
  }
  char name[512];
  if (!output) {
    const char *path = u.path, *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strcspn(base, "?#");
    snprintf(name, sizeof name, "%.*s", (int)n, n ? base : "index.html");
    output = name;
  }
  FILE *out = stdout;
  if (strcmp(output, "-") != 0) {
    out = fopen(output, "w");
    if (!out) {
      fprintf(stderr, "wget: can't open '%s': %s\n", output, strerror(errno));
      return 1;
    }
    if (!quiet) fprintf(stderr, "saving to '%s'\n", output);
  } else if (!quiet) {
    fprintf(stderr, "writing to stdout\n");
  }
  fwrite(body.p ? body.p : "", 1, body.n, out);
  if (out != stdout) fclose(out);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  const char *name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  if (strcmp(name, "nettools") == 0 && argc > 1) {
    argv++;
    argc--;
    name = argv[0];
  }
  prog = name;
  if (strcmp(name, "curl") == 0) return curl_main(argc, argv);
  if (strcmp(name, "wget") == 0) return wget_main(argc, argv);
  if (strcmp(name, "nc") == 0 || strcmp(name, "netcat") == 0) return nc_main(argc, argv);
  fprintf(stderr, "nettools: call me as nc, curl or wget\n");
  return 1;
}
