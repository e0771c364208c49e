/*
 * Typed helpers over ICertServerExit: one call, the VARIANT's type
 * checked, the value converted, and every BSTR and VARIANT freed on every
 * path, so that a module using them cannot leak what the CA allocates.
 */
#include <stdlib.h>
#include <string.h>

#include "kit_private.h"

XB_EXPORT HRESULT xb_kit_server_open(LONG context, ICertServerExit **server)
{
	if (!server)
		return E_POINTER;
	*server = NULL;
	ICertServerExit *s = NULL;
	HRESULT hr = CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit,
				      (void **)&s);
	if (FAILED(hr))
		return hr;
	if (!s)
		return E_NOINTERFACE;
	hr = ICertServerExit_SetContext(s, context);
	if (FAILED(hr)) {
		ICertServerExit_Release(s);
		return hr;
	}
	*server = s;
	return S_OK;
}

/* A name for the server: a real BSTR, since the server may read its length prefix. */
static HRESULT name_bstr(const char *name, BSTR *out)
{
	*out = NULL;
	if (!name)
		return E_INVALIDARG;
	HRESULT hr = xb_bstr_from_utf8(name, XB_NUL_TERMINATED, out, NULL);
	return hr == E_OUTOFMEMORY || SUCCEEDED(hr) ? hr : E_INVALIDARG;
}

/*
 * Get{Request,Certificate}Property(name, type) into *v, which holds a value
 * of type want on S_OK and is empty otherwise.
 */
static HRESULT get_property(ICertServerExit *server, xb_kit_side side, const char *name, LONG type, VARTYPE want,
			    VARIANT *v)
{
	VariantInit(v);
	if (!server || (side != XB_KIT_REQUEST && side != XB_KIT_CERTIFICATE))
		return E_INVALIDARG;
	BSTR bname;
	HRESULT hr = name_bstr(name, &bname);
	if (FAILED(hr))
		return hr;
	if (side == XB_KIT_REQUEST)
		hr = ICertServerExit_GetRequestProperty(server, bname, type, v);
	else
		hr = ICertServerExit_GetCertificateProperty(server, bname, type, v);
	SysFreeString(bname);
	if (FAILED(hr)) {
		/* A failing callee leaves its out-parameter empty (COM's rule): nothing of ours to free. */
		VariantInit(v);
		return hr;
	}
	if (V_VT(v) == VT_EMPTY || V_VT(v) == VT_NULL) {
		VariantClear(v);
		return CERTSRV_E_PROPERTY_EMPTY;
	}
	if (V_VT(v) != want) {
		VariantClear(v);
		return DISP_E_TYPEMISMATCH;
	}
	return S_OK;
}

/* The bytes of a binary BSTR as a new buffer (at least one byte allocated). */
static HRESULT copy_bytes(BSTR b, unsigned char **out, size_t *len)
{
	size_t n = SysStringByteLen(b);
	unsigned char *p = malloc(n ? n : 1);
	if (!p)
		return E_OUTOFMEMORY;
	if (n)
		memcpy(p, b, n);
	*out = p;
	*len = n;
	return S_OK;
}

XB_EXPORT HRESULT xb_kit_get_string(ICertServerExit *server, xb_kit_side side, const char *name, char **out)
{
	VARIANT v;
	if (!out)
		return E_POINTER;
	*out = NULL;
	HRESULT hr = get_property(server, side, name, PROPTYPE_STRING, VT_BSTR, &v);
	if (SUCCEEDED(hr))
		hr = xb_utf8_from_bstr(V_BSTR(&v), out, NULL);
	VariantClear(&v);
	return FAILED(hr) ? hr : S_OK;
}

XB_EXPORT HRESULT xb_kit_get_long(ICertServerExit *server, xb_kit_side side, const char *name, LONG *out)
{
	VARIANT v;
	if (!out)
		return E_POINTER;
	*out = 0;
	HRESULT hr = get_property(server, side, name, PROPTYPE_LONG, VT_I4, &v);
	if (SUCCEEDED(hr))
		*out = V_I4(&v);
	VariantClear(&v);
	return FAILED(hr) ? hr : S_OK;
}

