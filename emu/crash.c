/*
 * Crash reports naming the call in progress (crash.h).
 *
 * Everything the signal handler reads is prepared beforehand: the call's
 * description is formatted by xb_crash_enter into thread-local buffers,
 * libgcc's unwinder is loaded by a first backtrace() at install time (its
 * first call allocates), and the handler itself uses write(2),
 * backtrace() and backtrace_symbols_fd() only.
 */
#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "crash.h"
#include "trace.h"

/* The calling thread's call in progress, ready for the handler. */
struct current {
	unsigned long seq; /* 0: no call */
	char head[1024];   /* "exitbench: module 1 (/abs/mod.so)" */
	char tail[192];    /* " in Notify while delivering certissued (event 3, trace line 5)\n" */
};

static _Thread_local struct current current;
static atomic_ulong last_seq;
static const struct xb_crash_hooks *_Atomic hooks;

/* A stack of its own for the handler, so that a stack overflow is reported too (main thread). */
static char altstack[64 * 1024];

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static const struct {
	int sig;
	const char *name;
} signal_names[] = {
	{SIGSEGV, "Segmentation fault"}, {SIGBUS, "Bus error"},     {SIGFPE, "Floating point exception"},
	{SIGILL, "Illegal instruction"},  {SIGABRT, "Aborted"},      {SIGKILL, "Killed"},
	{SIGTERM, "Terminated"},          {SIGINT, "Interrupt"},     {SIGQUIT, "Quit"},
	{SIGALRM, "Alarm clock"},         {SIGPIPE, "Broken pipe"}, {SIGTRAP, "Trace/breakpoint trap"},
	{SIGSYS, "Bad system call"},      {SIGXCPU, "CPU time limit exceeded"},
	{SIGHUP, "Hangup"},               {SIGUSR1, "User defined signal 1"},
	{SIGUSR2, "User defined signal 2"},
};

const char *xb_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (signal_names[i].sig == sig)
			return signal_names[i].name;
	return NULL;
}

