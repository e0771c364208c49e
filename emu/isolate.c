/*
 * Crash and hang isolation, the replay's side (isolate.h): one process per
 * module, their lines read as they come, their results merged into the
 * order of a replay without isolation, and a dead process's call in
 * progress turned into a failed record.
 *
 * The merge: each child's results arrive in its own replay order, so the
 * parent keeps a queue per child and hands on the smallest head by (phase,
 * position, module) once every child still running has something queued.
 * A child far ahead of the others stops being read (QUEUE_LIMIT) until
 * they catch up, so memory stays bounded.
 *
 * Deadlines: the child's own per-call timer reports a hang with a
 * backtrace. Should that not work (the module blocks SIGALRM, or hangs in
 * the unwinder's lock), the parent kills a child that has said nothing
 * for the timeout plus a grace period while in a call; one that said it
 * crashed, or closed its pipe, has DEATH_GRACE seconds to end.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "inject.h"
#include "isolate_private.h"
#include "replay_private.h"
#include "trace.h"

#define QUEUE_LIMIT 4096   /* results queued for one child before it stops being read */
#define MAX_FRAMES 64      /* backtrace lines kept */
#define DEATH_GRACE 5.0    /* seconds a child that crashed or closed its pipe has to end */

enum item_type { ITEM_READY, ITEM_RECORD, ITEM_SKIPPED, ITEM_FATAL };

/* One result of a child, waiting for its turn. */
struct item {
	struct item *next;
	enum item_type type;
	int phase;                  /* enum xb_isolate_phase */
	size_t pos;
	int late;                   /* a run's error: after every record at its place */
	struct xb_wire_info info;   /* ITEM_READY */
	struct xb_notification rec; /* ITEM_RECORD */
	HRESULT hr;                 /* ITEM_SKIPPED, ITEM_FATAL */
	xb_error err;
};

/* A call the child started and has not reported yet. */
struct call {
	struct call *next;
	unsigned long seq;
	const char *method; /* static, XB_CALL_* */
	size_t event, line;
	LONG kind, context;
	int returned;       /* its "end" came: only its record is missing */
	double started;
};

enum marker { MARK_NONE, MARK_CRASHED, MARK_HUNG };

struct child {
	size_t index;
	pid_t pid;
	int fd;                 /* the pipe's read end; -1 once it ended */
	int reaped, status, status_known;
	char *buf;              /* a line being read */
	size_t len, cap;
	struct item *head, *tail;
	size_t queued;
	int paused;             /* not read while too far ahead */
	struct call *calls;
	json_t *loaded;         /* the module as known when Initialize started */
	int ready;              /* module_ready came */
	int finished;           /* its last line came (summary or run error) */
	int done;               /* every result is queued */
	enum marker marker;
	int marker_sig;
	unsigned long marker_seq;
	double marker_at, eof_at, activity;
	char **frames;
	size_t nframes;
	int killed;             /* by the parent, after the timeout and its grace */
	LONG mask;
	size_t last_event;      /* the last event ordinal it started or reported */
	int last_phase;
	int died;               /* ended before its end: later deliveries not made */
	struct xb_replay_summary summary;
	int have_summary;
};

struct parent {
	const struct xb_replay_options *opts;
	struct run run;              /* opts, sink and summary, for xb_replay_emit */
	struct child *children;
	size_t n;
	FILE *spool;                 /* a trace read from standard input, copied for every child */
	char trace[64];              /* where the parent reads the trace again (the spool's name) */
	uint64_t seed;               /* the --inject seed every process draws from */
	int have_seed;
	int stopped;                 /* a run error was reported */
	HRESULT hr;
	size_t skipped_line;         /* the last malformed line reported (every child reports it) */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *signal_text(int sig)
{
	const char *name = xb_signal_name(sig);
	return name ? name : strsignal(sig);
}

/* Where a call or record goes in the merged report. */
static void key_of(size_t module, const char *method, size_t event, size_t line, int *phase, size_t *pos)
{
	if (!strcmp(method, XB_CALL_LOAD) || !strcmp(method, XB_CALL_INITIALIZE)) {
		*phase = XB_PHASE_START;
		*pos = module;
	} else if (!strcmp(method, XB_CALL_NOTIFY) && event) {
		*phase = XB_PHASE_EVENTS;
		*pos = line;
	} else {
		*phase = !strcmp(method, XB_CALL_NOTIFY) ? XB_PHASE_END : XB_PHASE_UNLOAD;
		*pos = 0;
	}
}

static void free_lines(char ***lines, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*lines)[i]);
	free(*lines);
	*lines = NULL;
	*n = 0;
}

