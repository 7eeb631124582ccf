/*
 * The fan-out load client in C: the same job as a Deno load worker's
 * fan-out (bench/load_worker.ts), at a fraction of its CPU per answer, so
 * that the servers measured get the machine's cores rather than the
 * clients. One thread, one epoll loop, non-blocking sockets.
 *
 * Commands arrive on stdin, one a line, words separated by spaces (written
 * by bench/native_worker.ts):
 *
 *   fanout ID PORT COUNT CONCURRENCY CONNECT_TIMEOUT_MS OPEN_DEADLINE
 *          CONNECT_FIRST HOSTS TARGET
 *   send ID
 *   quiet ID
 *   finish ID DEADLINE
 *   exit
 *
 * HOSTS is a comma-separated list of IPv4 addresses; times are absolute
 * wall-clock milliseconds. Events go to stdout as JSON lines, the same
 * events a Deno worker sends (bench/worker_protocol.ts), and `quiet`.
 *
 * Each answer is stamped with the time the kernel received its last
 * segment (SO_TIMESTAMPNS), not the time this process got to read it.
 * `quiet` stops watching the held polls until `finish`: the answers then
 * wait in the kernel, stamped, while the servers have both cores, as if the
 * clients were on another machine.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STDIN_TAG UINT32_MAX
#define MAX_HOSTS 256
#define MAX_REASONS 16
#define MAX_ANSWER (64 * 1024)

enum state { NOT_STARTED, CONNECTING, UNSENT, WAITING, ANSWERED, ENDED };

struct conn {
  int fd;
  enum state state;
  int retried;
  double connect_deadline;
  char *buf;
  size_t len, cap;
};

struct reason {
  char name[64];
  long count;
};

struct fanout {
  long id;
  int port;
  long count;
  long concurrency;
  double connect_timeout_ms;
  double open_deadline;
  int connect_first;
  struct in_addr hosts[MAX_HOSTS];
  int host_count;
  char request[2048];
  size_t request_len;

  struct conn *conns;
  long next;       /* next connection to start */
  long connecting; /* connection attempts in flight */
  long connected;
  long ended;
  int opened_sent;
  int quiet;
  int finishing;
  double finish_deadline;

  int *status;
  double *version;
  double *at;
  long answers;
  long retry_after;
  long repolls;
  long unstamped; /* answers the kernel gave no arrival stamp: stamped when read */
  struct reason reasons[MAX_REASONS];
  int reason_count;
};

static int epfd;
static struct fanout *active;

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* --- output ------------------------------------------------------------ */

static char *out;
static size_t out_len, out_cap;

static void put(const char *format, ...) {
  for (;;) {
    va_list args;
    va_start(args, format);
    int n = vsnprintf(out + out_len, out_cap - out_len, format, args);
    va_end(args);
    if (n >= 0 && (size_t)n < out_cap - out_len) {
      out_len += n;
      return;
    }
    out_cap = out_cap ? out_cap * 2 : 1 << 16;
    out = realloc(out, out_cap);
    if (!out) abort();
  }
}

/* Writes the event built with put(), ending it with a newline. */
static void emit(void) {
  put("\n");
  size_t written = 0;
  while (written < out_len) {
    ssize_t n = write(STDOUT_FILENO, out + written, out_len - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      exit(1);
    }
    written += n;
  }
  out_len = 0;
}

static void put_string(const char *s) {
  put("\"");
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') put("\\%c", *s);
    else if ((unsigned char)*s < 0x20) put("\\u%04x", *s);
    else put("%c", *s);
  }
  put("\"");
}

static void put_reasons(const struct fanout *f) {
  put("{");
  for (int i = 0; i < f->reason_count; i++) {
    if (i) put(",");
    put_string(f->reasons[i].name);
    put(":%ld", f->reasons[i].count);
  }
  put("}");
}

static void fail(long id, const char *message) {
  put("{\"ev\":\"error\",\"id\":%ld,\"message\":", id);
  put_string(message);
  put("}");
  emit();
}

