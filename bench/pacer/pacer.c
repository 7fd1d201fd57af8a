// An open-loop, fixed-rate HTTP/1.1 load generator, in the spirit of wrk2 (which Debian does not
// package). Built from this file by bench/lib/pacer-build.ts; driven by bench/lib/paced-load.ts.
//
// Request i is due i/rate seconds after the start, whatever happened to the requests before it, and
// its latency is counted from that intended time, not from when it was actually written. A server
// that stalls for 300 ms therefore shows ~300 ms of latency on every request that fell due during
// the stall, as real clients arriving at that rate would see.
//
// Why C: on a two-core machine the generator shares the cores with the server it measures, and a
// generator in Node (1 ms timers, its own event-loop stalls) counted its own delays as the server's
// latency. This one sleeps on a timerfd with nanosecond resolution, makes one write and one read per
// request, and allocates nothing while it runs.
//
// Usage:
//   pacer run HOST PORT HOSTHEADER RATE SECONDS CONNECTIONS < paths   (one request path a line)
//     prints one JSON object: rate, requests, p50, p90, p99, p999, max (ms), answers, lateSends
//   pacer parse < bytes
//     feeds the bytes to the response parser split at every position, and byte by byte, and prints
//     one line per feeding: the answers it read as "status:keepalive" words, then "|" and the
//     number of parse errors. For tests of the parser.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/** A send later than this after its intended time counts in lateSends (ns). */
#define LATE_NS 1000000LL
/** After the last intended send, how long answers may still take before they count as errors. */
#define DRAIN_NS 10000000000LL
/** Pause before retrying a connection that could not be opened (a server that is down). */
#define RECONNECT_DELAY_NS 100000000LL
/** Largest response head (or chunk-size line, or trailer section) the parser accepts. */
#define IN_CAP 65536

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// ---- The response parser ------------------------------------------------------------------------
// Splits a byte stream into HTTP/1.1 responses and reports each one's status once it is complete.
// Bodies are skipped: by Content-Length, or chunk by chunk for Transfer-Encoding: chunked (node:http
// sends `writeHead(302); end()` chunked, with just the `0\r\n\r\n` terminator). A response with
// neither can only end when the connection closes, which a keep-alive generator cannot use: that is
// an error. Handles answers split anywhere across reads and several answers in one read.

enum parse_state { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, TRAILERS };

struct parser {
  enum parse_state state;
  char in[IN_CAP]; // bytes of a head, line or trailer section not complete yet
  size_t in_len;
  uint64_t remaining; // body (or chunk data plus its CRLF) bytes still to skip
  int status;
  int keep_alive;
  int failed;
  void (*on_response)(void *owner, int status, int keep_alive);
  void (*on_error)(void *owner);
  void *owner;
};

static void parser_reset(struct parser *p) {
  p->state = HEAD;
  p->in_len = 0;
  p->remaining = 0;
  p->status = 0;
  p->keep_alive = 1;
  p->failed = 0;
}

static void parser_fail(struct parser *p) {
  p->failed = 1;
  p->on_error(p->owner);
}

static void parser_complete(struct parser *p) {
  p->state = HEAD;
  p->remaining = 0;
  p->on_response(p->owner, p->status, p->keep_alive);
}

static const char *find(const char *from, const char *end, const char *needle, size_t n) {
  if ((size_t)(end - from) < n) return NULL;
  return memmem(from, (size_t)(end - from), needle, n);
}

/** Lower-cases and trims a header value into out (at most cap-1 bytes). */
static void header_value(const char *from, const char *end, char *out, size_t cap) {
  while (from < end && (*from == ' ' || *from == '\t')) from++;
  while (end > from && (end[-1] == ' ' || end[-1] == '\t')) end--;
  size_t n = 0;
  for (; from < end && n + 1 < cap; from++) out[n++] = (char)((*from >= 'A' && *from <= 'Z') ? *from + 32 : *from);
  out[n] = 0;
}

static int name_is(const char *from, const char *colon, const char *name) {
  while (colon > from && (colon[-1] == ' ' || colon[-1] == '\t')) colon--;
  size_t n = strlen(name);
  return (size_t)(colon - from) == n && strncasecmp(from, name, n) == 0;
}