void xb_crash_write(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* n in decimal into buf (at least 24 bytes); returns the start of the digits. */
static char *ulong_text(unsigned long n, char buf[24])
{
	char *p = buf + 23;
	*p = 0;
	do
		*--p = (char)('0' + n % 10);
	while (n /= 10);
	return p;
}

void xb_crash_write_ulong(int fd, unsigned long n)
{
	char buf[24];
	xb_crash_write(fd, ulong_text(n, buf));
}

/* ---- the description, built without printf (it runs before every call) ---- */

struct out {
	char *p, *end;
};

static void put(struct out *o, const char *s)
{
	while (*s && o->p < o->end - 1)
		*o->p++ = *s++;
	*o->p = 0;
}

static void put_ulong(struct out *o, unsigned long n)
{
	char buf[24];
	put(o, ulong_text(n, buf));
}

static void put_kind(struct out *o, LONG kind)
{
	const char *name = xb_event_kind_name(kind);
	if (name) {
		put(o, name);
		return;
	}
	char hex[16], *p = hex + sizeof(hex) - 1;
	unsigned long v = (ULONG)kind;
	*p = 0;
	do
		*--p = "0123456789ABCDEF"[v & 15];
	while (v >>= 4);
	put(o, "event 0x");
	put(o, p);
}

static void describe(const struct xb_call *call)
{
	struct out head = {current.head, current.head + sizeof(current.head)};
	put(&head, "exitbench: module ");
	put_ulong(&head, (unsigned long)call->module + 1);
	put(&head, " (");
	put(&head, call->path ? call->path : "no library");
	if (head.p == head.end - 1) /* a path too long for the buffer: say it was cut */
		memcpy(head.end - 5, "...", 4);
	put(&head, ")");

	struct out tail = {current.tail, current.tail + sizeof(current.tail)};
	const char *m = call->method;
	if (!strcmp(m, XB_CALL_LOAD)) {
		put(&tail, " while loading it (DllRegisterServer, DllGetClassObject or the class factory)");
	} else if (!strcmp(m, XB_CALL_UNLOAD)) {
		put(&tail, " in the final Release");
	} else if (!strcmp(m, XB_CALL_NOTIFY)) {
		put(&tail, " in Notify while delivering ");
		put_kind(&tail, call->kind);
		if (call->event) {
			put(&tail, " (event ");
			put_ulong(&tail, (unsigned long)call->event);
			put(&tail, ", trace line ");
			put_ulong(&tail, (unsigned long)call->line);
			put(&tail, ")");
		} else {
			put(&tail, " (at the end of the trace)");
		}
	} else {
		put(&tail, " in ");
		put(&tail, m);
	}
	put(&tail, "\n");
}

unsigned long xb_crash_enter(const struct xb_call *call)
{
	unsigned long seq = atomic_fetch_add_explicit(&last_seq, 1, memory_order_relaxed) + 1;
	describe(call);
	/* The handler may run on this thread at any moment from here: the text first, then the number. */
	atomic_signal_fence(memory_order_seq_cst);
	current.seq = seq;
	atomic_signal_fence(memory_order_seq_cst);
	const struct xb_crash_hooks *h = atomic_load(&hooks);
	if (h && h->enter)
		h->enter(h->ctx, seq, call);
	return seq;
}

void xb_crash_leave(void)
{
	const struct xb_crash_hooks *h = atomic_load(&hooks);
	if (h && h->leave)
		h->leave(h->ctx, current.seq);
	atomic_signal_fence(memory_order_seq_cst);
	current.seq = 0;
	atomic_signal_fence(memory_order_seq_cst);
}

unsigned long xb_crash_current(void)
{
	return current.seq;
}

void xb_crash_set_hooks(const struct xb_crash_hooks *h)
{
	atomic_store(&hooks, h);
}

/* ---- the handler ---------------------------------------------------------- */

static void report(int sig, void *const *frames, int n)
{
	int fd = STDERR_FILENO;
	const char *name = xb_signal_name(sig);
	if (current.seq) {
		xb_crash_write(fd, current.head);
		xb_crash_write(fd, " crashed with signal ");
	} else {
		xb_crash_write(fd, "exitbench: crashed with signal ");
	}
	xb_crash_write_ulong(fd, (unsigned long)sig);
	xb_crash_write(fd, " (");
	xb_crash_write(fd, name ? name : "unknown");
	xb_crash_write(fd, ")");
	xb_crash_write(fd, current.seq ? current.tail : " outside any call into a module\n");
	if (n > 0) {
		xb_crash_write(fd, "backtrace:\n");
		backtrace_symbols_fd(frames, n, fd);
	}
}

static void on_crash(int sig, siginfo_t *info, void *uc)
{
	(void)info;
	(void)uc;
	/* The unwinder may wait for a lock the crash left held: do not let that hang the process. */
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGALRM, &dfl, NULL);
	alarm(10);
	void *frames[64];
	int n = backtrace(frames, 64);
	int skip = n > 1 ? 1 : 0; /* this handler */
	const struct xb_crash_hooks *h = atomic_load(&hooks);
	if (h && h->crashed)
		h->crashed(sig, current.seq, frames + skip, n - skip);
	else
		report(sig, frames + skip, n - skip);
	/* Die by the same signal: pending until this handler returns, then the default action. */
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

void xb_crash_install(void)
{
	void *warm[2];
	backtrace(warm, 2); /* loads the unwinder now: its first use allocates */
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	sigaltstack(&ss, NULL);
	struct sigaction sa = {.sa_sigaction = on_crash, .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++) {
		/* A handler someone else put there first (a sanitizer's, a debugger's) says more: keep it. */
		struct sigaction old;
		if (sigaction(crash_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_DFL &&
		    !((old.sa_flags & SA_SIGINFO) && old.sa_sigaction == on_crash))
			continue;
		sigaction(crash_signals[i], &sa, NULL);
	}
}
