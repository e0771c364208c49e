/*
 * VariantChangeType for the types a module meets in property values:
 * VT_EMPTY, VT_NULL, VT_I2, VT_I4, VT_R8, VT_UI1, VT_BOOL, VT_DATE, VT_BSTR.
 *
 * Windows formats and parses text with the user's locale; we use one
 * invariant form instead (RFC 3339 dates, '.' as the decimal point,
 * "True"/"False"), as include/exitbench/oleauto.h says, so tests give the
 * same answer on every machine. The result is built in a temporary and
 * moved into the destination only on success, which makes in-place
 * conversion safe and leaves the destination untouched on failure.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"

/* How deep VT_BYREF|VT_VARIANT chains are followed before giving up. */
#define MAX_INDIRECTION 4

static int supported(VARTYPE vt)
{
	switch (vt) {
	case VT_EMPTY:
	case VT_NULL:
	case VT_I2:
	case VT_I4:
	case VT_R8:
	case VT_UI1:
	case VT_BOOL:
	case VT_DATE:
	case VT_BSTR:
		return 1;
	default:
		return 0;
	}
}

/*
 * A flat copy of the value src holds, references followed; a BSTR in it
 * is borrowed from src.
 */
static HRESULT dereference(const VARIANT *src, VARIANT *val)
{
	for (int depth = 0; depth < MAX_INDIRECTION; depth++) {
		VARTYPE vt = V_VT(src);

		if (!(vt & VT_BYREF)) {
			if (!supported(vt))
				return DISP_E_BADVARTYPE;
			*val = *src;
			return S_OK;
		}
		if (!V_BYREF(src))
			return E_INVALIDARG;
		vt &= (VARTYPE)~VT_BYREF;
		if (vt == VT_VARIANT) {
			src = V_VARIANTREF(src);
			continue;
		}
		VariantInit(val);
		V_VT(val) = vt;
		switch (vt) {
		case VT_I2: V_I2(val) = *src->piVal; break;
		case VT_I4: V_I4(val) = *src->plVal; break;
		case VT_R8: V_R8(val) = *src->pdblVal; break;
		case VT_UI1: V_UI1(val) = *src->pbVal; break;
		case VT_BOOL: V_BOOL(val) = *src->pboolVal; break;
		case VT_DATE: V_DATE(val) = *src->pdate; break;
		case VT_BSTR: V_BSTR(val) = *src->pbstrVal; break;
		default: return DISP_E_BADVARTYPE;
		}
		return S_OK;
	}
	return DISP_E_BADVARTYPE;
}

/* A BSTR's text as new UTF-8; text that contains NULs or bad UTF-16 cannot be a number or a date. */
static HRESULT bstr_text(BSTR b, char **text, size_t *len)
{
	HRESULT hr = xb_utf16_to_utf8(b, SysStringLen(b), text, len, NULL);

	if (hr == E_OUTOFMEMORY)
		return hr;
	if (FAILED(hr))
		return DISP_E_TYPEMISMATCH;
	if (strlen(*text) != *len) {
		free(*text);
		*text = NULL;
		return DISP_E_TYPEMISMATCH;
	}
	return S_OK;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Decimal text: spaces, an optional sign, digits with an optional '.' and
 * fraction, an optional exponent, spaces. The grammar is checked here and
 * the value left to strtod, with '.' swapped for the locale's decimal point
 * because strtod reads the locale's.
 */
static HRESULT parse_number(const char *s, double *out)
{
	const char *p = s, *start, *end;
	const char *point = localeconv()->decimal_point;
	size_t digits = 0, plen = strlen(point);
	char *buf, *b, *stop;
	double x;

	while (is_space(*p))
		p++;
	start = p;
	if (*p == '+' || *p == '-')
		p++;
	for (; is_digit(*p); p++)
		digits++;
	if (*p == '.')
		for (p++; is_digit(*p); p++)
			digits++;
	if (!digits)
		return DISP_E_TYPEMISMATCH;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return DISP_E_TYPEMISMATCH;
		while (is_digit(*p))
			p++;
	}
	end = p;
	while (is_space(*p))
		p++;
	if (*p)
		return DISP_E_TYPEMISMATCH;

	buf = malloc((size_t)(end - start) + plen + 1);
	if (!buf)
		return E_OUTOFMEMORY;
	for (b = buf, p = start; p < end; p++) {
		if (*p == '.') {
			memcpy(b, point, plen);
			b += plen;
		} else {
			*b++ = *p;
		}
	}
	*b = '\0';
	errno = 0;
	x = strtod(buf, &stop);
	free(buf);
	if (errno == ERANGE && isinf(x))
		return DISP_E_OVERFLOW;
	*out = x;
	return S_OK;
}