/** Reads a complete head (without its final CRLFCRLF) and sets up the body that follows. */
static void read_head(struct parser *p, const char *head, const char *end) {
  const char *line_end = find(head, end, "\r\n", 2);
  if (!line_end) line_end = end;
  if (line_end - head < 12 || strncmp(head, "HTTP/1.", 7) != 0 || (head[7] != '0' && head[7] != '1') ||
      head[8] != ' ' || head[9] < '0' || head[9] > '9' || head[10] < '0' || head[10] > '9' ||
      head[11] < '0' || head[11] > '9') {
    parser_fail(p);
    return;
  }
  p->status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
  p->keep_alive = head[7] == '1';
  int64_t content_length = -1;
  int bad_length = 0;
  int chunked = 0;
  char value[256];
  for (const char *line = line_end; line < end;) {
    line += 2; // past the CRLF before it
    const char *next = find(line, end, "\r\n", 2);
    if (!next) next = end;
    const char *colon = memchr(line, ':', (size_t)(next - line));
    if (colon) {
      header_value(colon + 1, next, value, sizeof value);
      if (name_is(line, colon, "content-length")) {
        char *stop;
        errno = 0;
        long long n = strtoll(value, &stop, 10);
        if (value[0] < '0' || value[0] > '9' || *stop || errno) bad_length = 1;
        else content_length = n;
      } else if (name_is(line, colon, "transfer-encoding")) {
        // The last coding is the one that frames the body.
        const char *last = strrchr(value, ',');
        last = last ? last + 1 : value;
        while (*last == ' ') last++;
        chunked = strcmp(last, "chunked") == 0;
      } else if (name_is(line, colon, "connection")) {
        p->keep_alive = strstr(value, "close") == NULL;
      }
    }
    line = next;
  }
  if (p->status < 200) return; // 1xx is an interim answer: the real one follows
  if (p->status == 204 || p->status == 304) {
    parser_complete(p); // never a body
  } else if (chunked) {
    p->state = CHUNK_SIZE;
  } else if (content_length >= 0 && !bad_length) {
    p->remaining = (uint64_t)content_length;
    p->state = BODY;
    if (content_length == 0) parser_complete(p);
  } else {
    parser_fail(p);
  }
}

/** Consumes what it can of [at, end); returns the new position, or NULL when it needs more. */
static const char *parser_step(struct parser *p, const char *at, const char *end) {
  switch (p->state) {
  case HEAD: {
    const char *stop = find(at, end, "\r\n\r\n", 4);
    if (!stop) return NULL;
    read_head(p, at, stop);
    return stop + 4;
  }
  case BODY:
  case CHUNK_DATA: {
    uint64_t take = (uint64_t)(end - at) < p->remaining ? (uint64_t)(end - at) : p->remaining;
    p->remaining -= take;
    if (p->remaining == 0) {
      if (p->state == BODY) parser_complete(p);
      else p->state = CHUNK_SIZE;
    }
    return at + take;
  }
  case CHUNK_SIZE: {
    const char *stop = find(at, end, "\r\n", 2);
    if (!stop) return NULL;
    // Chunk extensions (";name=value") are allowed after the size and mean nothing here.
    const char *size_end = memchr(at, ';', (size_t)(stop - at));
    if (!size_end) size_end = stop;
    while (at < size_end && (*at == ' ' || *at == '\t')) at++;
    while (size_end > at && (size_end[-1] == ' ' || size_end[-1] == '\t')) size_end--;
    uint64_t size = 0;
    int digits = 0;
    for (const char *c = at; c < size_end; c++, digits++) {
      int v = (*c >= '0' && *c <= '9') ? *c - '0'
              : (*c >= 'a' && *c <= 'f') ? *c - 'a' + 10
              : (*c >= 'A' && *c <= 'F') ? *c - 'A' + 10
                                         : -1;
      if (v < 0 || size > (1ULL << 52)) {
        digits = 0;
        break;
      }
      size = size * 16 + (uint64_t)v;
    }
    if (digits == 0) parser_fail(p);
    else if (size == 0) p->state = TRAILERS;
    else {
      p->state = CHUNK_DATA;
      p->remaining = size + 2;
    }
    return stop + 2;
  }
  case TRAILERS: {
    // Usually no trailers: the last chunk is followed by a bare CRLF.
    if (end - at < 2) return NULL;
    if (at[0] == '\r' && at[1] == '\n') {
      parser_complete(p);
      return at + 2;
    }
    const char *stop = find(at, end, "\r\n\r\n", 4);
    if (!stop) return NULL;
    parser_complete(p);
    return stop + 4;
  }
  }
  return NULL;
}