XB_EXPORT HRESULT xb_kit_get_date(ICertServerExit *server, xb_kit_side side, const char *name, DATE *out)
{
	VARIANT v;
	if (!out)
		return E_POINTER;
	*out = 0;
	HRESULT hr = get_property(server, side, name, PROPTYPE_DATE, VT_DATE, &v);
	if (SUCCEEDED(hr))
		*out = V_DATE(&v);
	VariantClear(&v);
	return FAILED(hr) ? hr : S_OK;
}

XB_EXPORT HRESULT xb_kit_get_time(ICertServerExit *server, xb_kit_side side, const char *name, int64_t *out)
{
	DATE d;
	if (!out)
		return E_POINTER;
	*out = 0;
	HRESULT hr = xb_kit_get_date(server, side, name, &d);
	if (SUCCEEDED(hr))
		hr = xb_date_to_time_t(d, out);
	if (FAILED(hr))
		*out = 0;
	return hr;
}

XB_EXPORT HRESULT xb_kit_get_bytes(ICertServerExit *server, xb_kit_side side, const char *name,
				   unsigned char **out, size_t *len)
{
	VARIANT v;
	if (!out || !len)
		return E_POINTER;
	*out = NULL;
	*len = 0;
	HRESULT hr = get_property(server, side, name, PROPTYPE_BINARY, VT_BSTR, &v);
	if (SUCCEEDED(hr))
		hr = copy_bytes(V_BSTR(&v), out, len);
	VariantClear(&v);
	return FAILED(hr) ? hr : S_OK;
}

XB_EXPORT HRESULT xb_kit_get_attribute(ICertServerExit *server, const char *name, char **out)
{
	if (!out)
		return E_POINTER;
	*out = NULL;
	if (!server)
		return E_INVALIDARG;
	BSTR bname, value = NULL;
	HRESULT hr = name_bstr(name, &bname);
	if (FAILED(hr))
		return hr;
	hr = ICertServerExit_GetRequestAttribute(server, bname, &value);
	SysFreeString(bname);
	if (FAILED(hr))
		return hr;
	hr = xb_utf8_from_bstr(value, out, NULL); /* a NULL BSTR is "" */
	SysFreeString(value);
	return FAILED(hr) ? hr : S_OK;
}

