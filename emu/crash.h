/*
 * Naming the call in progress when a module crashes.
 *
 * Before each call into a module's code the replay describes it
 * (xb_crash_enter): which module, which method, which event and trace
 * line. The description is preformatted into a thread-local buffer, so a
 * signal handler can print it with write(2) alone. xb_crash_install puts
 * that handler on SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT: it writes
 *
 *   exitbench: module 1 (/abs/mod.so) crashed with signal 11 (Segmentation
 *   fault) in Notify while delivering certissued (event 3, trace line 5)
 *
 * and the thread's backtrace to standard error, then dies by the same
 * signal (default action restored and the signal raised again), so the
 * exit status still says what happened.
 *
 * Isolation (isolate.h) installs hooks: told of every call as it starts
 * and ends (to tell the parent process and arm a timer), and, in the
 * signal handler, given the crash to report instead of the message.
 */
#ifndef XB_EMU_CRASH_H
#define XB_EMU_CRASH_H

#include <stddef.h>

#include "exitbench.h"
#include "loader.h"

/* The methods of struct xb_call. */
#define XB_CALL_LOAD "load" /* DllRegisterServer, DllGetClassObject, the class factory */
#define XB_CALL_INITIALIZE "Initialize"
#define XB_CALL_NOTIFY "Notify"
#define XB_CALL_UNLOAD "Unload" /* the final Release, DllCanUnloadNow */

/* A call into a module's code. Everything borrowed for the call. */
struct xb_call {
	size_t module;                  /* 0-based, in the replay's module order */
	const char *path;               /* the module file */
	const char *method;             /* XB_CALL_* */
	LONG kind;                      /* Notify: the EXITEVENT_* kind */
	size_t event, line;             /* Notify: ordinal and trace line; 0 for the end-of-trace shutdown */
	LONG context;                   /* Notify: the context it is given */
	const struct xb_module *loaded; /* Initialize: the module (isolation reports what was known of it) */
};

/*
 * Installs the crash handlers (and an alternate signal stack for the
 * calling thread, so a stack overflow is reported too). Idempotent; call
 * once from the program's main thread, before any module is loaded.
 */
void xb_crash_install(void);

/*
 * The calling thread is about to call into a module: describes the call for
 * the crash handler (and the hooks). Returns the call's sequence number
 * (never 0, unique in the process). Cheap: no allocation, no lock.
 */
unsigned long xb_crash_enter(const struct xb_call *call);
/* The call has returned. */
void xb_crash_leave(void);

/* The calling thread's call in progress (its sequence number), 0 when none. Async-signal-safe. */
unsigned long xb_crash_current(void);

struct xb_crash_hooks {
	void *ctx;
	/* After the description is set / before it is cleared; normal context. Optional. */
	void (*enter)(void *ctx, unsigned long seq, const struct xb_call *call);
	void (*leave)(void *ctx, unsigned long seq);
	/*
	 * In the signal handler, instead of the message on standard error:
	 * the signal, the crashing thread's call (0: none) and its backtrace.
	 * Async-signal-safe code only. Optional.
	 */
	void (*crashed)(int sig, unsigned long seq, void *const *frames, int nframes);
};
/* Sets the hooks (NULL: none); borrowed until replaced. Set before any call is entered. */
void xb_crash_set_hooks(const struct xb_crash_hooks *hooks);

/* The signal's name as strsignal(3) says it ("Segmentation fault"), or NULL. Async-signal-safe. */
const char *xb_signal_name(int sig);

/* write(2) all of s / n in decimal to fd, retrying on EINTR. Async-signal-safe. */
void xb_crash_write(int fd, const char *s);
void xb_crash_write_ulong(int fd, unsigned long n);

#endif