/* --- errors ------------------------------------------------------------ */

/* The names Deno gives the same socket errors, so both clients count alike. */
static const char *errno_name(int error) {
  switch (error) {
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case ECONNABORTED: return "ECONNABORTED";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EADDRINUSE: return "EADDRINUSE";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EPIPE: return "EPIPE";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENOBUFS: return "ENOBUFS";
    default: return strerror(error);
  }
}

static void count_reason(struct fanout *f, const char *name) {
  for (int i = 0; i < f->reason_count; i++) {
    if (strcmp(f->reasons[i].name, name) == 0) {
      f->reasons[i].count++;
      return;
    }
  }
  int i = f->reason_count < MAX_REASONS ? f->reason_count++ : MAX_REASONS - 1;
  snprintf(f->reasons[i].name, sizeof f->reasons[i].name, "%s", name);
  f->reasons[i].count = 1;
}

/* --- one response ------------------------------------------------------ */

struct response {
  int status;
  double version; /* -1 when the body has no numeric top-level "version" */
  int timeout;    /* the body's top-level "timeout" is true */
  int retry_after;
  size_t size;    /* bytes of the buffer the response used */
};

/* The value of header `name` in head[0..len), or NULL; *value_len set. */
static const char *header(const char *head, size_t len, const char *name,
                          size_t *value_len) {
  size_t name_len = strlen(name);
  const char *end = head + len;
  const char *line = memmem(head, len, "\r\n", 2);
  while (line && line + 2 < end) {
    line += 2;
    const char *next = memmem(line, end - line, "\r\n", 2);
    const char *line_end = next ? next : end;
    if ((size_t)(line_end - line) > name_len && line[name_len] == ':' &&
        strncasecmp(line, name, name_len) == 0) {
      const char *v = line + name_len + 1;
      while (v < line_end && (*v == ' ' || *v == '\t')) v++;
      *value_len = line_end - v;
      return v;
    }
    line = next;
  }
  return NULL;
}

/*
 * Reads the top-level "version" number and "timeout" flag of a JSON object,
 * skipping nested values (a `changes` list carries versions of its own).
 */
