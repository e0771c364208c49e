/*
 * Reading exitbench traces: JSON Lines, one header line then one event per
 * line, streamed (one line in memory at a time). docs/trace-format.md and
 * exitbench-trace(5) describe the format.
 *
 * Errors name the file, line and column, and the property where one is at
 * fault; a bad line stops the reading (the first error wins). Blank lines
 * are allowed and counted, never silently dropped.
 */
#ifndef XB_EMU_TRACE_H
#define XB_EMU_TRACE_H

#include <stdio.h>

#include "props.h"

#define XB_TRACE_FORMAT "exitbench-trace"
#define XB_TRACE_VERSION 1

/* One CA event as the trace gives it (derived values come later, lazily). */
struct xb_event {
	LONG kind;               /* one EXITEVENT_* bit */
	size_t line;             /* where it stands in the trace */
	struct xb_props request; /* GetRequestProperty */
	struct xb_props cert;    /* GetCertificateProperty */
	struct xb_props attrs;   /* GetRequestAttribute: strings only */
	struct xb_exts exts;     /* GetCertificateExtension */
	struct xb_props ca;      /* context-0 properties that change from this event on (a new CRL...) */
	int derived;             /* derivation from Raw* values done (see event.h) */
};

void xb_event_free(struct xb_event *ev);

/* The EXITEVENT_* bit of a trace event name ("issued", "crlissued"...), or 0. */
LONG xb_event_kind_from_name(const char *name);
/* The trace name of an EXITEVENT_* bit, or NULL. */
const char *xb_event_kind_name(LONG kind);

struct xb_trace;

/*
 * Opens a trace file ("-" for standard input) and reads its header.
 * *out is new (xb_trace_close it). Returns S_OK, or a failure with err
 * filled: HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) and the like for I/O,
 * HRESULT_FROM_WIN32(ERROR_INVALID_DATA) for content.
 */
HRESULT xb_trace_open(const char *path, struct xb_trace **out, xb_error *err);
/* The same over an open stream, named source in messages; the stream stays the caller's. */
HRESULT xb_trace_open_stream(FILE *in, const char *source, struct xb_trace **out, xb_error *err);

/* The header's Initialize configuration string (the CA name). Borrowed. */
const char *xb_trace_config(const struct xb_trace *t);
/* The header's CA (context-0) properties. Borrowed. */
const struct xb_props *xb_trace_ca(const struct xb_trace *t);

/*
 * Reads the next event into ev (which the caller frees with
 * xb_event_free). S_OK with an event, S_FALSE at the end, a failure with
 * err filled.
 */
HRESULT xb_trace_next(struct xb_trace *t, struct xb_event *ev, xb_error *err);

/* Lines read so far, and how many of them were blank. */
size_t xb_trace_lines(const struct xb_trace *t);
size_t xb_trace_blank_lines(const struct xb_trace *t);

void xb_trace_close(struct xb_trace *t);

#endif
