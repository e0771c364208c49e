/*
 * An isolated module's process (isolate.h): replays the trace for its one
 * module and tells the parent everything over its pipe (the lines are
 * described in isolate_private.h).
 *
 * A timeout is a per-thread POSIX timer armed around each call into the
 * module and aimed (SIGEV_THREAD_ID) at the calling thread, so its SIGALRM
 * handler runs on the hung thread and can take that thread's backtrace.
 */
#define _GNU_SOURCE /* gettid, SIGEV_THREAD_ID */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "isolate_private.h"

#ifndef sigev_notify_thread_id
# define sigev_notify_thread_id _sigev_un._tid
#endif

/* The process's one pipe and what the run told it so far. */
static struct {
	int fd;
	size_t index;
	unsigned timeout_ms;
	int ready;          /* module_ready was sent */
	size_t last_line;   /* the last trace line a record or skip was sent for */
	pthread_mutex_t lock;
} child = {.fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

/* Set while a line is being written, so a signal handler can wait for its end. */
static atomic_int writing;

/* The calling thread's timer, created on its first call. */
static _Thread_local timer_t call_timer;
static _Thread_local int have_timer;
static _Thread_local struct timespec call_started;

static void write_all(const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(child.fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3); /* the parent is gone: nobody to report to */
		p += n;
		len -= (size_t)n;
	}
}

/* Writes {key: value} as one line (takes value's reference). */
static void send(const char *key, json_t *value)
{
	json_t *o = json_object();
	if (!o || !value || json_object_set_new(o, key, value)) {
		json_decref(o);
		return;
	}
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return;
	size_t len = strlen(text);
	text[len] = '\n'; /* over the terminator: written by length */
	pthread_mutex_lock(&child.lock);
	atomic_store(&writing, 1);
	write_all(text, len + 1);
	atomic_store(&writing, 0);
	pthread_mutex_unlock(&child.lock);
	free(text);
}

/* From a signal handler: let a line being written finish (briefly), then start on a line of our own. */
static void handler_begin(void)
{
	struct timespec ms = {0, 1000000};
	for (int i = 0; i < 200 && atomic_load(&writing); i++)
		nanosleep(&ms, NULL);
	xb_crash_write(child.fd, "\n");
}

/* ---- the crash hooks -------------------------------------------------------- */

static void arm(void)
{
	if (!have_timer) {
		struct sigevent sev;
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGALRM;
		sev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &call_timer))
			return; /* no timer: the parent's own deadline still stops the call */
		have_timer = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &call_started);
	struct itimerspec when = {.it_value = {child.timeout_ms / 1000, (long)(child.timeout_ms % 1000) * 1000000}};
	timer_settime(call_timer, 0, &when, NULL);
}

static void disarm(void)
{
	struct itimerspec never = {{0, 0}, {0, 0}};
	if (have_timer)
		timer_settime(call_timer, 0, &never, NULL);
}

static void on_enter(void *ctx, unsigned long seq, const struct xb_call *call)
{
	(void)ctx;
	json_t *o = xb_wire_call(seq, call);
	struct timespec at;
	clock_gettime(CLOCK_MONOTONIC, &at); /* one clock for every process: the parent times a call that never returns */
	if (o)
		json_object_set_new(o, "at", json_real((double)at.tv_sec + (double)at.tv_nsec / 1e9));
	if (o && call->loaded) {
		struct xb_module_info info;
		xb_module_get_info(call->loaded, &info);
		json_object_set_new(o, "loaded", xb_wire_info(&info));
	}
	send("start", o);
	if (child.timeout_ms)
		arm();
}

static void on_leave(void *ctx, unsigned long seq)
{
	(void)ctx;
	if (child.timeout_ms)
		disarm();
	send("end", json_integer((json_int_t)seq));
}

static void on_crashed(int sig, unsigned long seq, void *const *frames, int n)
{
	handler_begin();
	xb_crash_write(child.fd, "{\"crashed\":");
	xb_crash_write_ulong(child.fd, (unsigned long)sig);
	xb_crash_write(child.fd, ",\"seq\":");
	xb_crash_write_ulong(child.fd, seq);
	xb_crash_write(child.fd, "}\n");
	if (n > 0)
		backtrace_symbols_fd(frames, n, child.fd);
}

static const struct xb_crash_hooks hooks = {NULL, on_enter, on_leave, on_crashed};

