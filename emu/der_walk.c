/* DER walks with errors that say what and where (der_walk.h). */
#include <stdio.h>

#include "der_walk.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

HRESULT der_walk_vfail(const struct der_walk *w, HRESULT hr, const unsigned char *at, const char *fmt, va_list ap)
{
	char what[160];
	vsnprintf(what, sizeof(what), fmt, ap);
	size_t pos = (size_t)(at - w->base);
	return xb_error_set(w->err, hr, pos, "%s: %s at byte %zu%s", w->label, what, pos, w->part);
}

HRESULT der_walk_fail(const struct der_walk *w, HRESULT hr, const unsigned char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hr = der_walk_vfail(w, hr, at, fmt, ap);
	va_end(ap);
	return hr;
}

HRESULT der_walk_take(const struct der_walk *w, struct der_cursor *c, unsigned tag, struct der_tlv *out,
		      const char *what)
{
	const unsigned char *at = c->p;
	size_t bad;
	if (!c->left)
		return der_walk_fail(w, INVALID_DATA, at, "%s is missing", what);
	if (der_next(c, out, &bad))
		return der_walk_fail(w, INVALID_DATA, at + bad, "%s is malformed or truncated", what);
	if (tag && out->tag != tag)
		return der_walk_fail(w, INVALID_DATA, at, "%s has tag 0x%02x, not 0x%02x", what, out->tag, tag);
	return S_OK;
}

HRESULT der_walk_end(const struct der_walk *w, const struct der_cursor *c, const char *what)
{
	return c->left ? der_walk_fail(w, INVALID_DATA, c->p, "unexpected data after %s", what) : S_OK;
}