/** Feeds one read's bytes to the parser. */
static void parser_push(struct parser *p, const char *data, size_t len) {
  while (len > 0 && !p->failed) {
    // Body bytes are skipped straight from the read; anything else is gathered in `in` first.
    if ((p->state == BODY || p->state == CHUNK_DATA) && p->in_len == 0) {
      const char *next = parser_step(p, data, data + len);
      len -= (size_t)(next - data);
      data = next;
      continue;
    }
    size_t room = IN_CAP - p->in_len;
    if (room == 0) {
      parser_fail(p); // a head or line longer than anything a server under test sends
      return;
    }
    size_t take = len < room ? len : room;
    memcpy(p->in + p->in_len, data, take);
    p->in_len += take;
    data += take;
    len -= take;
    const char *at = p->in;
    const char *end = p->in + p->in_len;
    while (at < end && !p->failed) {
      const char *next = parser_step(p, at, end);
      if (!next) break;
      at = next;
    }
    p->in_len = (size_t)(end - at);
    memmove(p->in, at, p->in_len);
  }
}

// ---- The run ------------------------------------------------------------------------------------

enum outcome { O_2XX, O_3XX, O_4XX, O_5XX, O_ERRORS };

struct connection {
  int fd;
  int connected;
  int64_t in_flight; // index of the request it waits on, or -1
  int64_t retry_at;  // when a failed connect is tried again; 0 when none is due
  const char *out;   // the part of the request not written yet
  size_t out_len;
  struct parser parser;
  struct run *run;
};

struct run {
  struct sockaddr_storage address;
  socklen_t address_len;
  char **requests;
  size_t *request_lens;
  size_t request_count;
  int64_t total;
  double interval_ns;
  struct connection *connections;
  int connection_count;
  struct connection **idle;
  int idle_count;
  double *latencies; // ms
  int64_t answered;
  int64_t answers[5];
  int64_t late_sends;
  int64_t start;
  int64_t last_send_at;
  int64_t next; // the next request to send: every request below it is sent, in order
  int64_t in_flight;
  int retries; // connections whose retry_at is set
  int epoll;
  int timer;
  int64_t timer_at;
  int finished;
};

static int64_t intended_at(struct run *r, int64_t index) {
  return r->start + (int64_t)((double)index * r->interval_ns);
}

