/*
 * What the two sides of isolation share (isolate.c: the parent;
 * isolate_child.c: a module's process; isolate_wire.c: the lines between
 * them). Not for use outside emu/isolate*.c.
 *
 * The child writes one JSON object a line to its pipe, in this order:
 *
 *   {"start": CALL}            a call into the module begins (CALL: seq, method,
 *                              event, line, kind, context; Initialize's also
 *                              "loaded": the module as known so far)
 *   {"end": SEQ}               it returned
 *   {"ready": INFO}            the sink's module_ready
 *   {"record": RECORD}         the sink's notification
 *   {"skipped": ERROR}         the sink's skipped
 *   {"fatal": ERROR, "phase": P, "pos": N}   the run stopped (its last line)
 *   {"summary": SUMMARY}       the run ended (its last line)
 *
 * and, from a signal handler, {"crashed": SIGNAL, "seq": SEQ} or
 * {"hung": MS, "seq": SEQ}, each followed by the backtrace as text, one
 * frame a line, until the pipe ends.
 */
#ifndef XB_EMU_ISOLATE_PRIVATE_H
#define XB_EMU_ISOLATE_PRIVATE_H

#include <sys/types.h>

#include <jansson.h>

#include "crash.h"
#include "isolate.h"

/* Where an item goes in the merged report: (phase, pos), then module order. */
enum xb_isolate_phase {
	XB_PHASE_START,  /* pos: the module's index (load, module_ready, Initialize) */
	XB_PHASE_EVENTS, /* pos: the event's trace line */
	XB_PHASE_END,    /* the shutdown sent at the end of a trace without one */
	XB_PHASE_UNLOAD, /* the final Release */
};

/*
 * Runs module index of opts in this (forked) process, writing to fd; never
 * returns. stdin_fd (or -1): the parent's copy of a trace read from
 * standard input. seed (or NULL): the --inject seed all processes share.
 */
void xb_isolate_child(const struct xb_replay_options *opts, size_t index, int fd, int stdin_fd, pid_t parent,
		      const uint64_t *seed) __attribute__((noreturn));

/* ---- the lines (isolate_wire.c); every *_to_json returns a new reference or NULL ---- */

json_t *xb_wire_call(unsigned long seq, const struct xb_call *call);
json_t *xb_wire_info(const struct xb_module_info *info);
json_t *xb_wire_record(const struct xb_notification *n);
json_t *xb_wire_error(HRESULT hr, const xb_error *err);
json_t *xb_wire_summary(const struct xb_replay_summary *s);

/* A module's info read back: info's strings borrow from json. */
struct xb_wire_info {
	json_t *json;
	const char **warnings;
	struct xb_module_info info;
};
/* Reads o (borrowed; a reference is kept) into *out; 0, or -1 when it is not an info object. */
int xb_wire_info_read(json_t *o, struct xb_wire_info *out);
void xb_wire_info_free(struct xb_wire_info *w);
/* Reads a record into *n (lines malloc'd, method static); 0 or -1. */
int xb_wire_record_read(json_t *o, struct xb_notification *n);
/* Reads an error; returns its HRESULT. */
HRESULT xb_wire_error_read(json_t *o, xb_error *err);
void xb_wire_summary_read(json_t *o, struct xb_replay_summary *s);
/* The static method name ("Initialize", "Notify", "Unload", "load") for text, or NULL. */
const char *xb_wire_method(const char *text);

#endif