static void scan_body(const char *body, size_t len, struct response *r) {
  int depth = 0;
  const char *p = body, *end = body + len;
  while (p < end) {
    char c = *p;
    if (c == '"') {
      const char *start = ++p;
      while (p < end && *p != '"') p += (*p == '\\') ? 2 : 1;
      size_t key_len = p - start;
      p++;
      if (depth != 1) continue;
      const char *q = p;
      while (q < end && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t')) q++;
      if (q >= end || *q != ':') continue;
      q++;
      while (q < end && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t')) q++;
      if (key_len == 7 && memcmp(start, "version", 7) == 0 && q < end &&
          (*q == '-' || (*q >= '0' && *q <= '9'))) {
        char number[32];
        size_t n = 0;
        while (q + n < end && n < sizeof number - 1 &&
               strchr("+-.eE0123456789", q[n]))
          n++;
        memcpy(number, q, n);
        number[n] = 0;
        r->version = strtod(number, NULL);
      } else if (key_len == 7 && memcmp(start, "timeout", 7) == 0 &&
                 end - q >= 4 && memcmp(q, "true", 4) == 0) {
        r->timeout = 1;
      }
      p = q;
      continue;
    }
    if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') depth--;
    p++;
  }
}

/*
 * Parses one response at the start of buf: 1 when complete (r filled),
 * 0 while incomplete, -1 when the bytes cannot be an HTTP/1.1 response.
 * `ended` says the peer closed, which completes a body framed by the close.
 */
static int parse_response(const char *buf, size_t len, int ended,
                          struct response *r) {
  const char *head_end = memmem(buf, len, "\r\n\r\n", 4);
  if (!head_end) return ended ? -1 : 0;
  size_t head_len = head_end - buf + 2;
  if (head_len < 12 || strncasecmp(buf, "HTTP/1.", 7) != 0) return -1;
  r->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
  if (r->status < 100 || r->status > 599) return -1;
  r->version = -1;
  r->timeout = 0;
  size_t value_len;
  r->retry_after = header(buf, head_len, "retry-after", &value_len) != NULL;
  size_t body_start = head_len + 2;
  if (r->status == 204 || r->status == 304 || r->status < 200) {
    r->size = body_start;
    return 1;
  }
  const char *te = header(buf, head_len, "transfer-encoding", &value_len);
  if (te && memmem(te, value_len, "chunked", 7)) {
    char body[MAX_ANSWER];
    size_t body_len = 0, at = body_start;
    for (;;) {
      const char *line_end = memmem(buf + at, len - at, "\r\n", 2);
      if (!line_end) return ended ? -1 : 0;
      char *after;
      unsigned long size = strtoul(buf + at, &after, 16);
      if (after == buf + at) return -1;
      size_t data = line_end - buf + 2;
      if (size == 0) {
        const char *trailer_end = memmem(buf + data, len - data, "\r\n", 2);
        if (!trailer_end) return ended ? -1 : 0;
        scan_body(body, body_len, r);
        r->size = trailer_end - buf + 2;
        return 1;
      }
      if (data + size + 2 > len) return ended ? -1 : 0;
      if (body_len + size > sizeof body) return -1;
      memcpy(body + body_len, buf + data, size);
      body_len += size;
      at = data + size + 2;
    }
  }
  const char *cl = header(buf, head_len, "content-length", &value_len);
  if (cl) {
    size_t end = body_start + strtoul(cl, NULL, 10);
    if (end > len) return ended ? -1 : 0;
    scan_body(buf + body_start, end - body_start, r);
    r->size = end;
    return 1;
  }
  if (!ended) return 0;
  scan_body(buf + body_start, len - body_start, r);
  r->size = len;
  return 1;
}

/* --- connections ------------------------------------------------------- */

static void end_conn(struct fanout *f, long i, const char *reason) {
  struct conn *c = &f->conns[i];
  if (c->state == ENDED || c->state == ANSWERED) return;
  if (c->state == CONNECTING) f->connecting--;
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->state = ENDED;
  free(c->buf);
  c->buf = NULL;
  if (reason) count_reason(f, reason);
  f->ended++;
}

static void watch(int fd, uint32_t events, long i, int op) {
  struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)i};
  if (epoll_ctl(epfd, op, fd, &ev) < 0) abort();
}

/* Writes the poll; a fresh socket takes a request this small at once. */
static int send_poll(struct fanout *f, long i) {
  struct conn *c = &f->conns[i];
  ssize_t n = write(c->fd, f->request, f->request_len);
  if (n == (ssize_t)f->request_len) {
    c->state = WAITING;
    return 1;
  }
  end_conn(f, i, n < 0 ? errno_name(errno) : "short write");
  return 0;
}

static void start_connect(struct fanout *f, long i) {
  struct conn *c = &f->conns[i];
  if (wall_now() > f->open_deadline) {
    c->state = NOT_STARTED;
    end_conn(f, i, "not opened before the deadline");
    return;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    end_conn(f, i, errno_name(errno));
    return;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  struct sockaddr_in to = {.sin_family = AF_INET,
                           .sin_port = htons(f->port),
                           .sin_addr = f->hosts[i % f->host_count]};
  c->fd = fd;
  c->state = CONNECTING;
  f->connecting++;
  c->connect_deadline = wall_now() + f->connect_timeout_ms;
  if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0 &&
      errno != EINPROGRESS) {
    end_conn(f, i, errno_name(errno));
    return;
  }
  watch(fd, EPOLLOUT, i, EPOLL_CTL_ADD);
}

static void on_connected(struct fanout *f, long i) {
  struct conn *c = &f->conns[i];
  f->connecting--;
  watch(c->fd, EPOLLIN, i, EPOLL_CTL_MOD);
  if (f->connect_first) {
    c->state = UNSENT;
    f->connected++;
  } else if (send_poll(f, i)) {
    f->connected++;
  }
}