static void die(const char *what) {
  fprintf(stderr, "pacer: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void watch(struct run *r, struct connection *c, uint32_t events, int op) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(r->epoll, op, c->fd, &ev) != 0) die("epoll_ctl");
}

static void settle(struct run *r, struct connection *c, enum outcome outcome) {
  r->answers[outcome]++;
  c->in_flight = -1;
  r->in_flight--;
}

static void set_idle(struct run *r, struct connection *c) { r->idle[r->idle_count++] = c; }

static void unidle(struct run *r, struct connection *c) {
  for (int i = 0; i < r->idle_count; i++) {
    if (r->idle[i] == c) {
      r->idle[i] = r->idle[--r->idle_count];
      return;
    }
  }
}

static void on_response(void *owner, int status, int keep_alive);
static void on_parse_error(void *owner);

/** Starts a non-blocking connect; returns -1 when it failed at once. */
static int start_connect(struct run *r, struct connection *c) {
  c->fd = socket(r->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) die("socket");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->connected = 0;
  c->out_len = 0;
  // The parser is reset once the connection is up (became_connected): until then it stays failed,
  // so the rest of a read that the old connection was parsing is not taken as the new one's.
  c->parser.failed = 1;
  if (connect(c->fd, (struct sockaddr *)&r->address, r->address_len) != 0 && errno != EINPROGRESS) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  watch(r, c, EPOLLOUT, EPOLL_CTL_ADD);
  return 0;
}

/**
 * The connection is unusable (closed, failed, or sent something unparsable): its in-flight request
 * fails, and a new connection replaces it. An idle keep-alive connection that the server closed is
 * not an error in itself; a reconnect that fails is one.
 */
static void on_broken(struct run *r, struct connection *c, int connect_failed) {
  if (c->fd >= 0) close(c->fd); // also takes it out of the epoll set
  c->fd = -1;
  if (c->connected) unidle(r, c);
  c->connected = 0;
  if (connect_failed) r->answers[O_ERRORS]++;
  if (c->in_flight != -1) settle(r, c, O_ERRORS);
  if (r->finished) return;
  if (connect_failed) {
    c->retry_at = now_ns() + RECONNECT_DELAY_NS;
    r->retries++;
  } else if (start_connect(r, c) != 0) {
    on_broken(r, c, 1);
  }
}

/** Retries the connects that failed and are due; returns when the next one is due (or `wake`). */
static int64_t retry_connects(struct run *r, int64_t now, int64_t wake) {
  for (int i = 0; i < r->connection_count && r->retries > 0; i++) {
    struct connection *c = &r->connections[i];
    if (c->retry_at == 0) continue;
    if (c->retry_at <= now) {
      c->retry_at = 0;
      r->retries--;
      if (start_connect(r, c) != 0) on_broken(r, c, 1);
    } else if (c->retry_at < wake) {
      wake = c->retry_at;
    }
  }
  return wake;
}

static void on_response(void *owner, int status, int keep_alive) {
  struct connection *c = owner;
  struct run *r = c->run;
  if (c->in_flight == -1) {
    c->parser.failed = 1; // an answer nobody asked for: whatever follows is not read
    on_broken(r, c, 0);
    return;
  }
  r->latencies[r->answered++] = (double)(now_ns() - intended_at(r, c->in_flight)) / 1e6;
  enum outcome o = status >= 200 && status < 300   ? O_2XX
                   : status >= 300 && status < 400 ? O_3XX
                   : status >= 400 && status < 500 ? O_4XX
                   : status >= 500 && status < 600 ? O_5XX
                                                   : O_ERRORS;
  settle(r, c, o);
  // The server said it closes this connection: sending on it again would race that close.
  if (keep_alive) {
    set_idle(r, c);
  } else {
    c->parser.failed = 1;
    on_broken(r, c, 0);
  }
}

static void on_parse_error(void *owner) {
  struct connection *c = owner;
  on_broken(c->run, c, 0);
}

/** Writes what is left of the connection's request; waits for EPOLLOUT when the socket is full. */
static void flush_out(struct run *r, struct connection *c) {
  while (c->out_len > 0) {
    ssize_t n = write(c->fd, c->out, c->out_len);
    if (n > 0) {
      c->out += n;
      c->out_len -= (size_t)n;
    } else if (n < 0 && errno == EAGAIN) {
      watch(r, c, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
      return;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      on_broken(r, c, 0);
      return;
    }
  }
}

/** Sends, in order, every request whose time has come, while a connection is idle. */
static void send_due(struct run *r) {
  int64_t now = now_ns();
  while (r->next < r->total && intended_at(r, r->next) <= now && r->idle_count > 0) {
    struct connection *c = r->idle[--r->idle_count];
    int64_t index = r->next++;
    if (now - intended_at(r, index) > LATE_NS) r->late_sends++;
    c->in_flight = index;
    r->in_flight++;
    r->last_send_at = now;
    size_t which = (size_t)index % r->request_count;
    c->out = r->requests[which];
    c->out_len = r->request_lens[which];
    flush_out(r, c);
  }
}

/** The outcome of a non-blocking connect that epoll reported: 0, or the error it failed with. */
static int connect_error(struct connection *c, uint32_t events) {
  int error = 0;
  socklen_t len = sizeof error;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len);
  if (error == 0 && (events & (EPOLLERR | EPOLLHUP))) error = ECONNREFUSED;
  return error;
}

static void became_connected(struct run *r, struct connection *c) {
  c->connected = 1;
  parser_reset(&c->parser);
  watch(r, c, EPOLLIN, EPOLL_CTL_MOD);
  set_idle(r, c);
}

static void on_event(struct run *r, struct connection *c, uint32_t events) {
  if (!c->connected) {
    if (connect_error(c, events) != 0) on_broken(r, c, 1);
    else became_connected(r, c);
    return;
  }
  if (events & EPOLLOUT) {
    watch(r, c, EPOLLIN, EPOLL_CTL_MOD);
    flush_out(r, c);
    if (c->fd < 0) return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    char buffer[16384];
    for (;;) {
      ssize_t n = read(c->fd, buffer, sizeof buffer);
      if (n > 0) {
        int fd = c->fd;
        parser_push(&c->parser, buffer, (size_t)n);
        if (c->fd != fd) return; // the parser's callbacks replaced the connection
        if ((size_t)n < sizeof buffer) return;
      } else if (n < 0 && errno == EAGAIN) {
        return;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        on_broken(r, c, 0); // closed by the server, or reset
        return;
      }
    }
  }
}

/** Arms the timer for the next intended send (absolute, so a late wake-up does not drift). */
static void arm_timer(struct run *r, int64_t at) {
  if (at == r->timer_at) return;
  r->timer_at = at;
  struct itimerspec spec = {.it_value = {.tv_sec = at / 1000000000LL, .tv_nsec = at % 1000000000LL}};
  if (timerfd_settime(r->timer, TFD_TIMER_ABSTIME, &spec, NULL) != 0) die("timerfd_settime");
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/** Nearest rank: the smallest latency that at least a fraction p of the answers did not exceed. */
static double percentile(struct run *r, double p) {
  if (r->answered == 0) return 0;
  int64_t rank = (int64_t)((p * (double)r->answered) + 0.999999999);
  if (rank < 1) rank = 1;
  if (rank > r->answered) rank = r->answered;
  return r->latencies[rank - 1];
}

static void read_paths(struct run *r, const char *host_header) {
  size_t cap = 16;
  r->requests = malloc(cap * sizeof *r->requests);
  r->request_lens = malloc(cap * sizeof *r->request_lens);
  char *line = NULL;
  size_t line_cap = 0;
  ssize_t n;
  while ((n = getline(&line, &line_cap, stdin)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0) continue;
    if (r->request_count == cap) {
      cap *= 2;
      r->requests = realloc(r->requests, cap * sizeof *r->requests);
      r->request_lens = realloc(r->request_lens, cap * sizeof *r->request_lens);
    }
    char *request;
    int len = asprintf(&request, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: keep-alive\r\n\r\n", line, host_header);
    if (len < 0) die("asprintf");
    r->requests[r->request_count] = request;
    r->request_lens[r->request_count++] = (size_t)len;
  }
  free(line);
}

static int run_load(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: pacer run HOST PORT HOSTHEADER RATE SECONDS CONNECTIONS < paths\n");
    return 2;
  }
  struct run *r = calloc(1, sizeof *r);
  double rate = atof(argv[5]);
  double seconds = atof(argv[6]);
  r->connection_count = atoi(argv[7]);
  read_paths(r, argv[4]);
  if (!(rate > 0) || !(seconds > 0) || r->connection_count < 1 || r->request_count == 0) {
    fprintf(stderr, "pacer: needs a positive rate, duration and connection count, and a path\n");
    return 2;
  }
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *found;
  if (getaddrinfo(argv[2], argv[3], &hints, &found) != 0) {
    fprintf(stderr, "pacer: cannot resolve %s\n", argv[2]);
    return 2;
  }
  memcpy(&r->address, found->ai_addr, found->ai_addrlen);
  r->address_len = found->ai_addrlen;
  freeaddrinfo(found);
  r->total = (int64_t)(rate * seconds + 0.5);
  if (r->total < 1) r->total = 1;
  r->interval_ns = 1e9 / rate;
  r->latencies = malloc((size_t)r->total * sizeof *r->latencies);
  r->connections = calloc((size_t)r->connection_count, sizeof *r->connections);
  r->idle = calloc((size_t)r->connection_count, sizeof *r->idle);
  r->epoll = epoll_create1(EPOLL_CLOEXEC);
  r->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (r->epoll < 0 || r->timer < 0 || !r->latencies || !r->connections || !r->idle) die("setup");
  struct epoll_event timer_event = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_ctl(r->epoll, EPOLL_CTL_ADD, r->timer, &timer_event) != 0) die("epoll_ctl");

  // Warm-up: every connection is open before the clock starts, so handshakes are not latency.
  for (int i = 0; i < r->connection_count; i++) {
    struct connection *c = &r->connections[i];
    c->run = r;
    c->in_flight = -1;
    c->parser.on_response = on_response;
    c->parser.on_error = on_parse_error;
    c->parser.owner = c;
    if (start_connect(r, c) != 0) die("connect");
  }
  struct epoll_event events[256];
  int64_t connect_deadline = now_ns() + 10000000000LL;
  while (r->idle_count < r->connection_count) {
    int n = epoll_wait(r->epoll, events, 256, 100);
    for (int i = 0; i < n; i++) {
      struct connection *c = events[i].data.ptr;
      if (c && !c->connected) {
        errno = connect_error(c, events[i].events);
        if (errno != 0) die("connect");
        became_connected(r, c);
      }
    }
    if (now_ns() > connect_deadline) {
      errno = ETIMEDOUT;
      die("connect");
    }
  }

  r->start = now_ns();
  r->timer_at = -1;
  // However stuck the server, the run ends this long after its last intended send.
  int64_t deadline = r->start + (int64_t)(seconds * 1e9) + DRAIN_NS;
  for (;;) {
    send_due(r);
    if (r->next >= r->total && r->in_flight == 0) break;
    int64_t now = now_ns();
    if (now >= deadline) {
      // Whatever is unsent or unanswered counts as errors.
      r->answers[O_ERRORS] += r->in_flight + (r->total - r->next);
      break;
    }
    int64_t wake = r->retries > 0 ? retry_connects(r, now, deadline) : deadline;
    // Due requests that wait for a connection go out when one answers, not on the timer.
    if (r->next < r->total && r->idle_count > 0) arm_timer(r, intended_at(r, r->next));
    int timeout_ms = (int)((wake - now) / 1000000LL) + 1;
    int n = epoll_wait(r->epoll, events, 256, timeout_ms);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      struct connection *c = events[i].data.ptr;
      if (c == NULL) {
        uint64_t expirations;
        if (read(r->timer, &expirations, sizeof expirations) < 0 && errno != EAGAIN) die("timerfd read");
        r->timer_at = -1;
        continue;
      }
      if (c->fd >= 0) on_event(r, c, events[i].events);
    }
  }
  r->finished = 1;
  for (int i = 0; i < r->connection_count; i++)
    if (r->connections[i].fd >= 0) close(r->connections[i].fd);

  qsort(r->latencies, (size_t)r->answered, sizeof *r->latencies, compare_doubles);
  double elapsed = (double)(r->last_send_at - r->start) / 1e9;
  if (elapsed < seconds) elapsed = seconds;
  printf("{\"rate\":%.3f,\"requests\":%lld,\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f,\"p999\":%.4f,\"max\":%.4f,"
         "\"answers\":{\"2xx\":%lld,\"3xx\":%lld,\"4xx\":%lld,\"5xx\":%lld,\"errors\":%lld},\"lateSends\":%lld}\n",
         (double)r->next / elapsed, (long long)r->next, percentile(r, 0.5), percentile(r, 0.9),
         percentile(r, 0.99), percentile(r, 0.999), percentile(r, 1), (long long)r->answers[O_2XX],
         (long long)r->answers[O_3XX], (long long)r->answers[O_4XX], (long long)r->answers[O_5XX],
         (long long)r->answers[O_ERRORS], (long long)r->late_sends);
  return 0;
}