static void free_record_lines(struct xb_notification *n)
{
	free_lines(&n->violations, &n->nviolations);
	free_lines(&n->warnings, &n->nwarnings);
	free_lines(&n->injected, &n->ninjected);
	free_lines(&n->backtrace, &n->nbacktrace);
}

static struct item *push(struct child *c, enum item_type type, int phase, size_t pos, int late)
{
	struct item *it = calloc(1, sizeof(*it));
	if (!it)
		return NULL;
	it->type = type;
	it->phase = phase;
	it->pos = pos;
	it->late = late;
	if (c->tail)
		c->tail->next = it;
	else
		c->head = it;
	c->tail = it;
	c->queued++;
	return it;
}

static void push_record(struct child *c, struct xb_notification *n)
{
	int phase;
	size_t pos;
	key_of(c->index, n->method, n->event, n->line, &phase, &pos);
	struct item *it = push(c, ITEM_RECORD, phase, pos, 0);
	if (it)
		it->rec = *n;
	else
		free_record_lines(n);
}

static void free_item(struct item *it)
{
	if (it->type == ITEM_READY)
		xb_wire_info_free(&it->info);
	else if (it->type == ITEM_RECORD)
		free_record_lines(&it->rec);
	free(it);
}

/* Appends a copy of text to a record's lines. */
static void add_line(char ***lines, size_t *n, const char *text)
{
	char **grown = realloc(*lines, (*n + 1) * sizeof(*grown));
	if (!grown)
		return;
	*lines = grown;
	if ((grown[*n] = strdup(text)))
		(*n)++;
}

/* ---- reading a child's lines ------------------------------------------------ */

static void note_event(struct child *c, const char *method, size_t event, size_t line)
{
	int phase;
	size_t pos;
	key_of(c->index, method, event, line, &phase, &pos);
	if (phase > c->last_phase)
		c->last_phase = phase;
	if (!strcmp(method, XB_CALL_NOTIFY) && event > c->last_event)
		c->last_event = event;
}

static void on_start(struct child *c, json_t *o, double t)
{
	const char *method = xb_wire_method(json_string_value(json_object_get(o, "method")));
	struct call *call = method ? calloc(1, sizeof(*call)) : NULL;
	if (!call)
		return;
	call->seq = (unsigned long)json_integer_value(json_object_get(o, "seq"));
	call->method = method;
	call->event = (size_t)json_integer_value(json_object_get(o, "event"));
	call->line = (size_t)json_integer_value(json_object_get(o, "line"));
	call->kind = (LONG)(ULONG)json_integer_value(json_object_get(o, "kind"));
	call->context = (LONG)(ULONG)json_integer_value(json_object_get(o, "context"));
	json_t *at = json_object_get(o, "at"); /* CLOCK_MONOTONIC, the same in every process */
	call->started = json_is_real(at) && json_real_value(at) <= t ? json_real_value(at) : t;
	json_t *loaded = json_object_get(o, "loaded");
	if (loaded && !c->loaded)
		c->loaded = json_incref(loaded);
	note_event(c, method, call->event, call->line);
	struct call **end = &c->calls;
	while (*end)
		end = &(*end)->next;
	*end = call;
}