static void on_writable(struct fanout *f, long i) {
  struct conn *c = &f->conns[i];
  if (c->state != CONNECTING) return;
  int error = 0;
  socklen_t size = sizeof error;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size);
  if (error) end_conn(f, i, errno_name(error));
  else on_connected(f, i);
}

static void on_answer(struct fanout *f, long i, const struct response *r,
                      double at) {
  struct conn *c = &f->conns[i];
  if (r->status == 200 && r->timeout) {
    /* The hold ran out before the update: poll again, as any client would. */
    f->repolls++;
    send_poll(f, i);
    return;
  }
  f->status[f->answers] = r->status;
  f->version[f->answers] = r->version;
  if (at < 0) {
    f->unstamped++;
    at = wall_now();
  }
  f->at[f->answers] = at;
  f->answers++;
  if (r->status == 503 && r->retry_after) f->retry_after++;
  /*
   * Kept open until the fan-out finishes, as a keep-alive client keeps its
   * connection for the next poll: closing now would charge both sides the
   * teardown while other answers are still on their way.
   */
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  c->state = ANSWERED;
  f->ended++;
}

/* Keeps the start of an answer that a later read completes; 0 when too large. */
static int keep(struct conn *c, const char *bytes, size_t n) {
  if (c->len + n > c->cap) {
    size_t cap = c->cap ? c->cap : 2048;
    while (cap < c->len + n) cap *= 2;
    if (cap > MAX_ANSWER) return 0;
    c->buf = realloc(c->buf, cap);
    if (!c->buf) abort();
    c->cap = cap;
  }
  memcpy(c->buf + c->len, bytes, n);
  c->len += n;
  return 1;
}

/*
 * Reads like read(2); *at is when the kernel received the last segment
 * read (its SO_TIMESTAMPNS stamp), or -1 when it gave none.
 */
static ssize_t read_stamped(int fd, char *buf, size_t size, double *at) {
  char control[CMSG_SPACE(sizeof(struct timespec))];
  struct iovec iov = {.iov_base = buf, .iov_len = size};
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control,
                       .msg_controllen = sizeof control};
  ssize_t n = recvmsg(fd, &msg, 0);
  *at = -1;
  if (n > 0) {
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm;
         cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(cm), sizeof ts);
        *at = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
      }
    }
  }
  return n;
}

static void on_readable(struct fanout *f, long i) {
  struct conn *c = &f->conns[i];
  if (c->state != WAITING) {
    /* Bytes or a close before the poll was written. */
    if (c->state == UNSENT) end_conn(f, i, "closed");
    return;
  }
  /*
   * Read into one shared buffer: an answer nearly always comes whole in one
   * read, and 10,000 buffers of their own would each cost page faults.
   */
  static char scratch[MAX_ANSWER];
  double at;
  ssize_t n = read_stamped(c->fd, scratch, sizeof scratch, &at);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) end_conn(f, i, errno_name(errno));
    return;
  }
  int ended = n == 0;
  const char *data = scratch;
  size_t len = n;
  if (c->len > 0) {
    if (!keep(c, scratch, n)) {
      end_conn(f, i, "answer too large");
      return;
    }
    data = c->buf;
    len = c->len;
  }
  size_t used = 0;
  struct response r;
  while (c->state == WAITING && used < len) {
    int parsed = parse_response(data + used, len - used, ended, &r);
    if (parsed < 0) {
      end_conn(f, i, "bad response");
      return;
    }
    if (parsed == 0) break;
    used += r.size;
    on_answer(f, i, &r, at);
  }
  if (c->state != WAITING) return;
  if (data == c->buf) {
    memmove(c->buf, c->buf + used, len - used);
    c->len = len - used;
  } else if (used < len && !keep(c, scratch + used, len - used)) {
    end_conn(f, i, "answer too large");
    return;
  }
  if (ended) end_conn(f, i, "closed");
}

/* --- fan-outs ---------------------------------------------------------- */

