/*
 * UTF-8 <-> UTF-16, strict both ways: malformed input is an error that
 * names where it starts, never replaced with U+FFFD or skipped, because a
 * silently altered property value would hide the module's bug we exist to
 * show. Each direction measures first and writes second, so the output is
 * allocated once at its exact size (a BSTR cannot be shrunk in place).
 *
 * Portable: also built for Windows, where OLECHAR is the SDK's 16-bit
 * WCHAR and SysAllocStringLen comes from oleaut32.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench/utf.h"
#include "exitbench/oleauto.h"

#define NO_TRANSLATION HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION)

/*
 * Decodes one scalar value at s[*i] (i < len) and advances *i. Returns 0
 * for malformed input, leaving *i at the start of the bad sequence. The
 * ranges of the second byte are those of RFC 3629's table, which exclude
 * overlong forms (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF)
 * and values above U+10FFFF (F4 90.., F5..FF) in one place.
 */
static int utf8_decode(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	size_t at = *i;
	unsigned char c = s[at];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t more;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		*i = at + 1;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		more = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		more = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		more = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0; /* a stray continuation byte, C0, C1 or F5..FF */
	}
	if (len - at - 1 < more)
		return 0; /* truncated by the end of the input */
	for (size_t k = 1; k <= more; k++) {
		unsigned char b = s[at + k];

		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = v;
	*i = at + 1 + more;
	return 1;
}

/* Counts the UTF-16 code units in[0..len) needs, or finds the first bad byte. */
static HRESULT utf8_measure(const unsigned char *in, size_t len, size_t *units, size_t *bad_offset)
{
	size_t i = 0, n = 0;
	uint32_t cp;

	while (i < len) {
		if (!utf8_decode(in, len, &i, &cp)) {
			if (bad_offset)
				*bad_offset = i;
			return NO_TRANSLATION;
		}
		n += cp >= 0x10000 ? 2 : 1;
	}
	*units = n;
	return S_OK;
}

/* Writes the UTF-16 of input that utf8_measure accepted. */
static void utf8_write(const unsigned char *in, size_t len, OLECHAR *out)
{
	size_t i = 0, o = 0;
	uint32_t cp;

	while (i < len) {
		utf8_decode(in, len, &i, &cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out[o++] = (OLECHAR)(0xD800 + (cp >> 10));
			out[o++] = (OLECHAR)(0xDC00 + (cp & 0x3FF));
		} else {
			out[o++] = (OLECHAR)cp;
		}
	}
	out[o] = 0;
}

/*
 * Resolves the (pointer, length) convention shared by every entry point:
 * XB_NUL_TERMINATED measures, and NULL is the empty string when no
 * characters are claimed. A NULL with a real length is the caller's bug.
 */
static HRESULT utf8_input(const char *in, size_t *len)
{
	if (!in) {
		if (*len != 0 && *len != XB_NUL_TERMINATED)
			return E_POINTER;
		*len = 0;
	} else if (*len == XB_NUL_TERMINATED) {
		*len = strlen(in);
	}
	return S_OK;
}

XB_EXPORT HRESULT xb_utf8_to_utf16(const char *in, size_t in_len, OLECHAR **out, size_t *out_len,
				   size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t units;
	HRESULT hr;

	if (!out)
		return E_POINTER;
	*out = NULL;
	hr = utf8_input(in, &in_len);
	if (FAILED(hr))
		return hr;
	hr = utf8_measure(s, in_len, &units, bad_offset);
	if (FAILED(hr))
		return hr;
	*out = malloc((units + 1) * sizeof(OLECHAR));
	if (!*out)
		return E_OUTOFMEMORY;
	utf8_write(s, in_len, *out);
	if (out_len)
		*out_len = units;
	return S_OK;
}

XB_EXPORT HRESULT xb_bstr_from_utf8(const char *in, size_t in_len, BSTR *out, size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t units;
	HRESULT hr;

	if (!out)
		return E_POINTER;
	*out = NULL;
	hr = utf8_input(in, &in_len);
	if (FAILED(hr))
		return hr;
	hr = utf8_measure(s, in_len, &units, bad_offset);
	if (FAILED(hr))
		return hr;
	/* The prefix holds a 32-bit byte count. */
	if (units > (UINT)-1 / 2 - 2)
		return E_OUTOFMEMORY;
	*out = SysAllocStringLen(NULL, (UINT)units);
	if (!*out)
		return E_OUTOFMEMORY;
	utf8_write(s, in_len, *out);
	return S_OK;
}