static void on_end(struct child *c, unsigned long seq)
{
	for (struct call **p = &c->calls; *p; p = &(*p)->next) {
		if ((*p)->seq != seq)
			continue;
		if (!strcmp((*p)->method, XB_CALL_LOAD)) { /* loading has no record of its own */
			struct call *gone = *p;
			*p = gone->next;
			free(gone);
		} else {
			(*p)->returned = 1;
		}
		return;
	}
}

/* A record came: its call is accounted for. */
static void settle_call(struct child *c, const struct xb_notification *n)
{
	for (struct call **p = &c->calls; *p; p = &(*p)->next) {
		struct call *call = *p;
		if (strcmp(call->method, n->method) || (!strcmp(n->method, XB_CALL_NOTIFY) && call->event != n->event))
			continue;
		*p = call->next;
		free(call);
		return;
	}
}

static void on_object(struct child *c, json_t *o, double t)
{
	json_t *v;
	if ((v = json_object_get(o, "start"))) {
		on_start(c, v, t);
	} else if ((v = json_object_get(o, "end"))) {
		on_end(c, (unsigned long)json_integer_value(v));
	} else if ((v = json_object_get(o, "ready"))) {
		struct item *it = push(c, ITEM_READY, XB_PHASE_START, c->index, 0);
		if (it && xb_wire_info_read(v, &it->info) == 0)
			c->mask = it->info.info.mask;
		c->ready = 1;
	} else if ((v = json_object_get(o, "record"))) {
		struct xb_notification n;
		if (xb_wire_record_read(v, &n))
			return;
		n.module = c->index;
		settle_call(c, &n);
		note_event(c, n.method, n.event, n.line);
		push_record(c, &n);
	} else if ((v = json_object_get(o, "skipped"))) {
		xb_error err;
		HRESULT hr = xb_wire_error_read(v, &err);
		struct item *it = push(c, ITEM_SKIPPED, XB_PHASE_EVENTS, err.line > 0 ? (size_t)err.line : 0, 0);
		if (it) {
			it->hr = hr;
			it->err = err;
		}
	} else if ((v = json_object_get(o, "fatal"))) {
		xb_error err;
		HRESULT hr = xb_wire_error_read(v, &err);
		json_int_t pos = json_integer_value(json_object_get(o, "pos"));
		struct item *it = push(c, ITEM_FATAL, (int)json_integer_value(json_object_get(o, "phase")),
				       pos > 0 ? (size_t)pos : 0, 1);
		if (it) {
			it->hr = hr;
			it->err = err;
		}
		c->finished = 1;
	} else if ((v = json_object_get(o, "summary"))) {
		xb_wire_summary_read(v, &c->summary);
		c->have_summary = 1;
		c->finished = 1;
	} else if ((v = json_object_get(o, "crashed")) || (v = json_object_get(o, "hung"))) {
		c->marker = json_object_get(o, "crashed") ? MARK_CRASHED : MARK_HUNG;
		c->marker_sig = c->marker == MARK_CRASHED ? (int)json_integer_value(v) : 0;
		c->marker_seq = (unsigned long)json_integer_value(json_object_get(o, "seq"));
		c->marker_at = t;
	}
}

static void on_line(struct child *c, char *line, double t)
{
	if (!*line)
		return;
	if (c->marker) { /* after a crash or hang marker: the backtrace, a frame a line */
		char **grown = c->nframes < MAX_FRAMES ? realloc(c->frames, (c->nframes + 1) * sizeof(*grown)) : NULL;
		if (grown) {
			c->frames = grown;
			if ((grown[c->nframes] = strdup(line)))
				c->nframes++;
		}
		return;
	}
	json_t *o = json_loads(line, 0, NULL);
	if (json_is_object(o)) /* anything else: a line cut short by a crash */
		on_object(c, o, t);
	json_decref(o);
}

static void close_pipe(struct child *c, double t)
{
	if (c->len) { /* a last line without its newline */
		c->buf[c->len] = 0;
		on_line(c, c->buf, t);
		c->len = 0;
	}
	close(c->fd);
	c->fd = -1;
	c->eof_at = t;
}

