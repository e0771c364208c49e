/*
 * Walking a DER structure with errors that say what is wrong and where:
 * "<label>: <what> at byte N<part>", N counted from base (the first error
 * wins, as xb_error keeps it). The certificate and request derivations
 * read their inputs with these.
 */
#ifndef XB_EMU_DER_WALK_H
#define XB_EMU_DER_WALK_H

#include <stdarg.h>

#include "der.h"
#include "exitbench.h"

struct der_walk {
	const unsigned char *base; /* byte offsets count from here */
	const char *label;         /* the property read: "RawCertificate", "RawRequest" */
	const char *part;          /* what base is the start of: "" or " of the PKCS#7 content"... */
	xb_error *err;             /* optional */
};

/* Records "<label>: <what> at byte N<part>" with at's offset; returns hr. */
HRESULT der_walk_fail(const struct der_walk *w, HRESULT hr, const unsigned char *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
HRESULT der_walk_vfail(const struct der_walk *w, HRESULT hr, const unsigned char *at, const char *fmt, va_list ap);

/*
 * Reads the next element of c into out, of that tag unless tag is 0; what
 * names it in an error. S_OK or ERROR_INVALID_DATA (missing, malformed or
 * truncated, another tag).
 */
HRESULT der_walk_take(const struct der_walk *w, struct der_cursor *c, unsigned tag, struct der_tlv *out,
		      const char *what);

/* S_OK when c is used up, else ERROR_INVALID_DATA: "unexpected data after <what>". */
HRESULT der_walk_end(const struct der_walk *w, const struct der_cursor *c, const char *what);

#endif