static void free_fanout(struct fanout *f) {
  free(f->conns);
  free(f->status);
  free(f->version);
  free(f->at);
  free(f);
}

static void start_fanout(char *args) {
  struct fanout *f = calloc(1, sizeof *f);
  if (!f) abort();
  char hosts[MAX_HOSTS * 16 + 1], target[1024];
  int got = sscanf(args, "%ld %d %ld %ld %lf %lf %d %4096s %1023s", &f->id,
                   &f->port, &f->count, &f->concurrency,
                   &f->connect_timeout_ms, &f->open_deadline,
                   &f->connect_first, hosts, target);
  if (got != 9 || f->count < 0 || f->concurrency < 1) {
    fail(got >= 1 ? f->id : -1, "bad fanout command");
    free(f);
    return;
  }
  if (active) {
    fail(f->id, "a fan-out is already running");
    free(f);
    return;
  }
  for (char *host = strtok(hosts, ","); host && f->host_count < MAX_HOSTS;
       host = strtok(NULL, ",")) {
    if (inet_pton(AF_INET, host, &f->hosts[f->host_count]) != 1) {
      fail(f->id, "bad host address");
      free(f);
      return;
    }
    f->host_count++;
  }
  if (f->host_count == 0) {
    fail(f->id, "no host address");
    free(f);
    return;
  }
  f->request_len = snprintf(f->request, sizeof f->request,
                            "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
                            target, f->port);
  size_t slots = f->count ? f->count : 1;
  f->conns = calloc(slots, sizeof *f->conns);
  f->status = calloc(slots, sizeof *f->status);
  f->version = calloc(slots, sizeof *f->version);
  f->at = calloc(slots, sizeof *f->at);
  if (!f->conns || !f->status || !f->version || !f->at) abort();
  for (long i = 0; i < f->count; i++) f->conns[i].fd = -1;
  active = f;
}

static void send_unsent(char *args) {
  long id = -1;
  if (sscanf(args, "%ld", &id) != 1 || !active || active->id != id) {
    fail(id, "no such fan-out to send");
    return;
  }
  long sent = 0;
  for (long i = 0; i < active->count; i++) {
    if (active->conns[i].state == UNSENT && send_poll(active, i)) sent++;
  }
  put("{\"ev\":\"sent\",\"id\":%ld,\"sent\":%ld}", id, sent);
  emit();
}

/* Stops watching the held polls: their answers wait in the kernel until `finish`. */
static void quiet(char *args) {
  long id = -1;
  if (sscanf(args, "%ld", &id) != 1 || !active || active->id != id) {
    fail(id, "no such fan-out to quiet");
    return;
  }
  for (long i = 0; i < active->count; i++) {
    struct conn *c = &active->conns[i];
    if (c->state == WAITING) watch(c->fd, 0, i, EPOLL_CTL_MOD);
  }
  active->quiet = 1;
  put("{\"ev\":\"quiet\",\"id\":%ld}", id);
  emit();
}

static void finish(char *args) {
  long id = -1;
  double deadline;
  if (sscanf(args, "%ld %lf", &id, &deadline) != 2 || !active ||
      active->id != id) {
    fail(id, "no such fan-out to finish");
    return;
  }
  if (active->quiet) {
    for (long i = 0; i < active->count; i++) {
      struct conn *c = &active->conns[i];
      if (c->state == WAITING) watch(c->fd, EPOLLIN, i, EPOLL_CTL_MOD);
    }
    active->quiet = 0;
  }
  active->finishing = 1;
  active->finish_deadline = deadline;
}