/* Reads what the pipe has (it is non-blocking), line by line. */
static void read_child(struct child *c, double t)
{
	while (c->fd >= 0) {
		if (c->cap - c->len < 4096) {
			size_t cap = c->cap ? 2 * c->cap : 16384;
			char *grown = realloc(c->buf, cap + 1);
			if (!grown) {
				close_pipe(c, t);
				return;
			}
			c->buf = grown;
			c->cap = cap;
		}
		ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			return;
		if (got <= 0) {
			close_pipe(c, t);
			return;
		}
		c->activity = t;
		size_t start = 0, end = c->len + (size_t)got;
		for (size_t i = c->len; i < end; i++) {
			if (c->buf[i] != '\n')
				continue;
			c->buf[i] = 0;
			on_line(c, c->buf + start, t);
			start = i + 1;
		}
		memmove(c->buf, c->buf + start, end - start);
		c->len = end - start;
	}
}

/* ---- a child that died ------------------------------------------------------ */

/* What became of the process, for the call it was in (method NULL: between calls). */
static HRESULT cause_of_death(const struct parent *p, const struct child *c, const char *method, char *text,
			      size_t size)
{
	if (c->marker == MARK_HUNG || c->killed) {
		unsigned ms = p->opts->timeout_ms;
		const char *why = c->marker == MARK_HUNG ? "" : " (nor did it answer its own timer: killed, no backtrace)";
		if (method && !strcmp(method, XB_CALL_LOAD))
			snprintf(text, size, "the module did not finish loading within %u ms%s", ms, why);
		else if (method && !strcmp(method, XB_CALL_UNLOAD))
			snprintf(text, size, "the module did not return from the final Release within %u ms%s", ms, why);
		else
			snprintf(text, size, "the module did not return from %s within %u ms%s", method ? method : "a call",
				 ms, why);
		return XB_E_MODULE_TIMEOUT;
	}
	const char *loading = method && !strcmp(method, XB_CALL_LOAD) ? " while loading" : "";
	if (c->marker == MARK_CRASHED)
		snprintf(text, size, "the module crashed%s: signal %d (%s)", loading, c->marker_sig,
			 signal_text(c->marker_sig));
	else if (c->status_known && WIFSIGNALED(c->status))
		snprintf(text, size, "the module's process was killed%s: signal %d (%s)", loading, WTERMSIG(c->status),
			 signal_text(WTERMSIG(c->status)));
	else if (c->status_known && WIFEXITED(c->status))
		snprintf(text, size, "the module ended the process%s: exit status %d", loading, WEXITSTATUS(c->status));
	else
		snprintf(text, size, "the module's process ended unexpectedly%s", loading);
	return XB_E_MODULE_CRASHED;
}

/* module_ready for a module that died before it was sent: what was known of it, Initialize's result hr. */
static void push_ready_instead(struct parent *p, struct child *c, HRESULT hr)
{
	json_t *o = c->loaded ? json_incref(c->loaded) : NULL;
	if (!o) {
		const struct xb_module_spec *spec = &p->opts->modules[c->index].spec;
		char *abs = realpath(spec->path, NULL);
		struct xb_module_info info = {.path = abs ? abs : spec->path, .progid = spec->progid, .clsid = spec->clsid,
					      .registry_location = spec->registry_location};
		o = xb_wire_info(&info);
		free(abs);
	}
	if (!o)
		return;
	json_object_set_new(o, "init", json_integer((json_int_t)(ULONG)hr));
	json_object_set_new(o, "mask", json_integer(0));
	struct item *it = push(c, ITEM_READY, XB_PHASE_START, c->index, 0);
	if (it)
		xb_wire_info_read(o, &it->info);
	json_decref(o);
	c->ready = 1;
}

static int call_order(const void *a, const void *b)
{
	const struct call *x = *(const struct call *const *)a, *y = *(const struct call *const *)b;
	int px, py;
	size_t ox, oy;
	key_of(0, x->method, x->event, x->line, &px, &ox);
	key_of(0, y->method, y->event, y->line, &py, &oy);
	if (px != py)
		return px < py ? -1 : 1;
	return ox < oy ? -1 : ox > oy;
}