// ---- Parser test mode ---------------------------------------------------------------------------

struct transcript {
  char text[4096];
  size_t len;
  int errors;
};

static void record_response(void *owner, int status, int keep_alive) {
  struct transcript *t = owner;
  t->len += (size_t)snprintf(t->text + t->len, sizeof t->text - t->len, "%s%d:%d", t->len ? " " : "", status,
                             keep_alive);
}

static void record_error(void *owner) { ((struct transcript *)owner)->errors++; }

static void print_feeding(const char *data, size_t len, size_t step_or_cut, int byte_by_byte) {
  static struct parser p;
  struct transcript t = {.len = 0, .errors = 0};
  t.text[0] = 0;
  parser_reset(&p);
  p.on_response = record_response;
  p.on_error = record_error;
  p.owner = &t;
  if (byte_by_byte) {
    for (size_t i = 0; i < len; i++) parser_push(&p, data + i, 1);
  } else {
    parser_push(&p, data, step_or_cut);
    parser_push(&p, data + step_or_cut, len - step_or_cut);
  }
  printf("%s|%d\n", t.text, t.errors);
}

static int parse_stdin(void) {
  static char data[1 << 16];
  size_t len = fread(data, 1, sizeof data, stdin);
  for (size_t cut = 0; cut <= len; cut++) print_feeding(data, len, cut, 0);
  print_feeding(data, len, 0, 1);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "run") == 0) return run_load(argc, argv);
  if (argc == 2 && strcmp(argv[1], "parse") == 0) return parse_stdin();
  fprintf(stderr, "usage: pacer run HOST PORT HOSTHEADER RATE SECONDS CONNECTIONS < paths\n"
                  "       pacer parse < bytes\n");
  return 2;
}
