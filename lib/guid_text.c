/*
 * GUIDs as text: "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", as ole32 writes
 * (uppercase) and reads (either case) them.
 */
#include <string.h>

#include "exitbench.h"

#define GUID_TEXT_CHARS 38 /* without the NUL */

static const char hex_digits[] = "0123456789ABCDEF";

static void put_hex(OLECHAR *out, uint32_t value, int digits)
{
	for (int i = digits - 1; i >= 0; i--) {
		out[i] = (OLECHAR)hex_digits[value & 0xF];
		value >>= 4;
	}
}

XB_EXPORT INT StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, INT cchMax)
{
	if (!rguid || !lpsz || cchMax < GUID_TEXT_CHARS + 1)
		return 0;
	OLECHAR *p = lpsz;
	*p++ = u'{';
	put_hex(p, rguid->Data1, 8);
	p += 8;
	*p++ = u'-';
	put_hex(p, rguid->Data2, 4);
	p += 4;
	*p++ = u'-';
	put_hex(p, rguid->Data3, 4);
	p += 4;
	*p++ = u'-';
	for (int i = 0; i < 8; i++) {
		if (i == 2)
			*p++ = u'-';
		put_hex(p, rguid->Data4[i], 2);
		p += 2;
	}
	*p++ = u'}';
	*p = 0;
	return GUID_TEXT_CHARS + 1;
}

XB_EXPORT HRESULT StringFromCLSID(REFCLSID rclsid, LPOLESTR *lplpsz)
{
	if (!lplpsz)
		return E_INVALIDARG;
	*lplpsz = NULL;
	if (!rclsid)
		return E_INVALIDARG;
	OLECHAR *text = CoTaskMemAlloc((GUID_TEXT_CHARS + 1) * sizeof(OLECHAR));
	if (!text)
		return E_OUTOFMEMORY;
	StringFromGUID2(rclsid, text, GUID_TEXT_CHARS + 1);
	*lplpsz = text;
	return S_OK;
}

static int hex_value(OLECHAR c)
{
	if (c >= u'0' && c <= u'9')
		return c - u'0';
	if (c >= u'a' && c <= u'f')
		return c - u'a' + 10;
	if (c >= u'A' && c <= u'F')
		return c - u'A' + 10;
	return -1;
}

static int get_hex(const OLECHAR *s, int digits, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < digits; i++) {
		int d = hex_value(s[i]);
		if (d < 0)
			return -1;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* Exactly the braced form, nothing before or after; 0 on success. */
static int parse_braced(const OLECHAR *s, GUID *out)
{
	static const int dashes[] = {9, 14, 19, 24};
	uint32_t v;
	GUID g;

	for (int i = 0; i < GUID_TEXT_CHARS; i++)
		if (!s[i])
			return -1;
	if (s[0] != u'{' || s[37] != u'}' || s[38] != 0)
		return -1;
	for (int i = 0; i < 4; i++)
		if (s[dashes[i]] != u'-')
			return -1;
	if (get_hex(s + 1, 8, &v))
		return -1;
	g.Data1 = v;
	if (get_hex(s + 10, 4, &v))
		return -1;
	g.Data2 = (uint16_t)v;
	if (get_hex(s + 15, 4, &v))
		return -1;
	g.Data3 = (uint16_t)v;
	for (int i = 0; i < 8; i++) {
		const OLECHAR *at = i < 2 ? s + 20 + 2 * i : s + 25 + 2 * (i - 2);
		if (get_hex(at, 2, &v))
			return -1;
		g.Data4[i] = (uint8_t)v;
	}
	*out = g;
	return 0;
}

/*
 * As ole32: a NULL string is GUID_NULL; text that is not a braced GUID is
 * tried as a ProgID before it is called malformed.
 */
XB_EXPORT HRESULT CLSIDFromString(LPCOLESTR lpsz, LPCLSID pclsid)
{
	if (!pclsid)
		return E_INVALIDARG;
	if (!lpsz) {
		memset(pclsid, 0, sizeof(*pclsid));
		return S_OK;
	}
	if (parse_braced(lpsz, pclsid) == 0)
		return S_OK;
	if (lpsz[0] != u'{') {
		CLSID from_progid;
		if (SUCCEEDED(CLSIDFromProgID(lpsz, &from_progid))) {
			*pclsid = from_progid;
			return S_OK;
		}
	}
	return CO_E_CLASSSTRING;
}

XB_EXPORT HRESULT IIDFromString(LPCOLESTR lpsz, LPIID lpiid)
{
	if (!lpiid)
		return E_INVALIDARG;
	if (!lpsz) {
		memset(lpiid, 0, sizeof(*lpiid));
		return S_OK;
	}
	return parse_braced(lpsz, lpiid) == 0 ? S_OK : E_INVALIDARG;
}