/* A failed record for a call the process did not finish. */
static void push_lost_call(struct child *c, const struct call *call, HRESULT hr, const char *violation, double t,
			   int with_frames)
{
	struct xb_notification n = {.module = c->index, .method = call->method, .event = call->event,
				    .line = call->line, .kind = call->kind, .context = call->context, .hr = hr,
				    .seconds = call->returned ? 0 : t - call->started}; /* returned: its time is lost too */
	if (!strcmp(n.method, XB_CALL_LOAD)) /* a module that dies loading: its Initialize fails */
		n.method = XB_CALL_INITIALIZE;
	add_line(&n.violations, &n.nviolations, violation);
	for (size_t i = 0; with_frames && i < c->nframes; i++)
		add_line(&n.backtrace, &n.nbacktrace, c->frames[i]);
	push_record(c, &n);
}

/* The process has ended and its pipe is read: queue what its end means. */
static void bury(struct parent *p, struct child *c, double t)
{
	c->done = 1;
	if (c->finished && !c->marker)
		return; /* it ran to its end */
	int was_ready = c->ready;
	size_t ncalls = 0;
	for (struct call *call = c->calls; call; call = call->next)
		ncalls++;
	struct call **calls = calloc(ncalls + 1, sizeof(*calls));
	ncalls = 0;
	for (struct call *call = c->calls; calls && call; call = call->next)
		calls[ncalls++] = call;
	if (calls)
		qsort(calls, ncalls, sizeof(*calls), call_order);
	else
		ncalls = 0;
	/* The call that died: the one the marker names, else the first still in progress. */
	const struct call *primary = NULL;
	for (size_t i = 0; i < ncalls && !primary; i++)
		if (c->marker && calls[i]->seq == c->marker_seq)
			primary = calls[i];
	for (size_t i = 0; i < ncalls && !primary; i++)
		if (!calls[i]->returned && !(c->marker && c->marker_seq == 0))
			primary = calls[i];
	char cause[256];
	HRESULT hr = cause_of_death(p, c, primary ? primary->method : NULL, cause, sizeof(cause));
	if (!c->ready && (!primary || !strcmp(primary->method, XB_CALL_LOAD) ||
			  !strcmp(primary->method, XB_CALL_INITIALIZE)))
		push_ready_instead(p, c, hr);
	for (size_t i = 0; i < ncalls; i++) {
		const struct call *call = calls[i];
		/* Only the call that crashed or hung has the cause; the others died with the process. */
		if (call == primary)
			push_lost_call(c, call, hr, cause, t, 1);
		else if (!call->returned)
			push_lost_call(c, call, XB_E_MODULE_CRASHED,
				       "the module's process died while this call was in progress", t, 0);
		else
			push_lost_call(c, call, XB_E_MODULE_CRASHED,
				       "the result of this call was lost: the module's process died before reporting it",
				       t, 0);
	}
	if (!primary) {
		/* Between calls (a thread of the module's own, or after its last call). */
		char text[300];
		snprintf(text, sizeof(text), "the module's process died between calls: %s", cause);
		struct call between = {.method = was_ready ? XB_CALL_UNLOAD : XB_CALL_INITIALIZE, .started = t};
		push_lost_call(c, &between, hr, text, t, 1);
	}
	free(calls);
	c->died = 1;
}

/* ---- the merge -------------------------------------------------------------- */

static int item_less(const struct item *a, size_t ma, const struct item *b, size_t mb)
{
	if (a->phase != b->phase)
		return a->phase < b->phase;
	if (a->pos != b->pos)
		return a->pos < b->pos;
	if (a->late != b->late)
		return a->late < b->late;
	return ma < mb;
}