/* The numeric value of a source, for the numeric, BOOL and DATE targets. */
static HRESULT to_number(const VARIANT *v, double *x)
{
	char *text = NULL;
	size_t len;
	HRESULT hr;

	switch (V_VT(v)) {
	case VT_EMPTY: *x = 0; return S_OK;
	case VT_I2: *x = V_I2(v); return S_OK;
	case VT_I4: *x = V_I4(v); return S_OK;
	case VT_R8: *x = V_R8(v); return S_OK;
	case VT_UI1: *x = V_UI1(v); return S_OK;
	case VT_BOOL: *x = V_BOOL(v) ? -1.0 : 0.0; return S_OK;
	case VT_DATE: *x = V_DATE(v); return S_OK;
	case VT_BSTR:
		hr = bstr_text(V_BSTR(v), &text, &len);
		if (SUCCEEDED(hr))
			hr = parse_number(text, x);
		free(text);
		return hr;
	default:
		return DISP_E_TYPEMISMATCH; /* VT_NULL has no value */
	}
}

/*
 * Rounds half to even, as Windows' VarI4FromR8 does (2.5 -> 2, 3.5 -> 4),
 * and checks lo..hi. By hand rather than with rint(): the result must not
 * depend on the caller's floating-point rounding mode, nor pull in libm.
 */
static HRESULT to_integer(double x, int64_t lo, int64_t hi, int64_t *out)
{
	int64_t i;
	double diff;

	if (isnan(x) || x < -4e9 || x > 4e9)
		return DISP_E_OVERFLOW;
	i = (int64_t)x;
	diff = x - (double)i;
	if (diff < 0) {
		i--;
		diff += 1.0;
	}
	if (diff > 0.5 || (diff == 0.5 && (i & 1)))
		i++;
	if (i < lo || i > hi)
		return DISP_E_OVERFLOW;
	*out = i;
	return S_OK;
}

/* "True"/"False" in any case, else a number (non-zero is true). */
static HRESULT to_bool(const VARIANT *v, VARIANT_BOOL *out)
{
	static const char *const names[] = {"false", "true"};
	char *text = NULL, *p;
	size_t len, n;
	double x;
	HRESULT hr;

	if (V_VT(v) != VT_BSTR) {
		hr = to_number(v, &x);
		if (SUCCEEDED(hr))
			*out = x != 0 ? VARIANT_TRUE : VARIANT_FALSE;
		return hr;
	}
	hr = bstr_text(V_BSTR(v), &text, &len);
	if (FAILED(hr))
		return hr;
	for (p = text; is_space(*p); p++)
		;
	for (n = strlen(p); n && is_space(p[n - 1]); n--)
		;
	hr = DISP_E_TYPEMISMATCH;
	for (size_t k = 0; k < 2; k++) {
		size_t i;

		if (n != strlen(names[k]))
			continue;
		for (i = 0; i < n && (p[i] | 0x20) == names[k][i]; i++)
			;
		if (i == n) {
			*out = k ? VARIANT_TRUE : VARIANT_FALSE;
			hr = S_OK;
		}
	}
	if (hr == DISP_E_TYPEMISMATCH && SUCCEEDED(hr = parse_number(text, &x)))
		*out = x != 0 ? VARIANT_TRUE : VARIANT_FALSE;
	free(text);
	return hr;
}

/* Dates are text in RFC 3339 only; numbers are day counts within the DATE range. */
static HRESULT to_date(const VARIANT *v, DATE *out)
{
	char *text = NULL;
	size_t len;
	double x;
	HRESULT hr;

	if (V_VT(v) == VT_BSTR) {
		hr = bstr_text(V_BSTR(v), &text, &len);
		if (SUCCEEDED(hr) && FAILED(xb_date_from_rfc3339(text, len, out, NULL)))
			hr = DISP_E_TYPEMISMATCH;
		free(text);
		return hr;
	}
	hr = to_number(v, &x);
	if (FAILED(hr))
		return hr;
	/* Windows' VarDateFromR8 bounds: anything that still falls on 0100-01-01..9999-12-31. */
	if (isnan(x) || x <= XB_DATE_MIN - 1.0 || x >= 2958466.0)
		return DISP_E_OVERFLOW;
	*out = x;
	return S_OK;
}

