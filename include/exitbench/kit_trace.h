/*
 * Trace lines: a small JSON writer for the exitbench trace format
 * (docs/trace-format.md), part of the module kit so that a module can
 * write what the engine reads, on Linux and inside a Windows DLL, without
 * a JSON library.
 *
 * A line is built call by call and handed out whole, ready for one write:
 *
 *   xb_kit_trace_line *line;
 *   xb_kit_trace_line_new(&line);
 *   xb_kit_trace_begin_object(line, NULL);
 *   xb_kit_trace_put_string(line, "event", "certissued", XB_NUL_TERMINATED);
 *   xb_kit_trace_begin_object(line, "request");
 *   xb_kit_trace_put_long(line, "RequestID", 42);
 *   xb_kit_trace_end(line);
 *   xb_kit_trace_end(line);
 *   hr = xb_kit_trace_finish(line, &text, &len);  // {"event": "certissued", "request": {"RequestID": 42}}\n
 *   xb_kit_trace_line_free(line);
 *
 * Values take the trace's typed forms: a LONG is an integer, a string a
 * JSON string (UTF-8, escaped), a DATE {"date": "<RFC 3339 UTC>"} with
 * milliseconds when they are not zero, bytes {"base64": "..."} (RFC 4648,
 * padded). Keys are given inside objects and NULL inside arrays and at the
 * top.
 *
 * Errors: a value that cannot be written (text that is not UTF-8, a DATE
 * outside 0100..9999) is refused with its HRESULT and leaves the line as it
 * was, so the caller can skip it. Running out of memory or a call out of
 * place (a key missing or extra, end with nothing open, a second top-level
 * value) is sticky: every later call returns it, finish included.
 */
#ifndef XB_INCLUDE_EXITBENCH_KIT_TRACE_H
#define XB_INCLUDE_EXITBENCH_KIT_TRACE_H

#include <stddef.h>

#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"

XB_BEGIN_DECLS

/* The header's "format" and "version", as the engine's reader expects them. */
#define XB_KIT_TRACE_FORMAT "exitbench-trace"
#define XB_KIT_TRACE_VERSION 1

/* Objects and arrays nest at most this deep (a trace line needs 4). */
#define XB_KIT_TRACE_MAX_DEPTH 8

/* One line being built (opaque). */
typedef struct xb_kit_trace_line xb_kit_trace_line;

/* A new, empty line in *out (free it with xb_kit_trace_line_free). S_OK, E_POINTER or E_OUTOFMEMORY. */
XB_EXPORT HRESULT xb_kit_trace_line_new(xb_kit_trace_line **out);
/* Frees the line and its text. NULL is ignored. */
XB_EXPORT void xb_kit_trace_line_free(xb_kit_trace_line *line);
/* Empties the line (and forgets a sticky error) to build another one. */
XB_EXPORT void xb_kit_trace_reset(xb_kit_trace_line *line);

/* Opens an object or an array, under key in an object. */
XB_EXPORT HRESULT xb_kit_trace_begin_object(xb_kit_trace_line *line, const char *key);
XB_EXPORT HRESULT xb_kit_trace_begin_array(xb_kit_trace_line *line, const char *key);
/* Closes the innermost object or array. */
XB_EXPORT HRESULT xb_kit_trace_end(xb_kit_trace_line *line);
/*
 * Closes it too, but when it holds nothing removes it with its key, so
 * that a section with no values is left out rather than written as {}.
 */
XB_EXPORT HRESULT xb_kit_trace_end_or_drop(xb_kit_trace_line *line);

/* A PROPTYPE_LONG value: an integer. */
XB_EXPORT HRESULT xb_kit_trace_put_long(xb_kit_trace_line *line, const char *key, LONG value);
/*
 * A PROPTYPE_STRING value: len bytes of UTF-8 (XB_NUL_TERMINATED: up to
 * the NUL) as a JSON string; HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION)
 * when the bytes (or the key) are not UTF-8.
 */
XB_EXPORT HRESULT xb_kit_trace_put_string(xb_kit_trace_line *line, const char *key, const char *utf8, size_t len);
/* A PROPTYPE_DATE value: {"date": "..."}; E_INVALIDARG for a DATE outside 0100-01-01..9999-12-31. */
XB_EXPORT HRESULT xb_kit_trace_put_date(xb_kit_trace_line *line, const char *key, DATE value);
/* A PROPTYPE_BINARY value: {"base64": "..."} of len bytes (bytes may be NULL when len is 0). */
XB_EXPORT HRESULT xb_kit_trace_put_binary(xb_kit_trace_line *line, const char *key, const void *bytes, size_t len);

/*
 * Ends the line with "\n" and gives its text (borrowed: valid until the
 * next call on the line) and length. S_OK, the sticky error, or
 * E_UNEXPECTED when no value or an unclosed one was written. The line
 * then takes no more values until xb_kit_trace_reset.
 */
XB_EXPORT HRESULT xb_kit_trace_finish(xb_kit_trace_line *line, const char **text, size_t *len);

/*
 * The trace's name of an EXITEVENT_* bit ("certissued", ..., "certimported"),
 * or NULL for anything else. Static.
 */
XB_EXPORT const char *xb_kit_trace_event_name(LONG event);

XB_END_DECLS

#endif
