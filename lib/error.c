/*
 * The error record (include/exitbench/error.h). The first error wins
 * because the first is the cause; whatever a parser trips over afterwards
 * is usually a consequence of it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exitbench/error.h"
#include "exitbench/winerror.h"

/* Copies with truncation and always terminates, unlike strncpy. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

XB_EXPORT void xb_error_init(xb_error *err, const char *source)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->code = S_OK;
	copy_text(err->source, sizeof(err->source), source);
}

XB_EXPORT HRESULT xb_error_set(xb_error *err, HRESULT code, size_t position, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != S_OK)
		return code;
	err->code = code;
	err->position = position;
	err->line = 0;
	err->column = 0;
	err->text[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return code;
}