static void emit(struct parent *p, struct child *c, struct item *it, xb_error *err)
{
	const struct xb_replay_sink *sink = p->run.sink;
	switch (it->type) {
	case ITEM_READY:
		if (it->info.json && sink && sink->module_ready)
			sink->module_ready(sink->ctx, c->index, &it->info.info);
		break;
	case ITEM_RECORD:
		xb_replay_emit(&p->run, &it->rec); /* counts it and frees its lines */
		memset(&it->rec, 0, sizeof(it->rec));
		break;
	case ITEM_SKIPPED:
		/* Every process reads the same trace: a malformed line is reported once. */
		if (p->skipped_line && p->skipped_line == it->pos)
			break;
		p->skipped_line = it->pos;
		p->run.summary->skipped++;
		if (sink && sink->skipped)
			sink->skipped(sink->ctx, &it->err);
		break;
	case ITEM_FATAL:
		p->stopped = 1;
		p->hr = it->hr;
		if (err && err->code == S_OK)
			*err = it->err;
		break;
	}
}

/* Hands on every result whose turn has come; stops at a run error. */
static void merge(struct parent *p, xb_error *err)
{
	while (!p->stopped) {
		struct child *best = NULL;
		for (size_t i = 0; i < p->n; i++) {
			struct child *c = &p->children[i];
			if (!c->head) {
				if (!c->done)
					return; /* its next result may come first */
				continue;
			}
			if (!best || item_less(c->head, c->index, best->head, best->index))
				best = c;
		}
		if (!best)
			return;
		struct item *it = best->head;
		best->head = it->next;
		if (!best->head)
			best->tail = NULL;
		best->queued--;
		emit(p, best, it, err);
		free_item(it);
	}
}

/* ---- processes ------------------------------------------------------------ */

static int in_call(const struct child *c)
{
	for (const struct call *call = c->calls; call; call = call->next)
		if (!call->returned)
			return 1;
	return 0;
}

static void reap(struct child *c, int block)
{
	if (c->reaped)
		return;
	int status;
	pid_t got;
	do
		got = waitpid(c->pid, &status, block ? 0 : WNOHANG);
	while (got < 0 && errno == EINTR);
	if (got == c->pid) {
		c->reaped = 1;
		c->status = status;
		c->status_known = 1;
	} else if (got < 0) {
		c->reaped = 1; /* ECHILD: someone else reaped it (SIGCHLD ignored) */
	}
}

static void kill_child(struct child *c)
{
	if (!c->reaped)
		kill(c->pid, SIGKILL);
}

/* After a read: whether the child has ended, and the deadlines. */
static void watch(struct parent *p, struct child *c, double t)
{
	if (c->done)
		return;
	reap(c, 0);
	if (c->reaped) {
		read_child(c, t); /* what it wrote before it ended */
		if (c->fd >= 0) /* held open by a process of the module's own: do not wait for it */
			close_pipe(c, t);
		bury(p, c, t);
		return;
	}
	unsigned ms = p->opts->timeout_ms;
	double grace = (ms > 1000 ? ms : 1000) / 1e3;
	if ((c->fd < 0 && t - c->eof_at > DEATH_GRACE) || (c->marker && t - c->marker_at > DEATH_GRACE)) {
		kill_child(c);
	} else if (ms && !c->marker && !c->paused && in_call(c) && t - c->activity > ms / 1e3 + grace) {
		c->killed = 1;
		kill_child(c);
	}
}

static HRESULT spawn(struct parent *p, struct child *c, xb_error *err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC))
		return xb_error_set(err, E_FAIL, 0, "cannot make a pipe for module %zu: %s", c->index + 1, strerror(errno));
	fflush(NULL); /* nothing buffered may be written twice */
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return xb_error_set(err, E_FAIL, 0, "cannot start a process for module %zu: %s", c->index + 1,
				    strerror(e));
	}
	if (pid == 0) {
		close(fds[0]);
		for (size_t i = 0; i < p->n; i++)
			if (p->children[i].fd >= 0)
				close(p->children[i].fd);
		xb_isolate_child(p->opts, c->index, fds[1], p->spool ? fileno(p->spool) : -1, parent,
				 p->have_seed ? &p->seed : NULL);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	c->pid = pid;
	c->fd = fds[0];
	c->activity = now();
	return S_OK;
}