/* Opens what may be opened, ends what ran out of time, reports what is done. */
static void tick(void) {
  struct fanout *f = active;
  if (!f) return;
  double now = wall_now();
  /* Only while opening: once `opened` is sent, nothing is connecting. */
  for (long i = 0; !f->opened_sent && i < f->next; i++) {
    struct conn *c = &f->conns[i];
    if (c->state != CONNECTING || now <= c->connect_deadline) continue;
    /* A full listen queue drops the SYN; the kernel retries only seconds later. */
    if (c->retried) {
      end_conn(f, i, "connect timeout");
    } else {
      close(c->fd);
      c->fd = -1;
      f->connecting--;
      c->retried = 1;
      start_connect(f, i);
    }
  }
  while (f->next < f->count && f->connecting < f->concurrency) {
    start_connect(f, f->next++);
  }
  if (!f->opened_sent && f->next == f->count && f->connecting == 0) {
    f->opened_sent = 1;
    put("{\"ev\":\"opened\",\"id\":%ld,\"connected\":%ld,\"errors\":", f->id,
        f->connected);
    put_reasons(f);
    put("}");
    emit();
  }
  if (f->finishing && (f->ended >= f->count || now >= f->finish_deadline)) {
    long unanswered = 0;
    for (long i = 0; i < f->count; i++) {
      enum state s = f->conns[i].state;
      if (s == WAITING || s == UNSENT) unanswered++;
      if (s != ENDED) {
        if (s == CONNECTING) f->connecting--;
        if (f->conns[i].fd >= 0) close(f->conns[i].fd);
        free(f->conns[i].buf);
        f->conns[i].state = ENDED;
      }
    }
    put("{\"ev\":\"fanout_done\",\"id\":%ld,\"answers\":{\"status\":[", f->id);
    for (long i = 0; i < f->answers; i++) put(i ? ",%d" : "%d", f->status[i]);
    put("],\"version\":[");
    for (long i = 0; i < f->answers; i++) put(i ? ",%.17g" : "%.17g", f->version[i]);
    put("],\"at\":[");
    for (long i = 0; i < f->answers; i++) put(i ? ",%.3f" : "%.3f", f->at[i]);
    put("],\"retryAfter\":%ld,\"repolls\":%ld,\"unstamped\":%ld,\"errors\":",
        f->retry_after, f->repolls, f->unstamped);
    put_reasons(f);
    put(",\"unanswered\":%ld}}", unanswered);
    emit();
    active = NULL;
    free_fanout(f);
  }
}

/* --- commands ---------------------------------------------------------- */

static void command(char *line) {
  char *args = strchr(line, ' ');
  if (args) *args++ = 0;
  else args = line + strlen(line);
  if (strcmp(line, "fanout") == 0) start_fanout(args);
  else if (strcmp(line, "send") == 0) send_unsent(args);
  else if (strcmp(line, "quiet") == 0) quiet(args);
  else if (strcmp(line, "finish") == 0) finish(args);
  else if (strcmp(line, "exit") == 0) exit(0);
  else if (*line) fail(-1, "unknown command");
}

static char input[1 << 16];
static size_t input_len;

static void read_commands(void) {
  ssize_t n = read(STDIN_FILENO, input + input_len, sizeof input - input_len - 1);
  if (n == 0) exit(0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    exit(1);
  }
  input_len += n;
  char *newline;
  while ((newline = memchr(input, '\n', input_len))) {
    *newline = 0;
    command(input);
    size_t used = newline - input + 1;
    memmove(input, input + used, input_len - used);
    input_len -= used;
  }
  if (input_len == sizeof input - 1) exit(1);
}

int main(void) {
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return 1;
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = STDIN_TAG};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, STDIN_FILENO, &ev) < 0) return 1;
  put("{\"ev\":\"ready\"}");
  emit();
  struct epoll_event events[512];
  for (;;) {
    /* Deadlines are checked every few ms while a fan-out runs. */
    int n = epoll_wait(epfd, events, 512, active ? 5 : -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int k = 0; k < n; k++) {
      uint32_t tag = events[k].data.u32;
      if (tag == STDIN_TAG) {
        read_commands();
        continue;
      }
      if (!active || tag >= (uint32_t)active->count) continue;
      /* A failed connect may report only EPOLLERR: SO_ERROR tells. */
      if (active->conns[tag].state == CONNECTING) on_writable(active, tag);
      else on_readable(active, tag);
    }
    tick();
  }
}
