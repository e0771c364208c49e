/*
 * Replaying a trace against exit modules, as a CA would have delivered it:
 * every module is loaded and initialized, each event goes to every module
 * whose mask has it, one after another, then EXITEVENT_SHUTDOWN (unless the
 * trace ended with one) and the final Release. Every module x event gives
 * one result record (struct xb_notification), handed to the caller's sink
 * as it happens, so a reporter can stream it.
 */
#ifndef XB_EMU_REPLAY_H
#define XB_EMU_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "exitbench.h"
#include "loader.h"

/* One configuration value for a module's registry key (exitbench replay --set). */
struct xb_setting {
	char *name;
	DWORD type;          /* REG_SZ, REG_DWORD or REG_MULTI_SZ */
	char *text;          /* REG_SZ; REG_MULTI_SZ with ';' between strings */
	DWORD dword;         /* REG_DWORD */
};

/*
 * Parses NAME=VALUE, NAME:dword=N or NAME:multi=a;b into *out (free with
 * xb_setting_free). E_INVALIDARG with err saying what is wrong.
 */
HRESULT xb_setting_parse(const char *text, struct xb_setting *out, xb_error *err);
void xb_setting_free(struct xb_setting *s);
/* Creates HKLM\<key_path> and writes the settings as values there. */
HRESULT xb_settings_write(const char *key_path, const struct xb_setting *settings, size_t n, xb_error *err);

struct xb_replay_module {
	struct xb_module_spec spec;
	const struct xb_setting *settings;
	size_t nsettings;
};

struct xb_replay_options {
	const char *trace;            /* path, or "-" for standard input */
	const struct xb_replay_module *modules;
	size_t nmodules;
	const char *config;           /* Initialize's strConfig; NULL: the trace's */
	int keep_going;               /* count, report and skip malformed events instead of stopping */
	const char *const *inject;    /* fault injection specifications (inject.h) */
	size_t ninject;
	int inject_seeded;            /* draw random= from inject_seed, whatever the specifications say */
	uint64_t inject_seed;         /* (an isolated module's process: the parent's seed, the one reported) */
	unsigned jobs;                /* deliver events from this many threads at once (0, 1: one at a time) */
	int isolate;                  /* each module in a child process of its own (docs/harness.md, isolate.h) */
	unsigned timeout_ms;          /* bound on each call into a module, 0: none; implies isolate */
	size_t only_module;           /* 1-based: load and deliver to this module only (the others are left out); 0: all */
};

/* What the CA noticed one module do with one event (or with Initialize, or at unload). */
struct xb_notification {
	size_t module;        /* index in options.modules */
	const char *method;   /* "Initialize", "Notify" or "Unload" */
	size_t event;         /* 1-based ordinal among the trace's events; 0 for Initialize and Unload */
	size_t line;          /* the event's trace line; 0 when it is not from the trace */
	LONG kind;            /* EXITEVENT_* bit, 0 for Initialize and Unload */
	LONG context;         /* what Notify was given */
	HRESULT hr;           /* what the module returned */
	double seconds;       /* time inside the module */
	size_t calls;         /* ICertServerExit calls made meanwhile */
	char **violations;    /* contract violations, one line each */
	size_t nviolations;
	char **warnings;      /* not failures unless strict */
	size_t nwarnings;
	char **injected;      /* faults the engine injected into the module's calls (--inject) */
	size_t ninjected;
	char **backtrace;     /* where an isolated module crashed or hung, one frame a line (isolate.h) */
	size_t nbacktrace;
};

/* Where results go. Every callback is optional. */
struct xb_replay_sink {
	void *ctx;
	/* A module is loaded and initialized (or failed to, see the record); m is borrowed for the call. */
	void (*module_ready)(void *ctx, size_t module, const struct xb_module_info *m);
	void (*notification)(void *ctx, const struct xb_notification *n);
	/* A malformed event skipped under keep_going. */
	void (*skipped)(void *ctx, const xb_error *err);
};

struct xb_replay_summary {
	size_t events;                 /* events read from the trace and delivered */
	size_t events_by_kind[10];     /* index: bit number of the EXITEVENT_* kind */
	size_t notifications;          /* Notify calls made */
	size_t failures;               /* Initialize/Notify calls that returned a failure */
	size_t violations;
	size_t warnings;
	size_t skipped;                /* malformed events skipped (keep_going) */
	size_t blank_lines;
	double seconds;                /* wall time of the whole replay */
	size_t injected;               /* faults injected */
	int inject_random;             /* a random= rule was given: seed says how to repeat the run */
	uint64_t inject_seed;
	size_t not_delivered;          /* Notify calls not made because the module's process had died (isolate) */
};

/*
 * Runs the replay. Returns S_OK when it ran to the end (whatever the
 * modules did; the summary says), or a failure with err filled when it
 * could not: a trace or module that cannot be read or loaded, a malformed
 * event without keep_going, bad options. With opts->isolate or
 * opts->timeout_ms, every module runs in a child process of its own
 * (isolate.h): the calling process must not have other threads then.
 */
HRESULT xb_replay_run(const struct xb_replay_options *opts, const struct xb_replay_sink *sink,
		      struct xb_replay_summary *summary, xb_error *err);

/* The registry key (below HKLM) of a module's configuration: ...\Configuration\<ca>\ExitModules\<name>. New string. */
char *xb_module_registry_key(const char *ca_name, const char *module_name);

#endif