/* Reads and merges until every child is done or a run error stops the replay. */
static void pump(struct parent *p, xb_error *err)
{
	struct pollfd *fds = calloc(p->n, sizeof(*fds));
	struct child **polled = calloc(p->n, sizeof(*polled));
	if (!fds || !polled) {
		free(fds);
		free(polled);
		xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
		p->stopped = 1;
		p->hr = E_OUTOFMEMORY;
		return;
	}
	for (;;) {
		merge(p, err);
		size_t running = 0, n = 0;
		int waiting_for_end = 0;
		double t = now();
		for (size_t i = 0; i < p->n; i++) {
			struct child *c = &p->children[i];
			if (c->done)
				continue;
			running++;
			if (c->fd < 0) {
				waiting_for_end = 1;
				continue;
			}
			if (c->queued >= QUEUE_LIMIT) {
				c->paused = 1;
				continue;
			}
			if (c->paused) { /* read again: its silence meanwhile was ours */
				c->paused = 0;
				c->activity = t;
			}
			fds[n] = (struct pollfd){.fd = c->fd, .events = POLLIN};
			polled[n++] = c;
		}
		if (p->stopped || !running)
			break;
		int ready = poll(fds, n, waiting_for_end ? 2 : 100);
		t = now();
		for (size_t i = 0; ready > 0 && i < n; i++)
			if (fds[i].revents)
				read_child(polled[i], t);
		for (size_t i = 0; i < p->n; i++)
			watch(p, &p->children[i], t);
	}
	free(fds);
	free(polled);
}

/* ---- what the dead modules missed ---------------------------------------------- */

/*
 * Reads the trace once more for the Notify calls the dead modules would
 * have had after their death, and the events (when no child lived to say).
 */
static void count_missed(struct parent *p, struct xb_replay_summary *counted)
{
	int any = 0;
	for (size_t i = 0; i < p->n; i++)
		any |= p->children[i].died && p->children[i].ready;
	struct xb_trace *t = NULL;
	if (!any || FAILED(xb_trace_open(p->spool ? p->trace : p->opts->trace, &t, NULL)))
		return;
	int saw_shutdown = 0;
	for (size_t ordinal = 1;; ordinal++) {
		struct xb_event ev;
		HRESULT hr = xb_trace_next(t, &ev, NULL);
		if (hr == S_FALSE)
			break;
		if (hr == S_OK && SUCCEEDED(xb_event_validate(&ev, p->opts->trace, NULL))) {
			saw_shutdown |= ev.kind == EXITEVENT_SHUTDOWN;
			counted->events++;
			for (int k = 0; k < 10; k++)
				if (ev.kind == (LONG)1 << k)
					counted->events_by_kind[k]++;
			for (size_t i = 0; i < p->n; i++) {
				const struct child *c = &p->children[i];
				if (c->died && c->ready && ordinal > c->last_event && (c->mask & ev.kind) &&
				    c->last_phase <= XB_PHASE_EVENTS)
					p->run.summary->not_delivered++;
			}
		}
		xb_event_free(&ev);
		if (FAILED(hr) && !p->opts->keep_going)
			break;
	}
	counted->blank_lines = xb_trace_blank_lines(t);
	xb_trace_close(t);
	for (size_t i = 0; !saw_shutdown && i < p->n; i++) {
		const struct child *c = &p->children[i];
		if (c->died && c->ready && (c->mask & EXITEVENT_SHUTDOWN) && c->last_phase < XB_PHASE_END)
			p->run.summary->not_delivered++;
	}
}

/* The events counted: every child that ran to its end read the whole trace. */
static void sum_events(struct parent *p, const struct xb_replay_summary *counted)
{
	struct xb_replay_summary *s = p->run.summary;
	const struct xb_replay_summary *best = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (p->children[i].have_summary && (!best || p->children[i].summary.events > best->events))
			best = &p->children[i].summary;
	if (!best)
		best = counted;
	s->events = best->events;
	memcpy(s->events_by_kind, best->events_by_kind, sizeof(s->events_by_kind));
	s->blank_lines = best->blank_lines;
}