/* The timer of a call that has not returned: report where the thread is, and end the process. */
static void on_alarm(int sig, siginfo_t *info, void *uc)
{
	(void)sig, (void)info, (void)uc;
	unsigned long seq = xb_crash_current();
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long elapsed = (now.tv_sec - call_started.tv_sec) * 1000LL + (now.tv_nsec - call_started.tv_nsec) / 1000000;
	if (!seq || elapsed < (long long)child.timeout_ms)
		return; /* the expiry of a call that has just returned */
	void *frames[64];
	int n = backtrace(frames, 64);
	handler_begin();
	xb_crash_write(child.fd, "{\"hung\":");
	xb_crash_write_ulong(child.fd, child.timeout_ms);
	xb_crash_write(child.fd, ",\"seq\":");
	xb_crash_write_ulong(child.fd, seq);
	xb_crash_write(child.fd, "}\n");
	if (n > 1)
		backtrace_symbols_fd(frames + 1, n - 1, child.fd);
	_exit(4);
}

/* ---- the sink ------------------------------------------------------------ */

static void on_ready(void *ctx, size_t i, const struct xb_module_info *m)
{
	(void)ctx, (void)i;
	child.ready = 1;
	send("ready", xb_wire_info(m));
}

static void on_record(void *ctx, const struct xb_notification *n)
{
	(void)ctx;
	if (!strcmp(n->method, XB_CALL_NOTIFY) && n->event && n->line > child.last_line)
		child.last_line = n->line;
	send("record", xb_wire_record(n));
}

static void on_skipped(void *ctx, const xb_error *err)
{
	(void)ctx;
	if (err->line > 0 && (size_t)err->line > child.last_line)
		child.last_line = (size_t)err->line;
	send("skipped", xb_wire_error(HRESULT_FROM_WIN32(ERROR_INVALID_DATA), err));
}

/* The run stopped: where its error goes in the merged report (before or after which records). */
static void send_fatal(HRESULT hr, const xb_error *err)
{
	json_t *e = xb_wire_error(hr, err);
	int phase = child.ready ? XB_PHASE_EVENTS : XB_PHASE_START;
	size_t pos = !child.ready ? child.index : err->line > 0 && (size_t)err->line > child.last_line ? (size_t)err->line
												  : child.last_line;
	json_t *o = json_pack("{s:o, s:i, s:I}", "fatal", e, "phase", phase, "pos", (json_int_t)pos);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text) {
		size_t len = strlen(text);
		text[len] = '\n';
		pthread_mutex_lock(&child.lock);
		write_all(text, len + 1);
		pthread_mutex_unlock(&child.lock);
		free(text);
	}
}

void xb_isolate_child(const struct xb_replay_options *opts, size_t index, int fd, int stdin_fd, pid_t parent,
		      const uint64_t *seed)
{
	/* No orphans: if the replay dies, so does this process. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(5);
	/* A crash is reported by the parent; a core file per crash would only litter. */
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	if (stdin_fd >= 0) {
		/* The parent's copy of standard input, opened afresh so each process reads it from the start. */
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", stdin_fd);
		int in = open(path, O_RDONLY);
		if (in < 0 || dup2(in, STDIN_FILENO) < 0)
			_exit(6);
		close(in);
		close(stdin_fd);
	}
	child.fd = fd;
	child.index = index;
	child.timeout_ms = opts->timeout_ms;
	xb_crash_install();
	xb_crash_set_hooks(&hooks);
	if (opts->timeout_ms) {
		struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO | SA_RESTART};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
	}

	struct xb_replay_options mine = *opts;
	mine.isolate = 0;
	mine.timeout_ms = 0;
	mine.only_module = index + 1;
	if (seed) { /* every module's process draws from the parent's seed, the one the report prints */
		mine.inject_seeded = 1;
		mine.inject_seed = *seed;
	}
	struct xb_replay_sink sink = {NULL, on_ready, on_record, on_skipped};
	struct xb_replay_summary summary;
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_replay_run(&mine, &sink, &summary, &err);
	if (FAILED(hr))
		send_fatal(hr, &err);
	else
		send("summary", xb_wire_summary(&summary));
	xb_crash_set_hooks(NULL);
	fflush(stdout); /* what the module printed; the parent's buffers were empty at the fork */
	fflush(stderr);
	_exit(0);
}