/* Text in the invariant forms; see the file comment. */
static HRESULT to_bstr(const VARIANT *v, USHORT flags, BSTR *out)
{
	char text[64];
	const char *point;
	char *at;
	HRESULT hr;

	switch (V_VT(v)) {
	case VT_EMPTY:
		text[0] = '\0';
		break;
	case VT_I2:
		snprintf(text, sizeof(text), "%d", V_I2(v));
		break;
	case VT_I4:
		snprintf(text, sizeof(text), "%ld", (long)V_I4(v));
		break;
	case VT_UI1:
		snprintf(text, sizeof(text), "%u", (unsigned int)V_UI1(v));
		break;
	case VT_R8:
		/* 15 significant digits and "E+20" exponents, as VarBstrFromR8 writes. */
		snprintf(text, sizeof(text), "%.15G", V_R8(v));
		point = localeconv()->decimal_point;
		at = strstr(text, point);
		if (at && strcmp(point, ".") != 0) {
			*at = '.';
			memmove(at + 1, at + strlen(point), strlen(at + strlen(point)) + 1);
		}
		break;
	case VT_BOOL:
		if (flags & (VARIANT_ALPHABOOL | VARIANT_LOCALBOOL))
			strcpy(text, V_BOOL(v) ? "True" : "False");
		else
			strcpy(text, V_BOOL(v) ? "-1" : "0");
		break;
	case VT_DATE:
		/* As VarBstrFromDate: a DATE outside the range is an invalid argument. */
		hr = xb_date_to_rfc3339(V_DATE(v), text);
		if (FAILED(hr))
			return hr;
		break;
	case VT_BSTR:
		/* As VariantCopy: NULL stays NULL, and a binary BSTR keeps its odd length. */
		if (!V_BSTR(v)) {
			*out = NULL;
			return S_OK;
		}
		*out = SysAllocStringByteLen((const char *)V_BSTR(v), SysStringByteLen(V_BSTR(v)));
		return *out ? S_OK : E_OUTOFMEMORY;
	default:
		return DISP_E_TYPEMISMATCH;
	}
	hr = xb_bstr_from_utf8(text, XB_NUL_TERMINATED, out, NULL);
	return hr == E_OUTOFMEMORY ? hr : (FAILED(hr) ? E_UNEXPECTED : S_OK);
}

/* Fills res (VT_EMPTY on entry) with v converted to vt. */
static HRESULT convert(const VARIANT *v, USHORT flags, VARTYPE vt, VARIANT *res)
{
	int64_t i = 0;
	double x = 0;
	HRESULT hr;

	switch (vt) {
	case VT_EMPTY:
		return S_OK;
	case VT_NULL:
		/* Only "no value" converts to "no value", as on Windows. */
		if (V_VT(v) != VT_EMPTY && V_VT(v) != VT_NULL)
			return DISP_E_TYPEMISMATCH;
		break;
	case VT_I2:
		if (FAILED(hr = to_number(v, &x)) || FAILED(hr = to_integer(x, INT16_MIN, INT16_MAX, &i)))
			return hr;
		V_I2(res) = (SHORT)i;
		break;
	case VT_I4:
		if (FAILED(hr = to_number(v, &x)) || FAILED(hr = to_integer(x, INT32_MIN, INT32_MAX, &i)))
			return hr;
		V_I4(res) = (LONG)i;
		break;
	case VT_UI1:
		/* VarUI1FromBool keeps the low byte: VARIANT_TRUE is 255, not an overflow. */
		if (V_VT(v) == VT_BOOL) {
			V_UI1(res) = (BYTE)V_BOOL(v);
			break;
		}
		if (FAILED(hr = to_number(v, &x)) || FAILED(hr = to_integer(x, 0, UINT8_MAX, &i)))
			return hr;
		V_UI1(res) = (BYTE)i;
		break;
	case VT_R8:
		if (FAILED(hr = to_number(v, &x)))
			return hr;
		V_R8(res) = x;
		break;
	case VT_BOOL:
		if (FAILED(hr = to_bool(v, &V_BOOL(res))))
			return hr;
		break;
	case VT_DATE:
		if (FAILED(hr = to_date(v, &V_DATE(res))))
			return hr;
		break;
	case VT_BSTR:
		if (FAILED(hr = to_bstr(v, flags, &V_BSTR(res))))
			return hr;
		break;
	default:
		return DISP_E_BADVARTYPE;
	}
	V_VT(res) = vt;
	return S_OK;
}

XB_EXPORT HRESULT VariantChangeType(VARIANTARG *pvargDest, const VARIANTARG *pvargSrc, USHORT wFlags,
				    VARTYPE vt)
{
	VARIANT val, res;
	HRESULT hr;

	if (!pvargDest || !pvargSrc)
		return E_INVALIDARG;
	if (!supported(vt))
		return DISP_E_BADVARTYPE;
	hr = dereference(pvargSrc, &val);
	if (FAILED(hr))
		return hr;
	VariantInit(&res);
	hr = convert(&val, wFlags, vt, &res);
	if (FAILED(hr))
		return hr;
	/* Only now may the destination go: it may be the source itself. */
	hr = VariantClear(pvargDest);
	if (FAILED(hr)) {
		VariantClear(&res);
		return hr;
	}
	*pvargDest = res;
	return S_OK;
}