/* GetCertificateExtension(bname, PROPTYPE_BINARY) and its flags. */
static HRESULT get_extension(ICertServerExit *server, const BSTR bname, unsigned char **out, size_t *len,
			     LONG *flags)
{
	VARIANT v;
	VariantInit(&v);
	HRESULT hr = ICertServerExit_GetCertificateExtension(server, bname, PROPTYPE_BINARY, &v);
	if (FAILED(hr))
		return hr;
	if (V_VT(&v) == VT_EMPTY || V_VT(&v) == VT_NULL)
		hr = CERTSRV_E_PROPERTY_EMPTY;
	else if (V_VT(&v) != VT_BSTR)
		hr = DISP_E_TYPEMISMATCH;
	else
		hr = copy_bytes(V_BSTR(&v), out, len);
	VariantClear(&v);
	if (SUCCEEDED(hr)) {
		LONG f = 0;
		hr = ICertServerExit_GetCertificateExtensionFlags(server, &f);
		if (SUCCEEDED(hr)) {
			*flags = f;
			return S_OK;
		}
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return hr;
}

XB_EXPORT HRESULT xb_kit_get_extension(ICertServerExit *server, const char *oid, unsigned char **out,
				       size_t *len, LONG *flags)
{
	if (flags)
		*flags = 0;
	if (!out || !len)
		return E_POINTER;
	*out = NULL;
	*len = 0;
	if (!server)
		return E_INVALIDARG;
	BSTR bname;
	HRESULT hr = name_bstr(oid, &bname);
	if (FAILED(hr))
		return hr;
	LONG f = 0;
	hr = get_extension(server, bname, out, len, &f);
	SysFreeString(bname);
	if (SUCCEEDED(hr) && flags)
		*flags = f;
	return hr;
}

/* The caller's callback of a walk. */
struct walker {
	xb_kit_attribute_fn attribute;
	xb_kit_extension_fn extension;
	void *ctx;
};

static HRESULT visit_attribute(ICertServerExit *server, BSTR name, const struct walker *w)
{
	char *name8 = NULL, *value8 = NULL;
	BSTR value = NULL;
	HRESULT hr = xb_utf8_from_bstr(name, &name8, NULL);
	if (SUCCEEDED(hr)) {
		hr = ICertServerExit_GetRequestAttribute(server, name, &value);
		if (SUCCEEDED(hr))
			hr = xb_utf8_from_bstr(value, &value8, NULL);
		else if (hr == CERTSRV_E_PROPERTY_EMPTY)
			hr = S_OK; /* listed, no value: the callback sees NULL */
		SysFreeString(value);
	}
	if (SUCCEEDED(hr))
		hr = w->attribute(w->ctx, name8, value8);
	free(name8);
	free(value8);
	return hr;
}

static HRESULT visit_extension(ICertServerExit *server, BSTR name, const struct walker *w)
{
	char *oid = NULL;
	unsigned char *bytes = NULL;
	size_t len = 0;
	LONG flags = 0;
	HRESULT hr = xb_utf8_from_bstr(name, &oid, NULL);
	if (SUCCEEDED(hr)) {
		hr = get_extension(server, name, &bytes, &len, &flags);
		if (hr == CERTSRV_E_PROPERTY_EMPTY)
			hr = S_OK, flags = 0; /* listed, no value */
	}
	if (SUCCEEDED(hr))
		hr = w->extension(w->ctx, oid, flags, bytes, len);
	free(oid);
	free(bytes);
	return hr;
}

/* The enumeration protocol of reference §4.5, with Close after every successful Setup. */
static HRESULT walk(ICertServerExit *server, const struct walker *w)
{
	int extensions = w->extension != NULL;
	if (!server || (!w->attribute && !w->extension))
		return E_INVALIDARG;
	HRESULT hr = extensions ? ICertServerExit_EnumerateExtensionsSetup(server, 0)
				: ICertServerExit_EnumerateAttributesSetup(server, 0);
	if (FAILED(hr))
		return hr;
	for (;;) {
		BSTR name = NULL;
		hr = extensions ? ICertServerExit_EnumerateExtensions(server, &name)
				: ICertServerExit_EnumerateAttributes(server, &name);
		if (hr != S_OK) {
			if (SUCCEEDED(hr)) { /* S_FALSE: no more */
				SysFreeString(name);
				hr = S_OK;
			}
			break;
		}
		hr = extensions ? visit_extension(server, name, w) : visit_attribute(server, name, w);
		SysFreeString(name);
		if (hr == S_FALSE) { /* the callback is done */
			hr = S_OK;
			break;
		}
		if (FAILED(hr))
			break;
	}
	HRESULT closed = extensions ? ICertServerExit_EnumerateExtensionsClose(server)
				    : ICertServerExit_EnumerateAttributesClose(server);
	return FAILED(hr) ? hr : FAILED(closed) ? closed : S_OK;
}

XB_EXPORT HRESULT xb_kit_for_each_attribute(ICertServerExit *server, xb_kit_attribute_fn fn, void *ctx)
{
	const struct walker w = {fn, NULL, ctx};
	return walk(server, &w);
}

XB_EXPORT HRESULT xb_kit_for_each_extension(ICertServerExit *server, xb_kit_extension_fn fn, void *ctx)
{
	const struct walker w = {NULL, fn, ctx};
	return walk(server, &w);
}
