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

XB_EXPORT void xb_error_set_source(xb_error *err, const char *source)
{
	static const char ellipsis[] = "...";
	size_t n = source ? strlen(source) : 0;

	if (!err)
		return;
	if (n < sizeof(err->source)) {
		memcpy(err->source, source ? source : "", n + 1);
		return;
	}
	size_t keep = sizeof(err->source) - sizeof(ellipsis); /* room left after "..." and the NUL */
	memcpy(err->source, ellipsis, sizeof(ellipsis) - 1);
	memcpy(err->source + sizeof(ellipsis) - 1, source + n - keep, keep + 1);
}

XB_EXPORT void xb_error_init(xb_error *err, const char *source)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->code = S_OK;
	xb_error_set_source(err, source);
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
