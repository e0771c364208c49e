/*
 * UTF-8 <-> UTF-16 conversion with surrogate pairs. Invalid input is an
 * error that names its offset, never replaced or skipped: overlong forms,
 * surrogate code points in UTF-8, truncated sequences, lone surrogates in
 * UTF-16 are all refused with HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION).
 */
#ifndef XB_INCLUDE_EXITBENCH_UTF_H
#define XB_INCLUDE_EXITBENCH_UTF_H

#include <stddef.h>
#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"

XB_BEGIN_DECLS

/*
 * Converts in_len bytes of UTF-8 to UTF-16; in_len may be XB_NUL_TERMINATED,
 * an explicit length may include NULs, and a NULL in with length 0 is "".
 * A bad sequence is reported at the offset of its first byte. *out is new (free() it), NUL
 * terminated, *out_len (optional) its length in code units. On invalid
 * input *bad_offset (optional) is the byte offset of the first bad byte.
 * Returns S_OK, E_POINTER, E_OUTOFMEMORY or
 * HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION).
 */
XB_EXPORT HRESULT xb_utf8_to_utf16(const char *in, size_t in_len, OLECHAR **out, size_t *out_len,
				   size_t *bad_offset);

/* The reverse; *bad_index is the index of the first bad code unit. */
XB_EXPORT HRESULT xb_utf16_to_utf8(const OLECHAR *in, size_t in_len, char **out, size_t *out_len,
				   size_t *bad_index);

/* UTF-8 to a new BSTR (SysFreeString it). */
XB_EXPORT HRESULT xb_bstr_from_utf8(const char *in, size_t in_len, BSTR *out, size_t *bad_offset);

/* A BSTR (its SysStringLen characters; NULL is "") to new UTF-8 (free() it). */
XB_EXPORT HRESULT xb_utf8_from_bstr(const BSTR in, char **out, size_t *bad_index);

/* Length in code units of a NUL-terminated UTF-16 string; 0 for NULL. */
XB_EXPORT size_t xb_utf16_len(const OLECHAR *s);

/*
 * Compares two UTF-16 strings ignoring the case of ASCII letters, as
 * property, registry and ProgID names are compared; <0, 0, >0. Other
 * letters (é, Σ...) must match exactly. NULL compares as "". The n form
 * compares at most n code units.
 */
XB_EXPORT int xb_utf16_icmp(const OLECHAR *a, const OLECHAR *b);
XB_EXPORT int xb_utf16_nicmp(const OLECHAR *a, const OLECHAR *b, size_t n);

XB_END_DECLS

#endif