/* ---- setting up --------------------------------------------------------------- */

/* Parses --inject here, so a bad one fails before any process starts, and picks the seed they all use. */
static HRESULT prepare_inject(struct parent *p, xb_error *err)
{
	if (!p->opts->ninject)
		return S_OK;
	struct xb_injector *in;
	HRESULT hr = xb_injector_new(p->opts->inject, p->opts->ninject, &in, err);
	if (FAILED(hr))
		return hr;
	p->run.summary->inject_random = xb_injector_random(in);
	p->run.summary->inject_seed = xb_injector_seed(in);
	if (p->run.summary->inject_random) {
		p->seed = xb_injector_seed(in);
		p->have_seed = 1;
	}
	xb_injector_free(in);
	return S_OK;
}

/* A trace on standard input is copied, so every process (and the parent) can read it from the start. */
static HRESULT spool_stdin(struct parent *p, xb_error *err)
{
	if (strcmp(p->opts->trace, "-"))
		return S_OK;
	if (!(p->spool = tmpfile()))
		return xb_error_set(err, E_FAIL, 0, "cannot copy standard input: %s", strerror(errno));
	char buf[65536];
	for (;;) {
		ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return xb_error_set(err, E_FAIL, 0, "cannot read standard input: %s", strerror(errno));
		if (got == 0)
			break;
		if (fwrite(buf, 1, (size_t)got, p->spool) != (size_t)got)
			return xb_error_set(err, E_FAIL, 0, "cannot copy standard input: %s", strerror(errno));
	}
	if (fflush(p->spool))
		return xb_error_set(err, E_FAIL, 0, "cannot copy standard input: %s", strerror(errno));
	snprintf(p->trace, sizeof(p->trace), "/proc/self/fd/%d", fileno(p->spool));
	return S_OK;
}

static void free_child(struct child *c)
{
	while (c->head) {
		struct item *it = c->head;
		c->head = it->next;
		free_item(it);
	}
	while (c->calls) {
		struct call *call = c->calls;
		c->calls = call->next;
		free(call);
	}
	for (size_t i = 0; i < c->nframes; i++)
		free(c->frames[i]);
	free(c->frames);
	free(c->buf);
	json_decref(c->loaded);
	if (c->fd >= 0)
		close(c->fd);
}

HRESULT xb_isolate_run(const struct xb_replay_options *opts, const struct xb_replay_sink *sink,
		       struct xb_replay_summary *summary, xb_error *err)
{
	memset(summary, 0, sizeof(*summary));
	double start = now();
	struct parent p = {.opts = opts, .run = {.opts = opts, .sink = sink, .summary = summary}, .hr = S_OK};
	HRESULT hr = prepare_inject(&p, err);
	if (SUCCEEDED(hr))
		hr = spool_stdin(&p, err);
	if (SUCCEEDED(hr) && !(p.children = calloc(opts->nmodules + 1, sizeof(*p.children))))
		hr = E_OUTOFMEMORY;
	for (size_t i = 0; SUCCEEDED(hr) && i < opts->nmodules; i++) {
		struct child *c = &p.children[i];
		c->index = i;
		c->fd = -1;
		hr = spawn(&p, c, err);
		if (SUCCEEDED(hr))
			p.n++;
	}
	if (SUCCEEDED(hr)) {
		pump(&p, err);
		hr = p.hr;
	}
	if (SUCCEEDED(hr)) {
		struct xb_replay_summary counted = {0};
		count_missed(&p, &counted);
		sum_events(&p, &counted);
	}
	/* No orphans, no zombies: whatever still runs (after a run error) is stopped and waited for. */
	for (size_t i = 0; i < p.n; i++) {
		kill_child(&p.children[i]);
		reap(&p.children[i], 1);
		free_child(&p.children[i]);
	}
	free(p.children);
	if (p.spool)
		fclose(p.spool);
	summary->seconds = now() - start;
	return hr;
}
