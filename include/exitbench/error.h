/*
 * The error record that parsers and loaders fill in (after jansson's
 * json_error_t): what went wrong and exactly where. Callers pass an optional
 * xb_error; the first error wins, later ones do not overwrite it.
 */
#ifndef XB_INCLUDE_EXITBENCH_ERROR_H
#define XB_INCLUDE_EXITBENCH_ERROR_H

#include <stddef.h>
#include "exitbench/wintypes.h"

XB_BEGIN_DECLS

#define XB_ERROR_SOURCE_LENGTH 256
#define XB_ERROR_TEXT_LENGTH 192

typedef struct xb_error {
	HRESULT code;       /* S_OK while no error has been recorded */
	int line;           /* 1-based line, 0 when the input has no lines */
	int column;         /* 1-based column in bytes, 0 when unknown */
	size_t position;    /* byte offset from the start of the input */
	char source[XB_ERROR_SOURCE_LENGTH]; /* file name, "<string>", property name... */
	char text[XB_ERROR_TEXT_LENGTH];     /* what is wrong, for a person */
} xb_error;

/* Resets err to "no error" (code S_OK, empty strings). NULL is ignored. */
XB_EXPORT void xb_error_init(xb_error *err, const char *source);

/*
 * Sets err->source. A source too long for the field keeps its end behind
 * "...", because the end of a path (the file name) is what tells a reader
 * where to look. NULL err is ignored; NULL source is "".
 */
XB_EXPORT void xb_error_set_source(xb_error *err, const char *source);

/*
 * Records an error unless one is already recorded (first error wins):
 * code, position, the printf-formatted text (truncated to fit), and line
 * and column reset to 0. A caller that knows the line and column fills
 * them in itself afterwards, only when err->code was S_OK before the call
 * (otherwise they would overwrite the first error's). NULL err is
 * ignored. Returns code, so a caller can write `return xb_error_set(err, ...);`.
 */
XB_EXPORT HRESULT xb_error_set(xb_error *err, HRESULT code, size_t position, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

XB_END_DECLS

#endif