/*
 * Bytes of UTF-8 needed for in[0..len), or the index of the first lone
 * surrogate. A high surrogate not followed by a low one is reported at the
 * high one's index, a low one without a high one at its own.
 */
static HRESULT utf16_measure(const OLECHAR *in, size_t len, size_t *bytes, size_t *bad_index)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t u = in[i];

		if (u < 0x80) {
			n += 1;
		} else if (u < 0x800) {
			n += 2;
		} else if (u >= 0xD800 && u <= 0xDBFF) {
			if (i + 1 >= len || in[i + 1] < 0xDC00 || in[i + 1] > 0xDFFF) {
				if (bad_index)
					*bad_index = i;
				return NO_TRANSLATION;
			}
			n += 4;
			i++;
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			if (bad_index)
				*bad_index = i;
			return NO_TRANSLATION;
		} else {
			n += 3;
		}
	}
	*bytes = n;
	return S_OK;
}

static void utf16_write(const OLECHAR *in, size_t len, char *out)
{
	unsigned char *o = (unsigned char *)out;

	for (size_t i = 0; i < len; i++) {
		uint32_t u = in[i];

		if (u >= 0xD800 && u <= 0xDBFF) {
			u = 0x10000 + ((u - 0xD800) << 10) + ((uint32_t)in[++i] - 0xDC00);
			*o++ = (unsigned char)(0xF0 | (u >> 18));
			*o++ = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
			*o++ = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (u & 0x3F));
		} else if (u < 0x80) {
			*o++ = (unsigned char)u;
		} else if (u < 0x800) {
			*o++ = (unsigned char)(0xC0 | (u >> 6));
			*o++ = (unsigned char)(0x80 | (u & 0x3F));
		} else {
			*o++ = (unsigned char)(0xE0 | (u >> 12));
			*o++ = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (u & 0x3F));
		}
	}
	*o = 0;
}

XB_EXPORT HRESULT xb_utf16_to_utf8(const OLECHAR *in, size_t in_len, char **out, size_t *out_len,
				   size_t *bad_index)
{
	size_t bytes;
	HRESULT hr;

	if (!out)
		return E_POINTER;
	*out = NULL;
	if (!in) {
		if (in_len != 0 && in_len != XB_NUL_TERMINATED)
			return E_POINTER;
		in_len = 0;
	} else if (in_len == XB_NUL_TERMINATED) {
		in_len = xb_utf16_len(in);
	}
	hr = utf16_measure(in, in_len, &bytes, bad_index);
	if (FAILED(hr))
		return hr;
	*out = malloc(bytes + 1);
	if (!*out)
		return E_OUTOFMEMORY;
	utf16_write(in, in_len, *out);
	if (out_len)
		*out_len = bytes;
	return S_OK;
}

XB_EXPORT HRESULT xb_utf8_from_bstr(const BSTR in, char **out, size_t *bad_index)
{
	/* Exactly SysStringLen characters: a BSTR may hold NULs. */
	return xb_utf16_to_utf8(in, in ? SysStringLen(in) : 0, out, NULL, bad_index);
}

XB_EXPORT size_t xb_utf16_len(const OLECHAR *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	while (s[n])
		n++;
	return n;
}

/*
 * Only A-Z fold: the names compared (properties, registry keys, ProgIDs)
 * are ASCII in practice, and full Unicode case folding would need tables
 * and a locale while Windows' own rules for them are not documented.
 */
static unsigned int ascii_fold(OLECHAR c)
{
	unsigned int u = c;

	return u >= 'A' && u <= 'Z' ? u + ('a' - 'A') : u;
}

XB_EXPORT int xb_utf16_nicmp(const OLECHAR *a, const OLECHAR *b, size_t n)
{
	static const OLECHAR empty[1] = {0};

	/* NULL compares as the empty string, as a NULL BSTR is one. */
	if (!a)
		a = empty;
	if (!b)
		b = empty;
	for (size_t i = 0; i < n; i++) {
		unsigned int x = ascii_fold(a[i]), y = ascii_fold(b[i]);

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

XB_EXPORT int xb_utf16_icmp(const OLECHAR *a, const OLECHAR *b)
{
	return xb_utf16_nicmp(a, b, (size_t)-1);
}
