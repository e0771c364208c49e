/*
 * The snapshot server (snapshot_server.h). Each function mirrors its
 * counterpart in emu/server.c, in the same order of checks, so that every
 * call returns the same HRESULT and the same VARIANT: tests/check_bridge.c
 * holds the two to that, call by call. A change to server.c's semantics
 * must be made here too.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "der.h"
#include "name.h"
#include "name_props.h"
#include "snapshot_server.h"

/* A cursor over a list that is neither set up nor open. */
#define CURSOR_CLOSED ((size_t)-1)

enum method {
	M_SET_CONTEXT,
	M_GET_REQUEST_PROPERTY,
	M_GET_REQUEST_ATTRIBUTE,
	M_GET_CERTIFICATE_PROPERTY,
	M_GET_CERTIFICATE_EXTENSION,
	M_GET_CERTIFICATE_EXTENSION_FLAGS,
	M_ENUMERATE_EXTENSIONS_SETUP,
	M_ENUMERATE_EXTENSIONS,
	M_ENUMERATE_EXTENSIONS_CLOSE,
	M_ENUMERATE_ATTRIBUTES_SETUP,
	M_ENUMERATE_ATTRIBUTES,
	M_ENUMERATE_ATTRIBUTES_CLOSE,
};

struct xb_snap_host {
	IClassFactory IClassFactory_iface;
	atomic_long refs;       /* the host's own, plus one per server object */
	struct xb_snap_hooks hooks;
	const struct xb_snapshot *snap;
	int in_call;            /* snap->context is in flight */
	int derived;            /* the values derivation adds are visible (derivation done or triggered) */
	int triggered;          /* a call needed derivation that the engine could not do */
	atomic_long created, released, live;
};

struct server {
	ICertServerExit ICertServerExit_iface;
	atomic_long refs;
	struct xb_snap_host *host;
	LONG context;
	LONG ext_flags;
	size_t ext_cursor;
	size_t attr_cursor;
};

static struct server *impl_from(ICertServerExit *iface)
{
	return (struct server *)((char *)iface - offsetof(struct server, ICertServerExit_iface));
}

static void host_unref(struct xb_snap_host *h)
{
	if (atomic_fetch_sub(&h->refs, 1) == 1)
		free(h);
}

/* ---- the host ------------------------------------------------------------ */

void xb_snap_host_begin(struct xb_snap_host *h, const struct xb_snapshot *snap)
{
	h->snap = snap;
	h->in_call = 1;
	h->derived = !snap->derive_pending;
	h->triggered = 0;
	atomic_store(&h->created, 0);
	atomic_store(&h->released, 0);
}

void xb_snap_host_end(struct xb_snap_host *h)
{
	h->in_call = 0;
}

uint32_t xb_snap_host_created(const struct xb_snap_host *h)
{
	return (uint32_t)atomic_load(&h->created);
}

uint32_t xb_snap_host_released(const struct xb_snap_host *h)
{
	return (uint32_t)atomic_load(&h->released);
}

int xb_snap_host_derive_triggered(const struct xb_snap_host *h)
{
	return h->triggered;
}

long xb_snap_host_live(const struct xb_snap_host *h)
{
	return atomic_load(&h->live);
}

/* The engine's xb_engine_derive_locked: the derived values become visible; a failed derivation is reported. */
static void derive(struct xb_snap_host *h)
{
	if (h->derived)
		return;
	h->derived = 1;
	h->triggered = 1;
}

/* ---- reporting ----------------------------------------------------------- */

static _Thread_local int call_injected;

static HRESULT fault(struct server *s, enum method m, const char *name, LONG context)
{
	struct xb_snap_host *h = s->host;
	HRESULT hr = h->hooks.fault ? h->hooks.fault(h->hooks.ctx, xb_bridge_method_name(m), name, context) : S_OK;
	call_injected = FAILED(hr);
	return hr;
}

static HRESULT report_bstr(struct server *s, enum method m, LONG context, const char *name, LONG type, HRESULT hr,
			   BSTR bstr)
{
	struct xb_snap_host *h = s->host;
	BSTR handed = SUCCEEDED(hr) ? bstr : NULL;
	struct xb_call_record call = {.method = m, .context = context, .name = name, .type = type, .hr = hr,
				      .handed = handed != NULL, .injected = call_injected};
	call_injected = 0;
	if (h->hooks.call)
		h->hooks.call(h->hooks.ctx, &call, handed);
	return hr;
}

static HRESULT report(struct server *s, enum method m, const char *name, LONG type, HRESULT hr)
{
	return report_bstr(s, m, s->context, name, type, hr, NULL);
}

static HRESULT report_variant(struct server *s, enum method m, const char *name, LONG type, HRESULT hr,
			      const VARIANT *v)
{
	return report_bstr(s, m, s->context, name, type, hr, v && V_VT(v) == VT_BSTR ? V_BSTR(v) : NULL);
}

/* ---- IUnknown and IDispatch (as emu/server.c) ---------------------------- */

static HRESULT STDMETHODCALLTYPE server_QueryInterface(ICertServerExit *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!riid)
		return E_INVALIDARG;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
	    !IsEqualIID(riid, &IID_ICertServerExit))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertServerExit_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE server_AddRef(ICertServerExit *iface)
{
	return (ULONG)atomic_fetch_add(&impl_from(iface)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE server_Release(ICertServerExit *iface)
{
	struct server *s = impl_from(iface);
	long left = atomic_fetch_sub(&s->refs, 1) - 1;
	if (left == 0) {
		atomic_fetch_add(&s->host->released, 1);
		atomic_fetch_sub(&s->host->live, 1);
		host_unref(s->host);
		free(s);
	}
	return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE server_GetTypeInfoCount(ICertServerExit *iface, UINT *pctinfo)
{
	(void)iface;
	if (!pctinfo)
		return E_POINTER;
	*pctinfo = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_GetTypeInfo(ICertServerExit *iface, UINT iTInfo, LCID lcid,
						    ITypeInfo **ppTInfo)
{
	(void)iface, (void)lcid;
	if (!ppTInfo)
		return E_POINTER;
	*ppTInfo = NULL;
	return iTInfo ? DISP_E_BADINDEX : E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE server_GetIDsOfNames(ICertServerExit *iface, REFIID riid, LPOLESTR *names,
						      UINT count, LCID lcid, DISPID *ids)
{
	(void)iface, (void)riid, (void)names, (void)lcid;
	for (UINT i = 0; ids && i < count; i++)
		ids[i] = DISPID_UNKNOWN;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE server_Invoke(ICertServerExit *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
					       DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *argerr)
{
	(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result, (void)excep;
	(void)argerr;
	return E_NOTIMPL;
}

/* ---- values -------------------------------------------------------------- */

static HRESULT value_to_variant(const struct xb_snap_value *v, VARIANT *out)
{
	switch (v->type) {
	case PROPTYPE_LONG:
		V_VT(out) = VT_I4;
		V_I4(out) = v->l;
		return S_OK;
	case PROPTYPE_DATE:
		V_VT(out) = VT_DATE;
		V_DATE(out) = v->date;
		return S_OK;
	case PROPTYPE_STRING: {
		BSTR b;
		HRESULT hr = xb_bstr_from_utf8(v->text, strlen(v->text), &b, NULL);
		if (FAILED(hr))
			return hr;
		V_VT(out) = VT_BSTR;
		V_BSTR(out) = b;
		return S_OK;
	}
	default: {
		BSTR b = SysAllocStringByteLen((const char *)v->bytes, (UINT)v->len);
		if (!b)
			return E_OUTOFMEMORY;
		V_VT(out) = VT_BSTR;
		V_BSTR(out) = b;
		return S_OK;
	}
	}
}

static int valid_proptype(LONG type)
{
	return type == PROPTYPE_LONG || type == PROPTYPE_DATE || type == PROPTYPE_BINARY || type == PROPTYPE_STRING;
}

static HRESULT answer(const struct xb_snap_prop *p, LONG type, VARIANT *out)
{
	if (!p)
		return CERTSRV_E_PROPERTY_EMPTY;
	if (p->value.type != type)
		return E_INVALIDARG;
	return value_to_variant(&p->value, out);
}

static char *utf8_name(const BSTR name, HRESULT *hr)
{
	char *text = NULL;
	if (!name || !name[0]) {
		*hr = E_INVALIDARG;
		return NULL;
	}
	*hr = xb_utf8_from_bstr(name, &text, NULL);
	if (FAILED(*hr))
		return NULL;
	return text;
}

/* xb_props_find over what is visible now: derived values only once derivation is done. */
static const struct xb_snap_prop *find(const struct xb_snap_host *h, const struct xb_snap_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if ((h->derived || !set->items[i].derived) && !strcasecmp(set->items[i].name, name))
			return &set->items[i];
	return NULL;
}

/* emu/server.c's find_property: the name, then without "Request.", then as a name property. */
static const struct xb_snap_prop *find_property(const struct xb_snap_host *h, const struct xb_snap_set *set,
						const char *name)
{
	const struct xb_snap_prop *p = find(h, set, name);
	if (p)
		return p;
	if (!strncasecmp(name, "Request.", 8)) {
		name += 8;
		if ((p = find(h, set, name)))
			return p;
	}
	const char *canonical = xb_name_property_canonical(name);
	return canonical ? find(h, set, canonical) : NULL;
}

/* emu/server.c's find_ca_property: an indexed property without ".#" is the current CA certificate's. */
static const struct xb_snap_prop *find_ca_property(const struct xb_snap_host *h, const char *name)
{
	const struct xb_snap_set *ca = &h->snap->ca;
	const struct xb_snap_prop *p = find(h, ca, name);
	if (p || strchr(name, '.'))
		return p;
	const struct xb_snap_prop *count = find(h, ca, "CertCount");
	LONG current = count && count->value.type == PROPTYPE_LONG && count->value.l > 0 ? count->value.l - 1 : 0;
	char indexed[160];
	if ((size_t)snprintf(indexed, sizeof(indexed), "%s.%ld", name, (long)current) >= sizeof(indexed))
		return NULL;
	return find(h, ca, indexed);
}

/* ModuleRegistryLocation: the calling module's own key, as a STRING property. */
static const struct xb_snap_prop *module_location_property(const struct xb_snap_host *h)
{
	static _Thread_local struct xb_snap_prop prop;
	prop.name = "ModuleRegistryLocation";
	prop.value.type = PROPTYPE_STRING;
	prop.value.text = h->snap->module_location;
	return &prop;
}

/* Whether a context is the one in flight (the event of the Notify being made). */
static int in_flight(const struct xb_snap_host *h, LONG context)
{
	return context && h->in_call && h->snap && context == h->snap->context;
}

/* ---- SetContext and the property getters --------------------------------- */

static HRESULT STDMETHODCALLTYPE server_SetContext(ICertServerExit *iface, LONG Context)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, M_SET_CONTEXT, NULL, Context);
	if (SUCCEEDED(hr) && Context != 0 && !in_flight(s->host, Context))
		hr = E_INVALIDARG;
	if (SUCCEEDED(hr)) {
		s->context = Context;
		s->ext_flags = 0;
		s->ext_cursor = s->attr_cursor = CURSOR_CLOSED;
	}
	return report_bstr(s, M_SET_CONTEXT, Context, NULL, 0, hr, NULL);
}

/* emu/server.c's request_event: the context must be in flight (and so have a request). */
static HRESULT request_event(struct server *s)
{
	return in_flight(s->host, s->context) ? S_OK : E_UNEXPECTED;
}

static const struct xb_snap_prop *event_property(struct server *s, const struct xb_snap_set *side, const char *name)
{
	const struct xb_snap_prop *p = find_property(s->host, side, name);
	if (!p && !s->host->derived) {
		derive(s->host);
		p = find_property(s->host, side, name);
	}
	return p;
}

static HRESULT begin_get(const BSTR name, LONG type, VARIANT *out, char **text)
{
	HRESULT hr;
	*text = NULL;
	if (!out)
		return E_POINTER;
	VariantInit(out);
	if (!valid_proptype(type))
		return E_INVALIDARG;
	*text = utf8_name(name, &hr);
	return hr;
}

static HRESULT STDMETHODCALLTYPE server_GetRequestProperty(ICertServerExit *iface, const BSTR strPropertyName,
							   LONG PropertyType, VARIANT *pvarPropertyValue)
{
	struct server *s = impl_from(iface);
	char *name;
	HRESULT hr = begin_get(strPropertyName, PropertyType, pvarPropertyValue, &name);
	if (SUCCEEDED(hr))
		hr = fault(s, M_GET_REQUEST_PROPERTY, name, s->context);
	if (SUCCEEDED(hr))
		hr = request_event(s);
	if (SUCCEEDED(hr))
		hr = answer(event_property(s, &s->host->snap->request, name), PropertyType, pvarPropertyValue);
	hr = report_variant(s, M_GET_REQUEST_PROPERTY, name, PropertyType, hr, pvarPropertyValue);
	free(name);
	return hr;
}

static const struct xb_snap_prop *certificate_property(struct server *s, const char *name, HRESULT *hr)
{
	struct xb_snap_host *h = s->host;
	*hr = S_OK;
	if (s->context == 0) {
		if (!h->snap) /* nothing ever shipped: no CA properties either */
			return NULL;
		if (!strcasecmp(name, "ModuleRegistryLocation") && h->snap->module_location)
			return module_location_property(h);
		return find_ca_property(h, name);
	}
	if (!in_flight(h, s->context)) {
		*hr = E_UNEXPECTED;
		return NULL;
	}
	const struct xb_snap_prop *p = NULL;
	if (h->snap->has_certificate)
		p = event_property(s, &h->snap->cert, name);
	if (!p && !strcasecmp(name, "RequestID"))
		p = find(h, &h->snap->request, "RequestID");
	return p;
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateProperty(ICertServerExit *iface, const BSTR strPropertyName,
							       LONG PropertyType, VARIANT *pvarPropertyValue)
{
	struct server *s = impl_from(iface);
	char *name;
	HRESULT hr = begin_get(strPropertyName, PropertyType, pvarPropertyValue, &name);
	if (SUCCEEDED(hr))
		hr = fault(s, M_GET_CERTIFICATE_PROPERTY, name, s->context);
	if (SUCCEEDED(hr)) {
		const struct xb_snap_prop *p = certificate_property(s, name, &hr);
		if (SUCCEEDED(hr))
			hr = answer(p, PropertyType, pvarPropertyValue);
	}
	hr = report_variant(s, M_GET_CERTIFICATE_PROPERTY, name, PropertyType, hr, pvarPropertyValue);
	free(name);
	return hr;
}

/* ---- attributes ------------------------------------------------------------ */

/* emu/request_props.c's attribute_name_equal: ASCII case, spaces and hyphens ignored. */
static const char *skip_ignored(const char *s)
{
	while (*s == ' ' || *s == '-')
		s++;
	return s;
}

static int attribute_name_equal(const char *a, const char *b)
{
	for (;;) {
		a = skip_ignored(a);
		b = skip_ignored(b);
		if (!*a || !*b)
			return *a == *b;
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
		a++, b++;
	}
}

static const struct xb_snap_attr *attribute_find(const struct xb_snap_host *h, const char *name)
{
	for (size_t i = 0; i < h->snap->nattrs; i++)
		if ((h->derived || !h->snap->attrs[i].derived) && attribute_name_equal(h->snap->attrs[i].name, name))
			return &h->snap->attrs[i];
	return NULL;
}

static HRESULT STDMETHODCALLTYPE server_GetRequestAttribute(ICertServerExit *iface, const BSTR strAttributeName,
							    BSTR *pstrAttributeValue)
{
	struct server *s = impl_from(iface);
	char *name = NULL;
	HRESULT hr = E_POINTER;
	if (pstrAttributeValue) {
		*pstrAttributeValue = NULL;
		name = utf8_name(strAttributeName, &hr);
	}
	if (SUCCEEDED(hr))
		hr = fault(s, M_GET_REQUEST_ATTRIBUTE, name, s->context);
	if (SUCCEEDED(hr))
		hr = request_event(s);
	if (SUCCEEDED(hr)) {
		derive(s->host);
		const struct xb_snap_attr *a = attribute_find(s->host, name);
		hr = a ? xb_bstr_from_utf8(a->value, strlen(a->value), pstrAttributeValue, NULL) : CERTSRV_E_PROPERTY_EMPTY;
	}
	hr = report_bstr(s, M_GET_REQUEST_ATTRIBUTE, s->context, name, PROPTYPE_STRING, hr,
			 pstrAttributeValue ? *pstrAttributeValue : NULL);
	free(name);
	return hr;
}

/* ---- extensions ------------------------------------------------------------ */

/* emu/server.c's decode_extension. */
static HRESULT decode_extension(const struct xb_snap_ext *e, LONG type, VARIANT *out)
{
	struct xb_snap_value v = {.type = type};
	struct der_cursor c = {e->value, e->len};
	struct der_tlv t;
	size_t bad;
	if (type == PROPTYPE_BINARY) {
		v.bytes = e->value;
		v.len = e->len;
		return value_to_variant(&v, out);
	}
	if (der_next(&c, &t, &bad) || c.left)
		return E_INVALIDARG;
	HRESULT hr = E_INVALIDARG;
	int32_t l;
	xb_utc utc;
	char *text = NULL;
	if (type == PROPTYPE_STRING) {
		int rc = xb_der_string_text(&t, &text);
		hr = rc == 0 ? S_OK : rc == -2 ? E_OUTOFMEMORY : E_INVALIDARG;
		v.text = text;
	} else if (type == PROPTYPE_LONG && !der_integer_long(&t, &l)) {
		v.l = l;
		hr = S_OK;
	} else if (type == PROPTYPE_DATE && !der_time_utc(&t, &utc)) {
		hr = xb_date_from_utc(&utc, &v.date);
	}
	if (SUCCEEDED(hr))
		hr = value_to_variant(&v, out);
	free(text);
	return hr;
}

static const struct xb_snap_ext *extension_find(const struct xb_snap_host *h, const char *oid)
{
	for (size_t i = 0; i < h->snap->nexts; i++)
		if ((h->derived || !h->snap->exts[i].derived) && !strcmp(h->snap->exts[i].oid, oid))
			return &h->snap->exts[i];
	return NULL;
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateExtension(ICertServerExit *iface, const BSTR strExtensionName,
								LONG Type, VARIANT *pvarValue)
{
	struct server *s = impl_from(iface);
	char *name;
	HRESULT hr = begin_get(strExtensionName, Type, pvarValue, &name);
	if (SUCCEEDED(hr))
		hr = fault(s, M_GET_CERTIFICATE_EXTENSION, name, s->context);
	s->ext_flags = 0;
	if (SUCCEEDED(hr))
		hr = request_event(s);
	if (SUCCEEDED(hr)) {
		derive(s->host);
		const struct xb_snap_ext *e = extension_find(s->host, name);
		hr = e ? decode_extension(e, Type, pvarValue) : CERTSRV_E_PROPERTY_EMPTY;
		if (SUCCEEDED(hr))
			s->ext_flags = e->flags;
	}
	hr = report_variant(s, M_GET_CERTIFICATE_EXTENSION, name, Type, hr, pvarValue);
	free(name);
	return hr;
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateExtensionFlags(ICertServerExit *iface, LONG *pExtFlags)
{
	struct server *s = impl_from(iface);
	HRESULT hr = E_POINTER;
	if (pExtFlags) {
		*pExtFlags = 0;
		hr = fault(s, M_GET_CERTIFICATE_EXTENSION_FLAGS, NULL, s->context);
		if (SUCCEEDED(hr))
			*pExtFlags = s->ext_flags;
	}
	return report(s, M_GET_CERTIFICATE_EXTENSION_FLAGS, NULL, 0, hr);
}

/* ---- enumerations ------------------------------------------------------------ */

static HRESULT enum_setup(struct server *s, size_t *cursor, LONG flags)
{
	HRESULT hr = E_INVALIDARG;
	if (flags == 0)
		hr = request_event(s);
	if (SUCCEEDED(hr))
		*cursor = 0;
	return hr;
}

/* The visible items of a list, in order: derived ones are appended, so they are the tail once visible. */
static HRESULT enum_next(struct server *s, size_t *cursor, int extensions, BSTR *out)
{
	if (!out)
		return E_POINTER;
	*out = NULL;
	if (*cursor == CURSOR_CLOSED)
		return E_UNEXPECTED;
	HRESULT hr = request_event(s);
	if (FAILED(hr))
		return hr;
	derive(s->host);
	const struct xb_snapshot *snap = s->host->snap;
	size_t n = extensions ? snap->nexts : snap->nattrs;
	const char *name = NULL;
	if (*cursor < n)
		name = extensions ? snap->exts[*cursor].oid : snap->attrs[*cursor].name;
	hr = name ? xb_bstr_from_utf8(name, strlen(name), out, NULL) : S_FALSE;
	if (hr == S_OK)
		(*cursor)++;
	return hr;
}

static HRESULT enum_close(size_t *cursor)
{
	if (*cursor == CURSOR_CLOSED)
		return E_UNEXPECTED;
	*cursor = CURSOR_CLOSED;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensionsSetup(ICertServerExit *iface, LONG Flags)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, M_ENUMERATE_EXTENSIONS_SETUP, NULL, s->context);
	return report(s, M_ENUMERATE_EXTENSIONS_SETUP, NULL, 0, SUCCEEDED(hr) ? enum_setup(s, &s->ext_cursor, Flags) : hr);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensions(ICertServerExit *iface, BSTR *pstrExtensionName)
{
	struct server *s = impl_from(iface);
	HRESULT hr = pstrExtensionName ? fault(s, M_ENUMERATE_EXTENSIONS, NULL, s->context) : S_OK;
	if (SUCCEEDED(hr))
		hr = enum_next(s, &s->ext_cursor, 1, pstrExtensionName);
	else
		*pstrExtensionName = NULL;
	return report_bstr(s, M_ENUMERATE_EXTENSIONS, s->context, NULL, 0, hr,
			   pstrExtensionName ? *pstrExtensionName : NULL);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensionsClose(ICertServerExit *iface)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, M_ENUMERATE_EXTENSIONS_CLOSE, NULL, s->context);
	return report(s, M_ENUMERATE_EXTENSIONS_CLOSE, NULL, 0, SUCCEEDED(hr) ? enum_close(&s->ext_cursor) : hr);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributesSetup(ICertServerExit *iface, LONG Flags)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, M_ENUMERATE_ATTRIBUTES_SETUP, NULL, s->context);
	return report(s, M_ENUMERATE_ATTRIBUTES_SETUP, NULL, 0, SUCCEEDED(hr) ? enum_setup(s, &s->attr_cursor, Flags) : hr);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributes(ICertServerExit *iface, BSTR *pstrAttributeName)
{
	struct server *s = impl_from(iface);
	HRESULT hr = pstrAttributeName ? fault(s, M_ENUMERATE_ATTRIBUTES, NULL, s->context) : S_OK;
	if (SUCCEEDED(hr))
		hr = enum_next(s, &s->attr_cursor, 0, pstrAttributeName);
	else
		*pstrAttributeName = NULL;
	return report_bstr(s, M_ENUMERATE_ATTRIBUTES, s->context, NULL, 0, hr,
			   pstrAttributeName ? *pstrAttributeName : NULL);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributesClose(ICertServerExit *iface)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, M_ENUMERATE_ATTRIBUTES_CLOSE, NULL, s->context);
	return report(s, M_ENUMERATE_ATTRIBUTES_CLOSE, NULL, 0, SUCCEEDED(hr) ? enum_close(&s->attr_cursor) : hr);
}

static const ICertServerExitVtbl server_vtbl = {
	server_QueryInterface,
	server_AddRef,
	server_Release,
	server_GetTypeInfoCount,
	server_GetTypeInfo,
	server_GetIDsOfNames,
	server_Invoke,
	server_SetContext,
	server_GetRequestProperty,
	server_GetRequestAttribute,
	server_GetCertificateProperty,
	server_GetCertificateExtension,
	server_GetCertificateExtensionFlags,
	server_EnumerateExtensionsSetup,
	server_EnumerateExtensions,
	server_EnumerateExtensionsClose,
	server_EnumerateAttributesSetup,
	server_EnumerateAttributes,
	server_EnumerateAttributesClose,
};

HRESULT xb_snap_server_create(struct xb_snap_host *h, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return E_OUTOFMEMORY;
	s->ICertServerExit_iface.lpVtbl = &server_vtbl;
	atomic_init(&s->refs, 1);
	s->host = h;
	s->ext_cursor = s->attr_cursor = CURSOR_CLOSED;
	atomic_fetch_add(&h->refs, 1);
	atomic_fetch_add(&h->created, 1);
	atomic_fetch_add(&h->live, 1);
	HRESULT hr = ICertServerExit_QueryInterface(&s->ICertServerExit_iface, riid, ppv);
	ICertServerExit_Release(&s->ICertServerExit_iface);
	return hr;
}

/* ---- the class object ---------------------------------------------------- */

static struct xb_snap_host *from_factory(IClassFactory *iface)
{
	return (struct xb_snap_host *)((char *)iface - offsetof(struct xb_snap_host, IClassFactory_iface));
}

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	IClassFactory_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
	atomic_fetch_add(&from_factory(iface)->refs, 1);
	return 2; /* the host's count is not the factory's to report */
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
	host_unref(from_factory(iface));
	return 1;
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
							void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	return xb_snap_server_create(from_factory(iface), riid, ppv);
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface;
	(void)lock;
	return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {factory_QueryInterface, factory_AddRef, factory_Release,
					       factory_CreateInstance, factory_LockServer};

struct xb_snap_host *xb_snap_host_new(const struct xb_snap_hooks *hooks)
{
	struct xb_snap_host *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->IClassFactory_iface.lpVtbl = &factory_vtbl;
	atomic_init(&h->refs, 1);
	if (hooks)
		h->hooks = *hooks;
	return h;
}

void xb_snap_host_free(struct xb_snap_host *h)
{
	if (!h)
		return;
	h->snap = NULL;
	h->in_call = 0;
	memset(&h->hooks, 0, sizeof(h->hooks));
	host_unref(h);
}

IClassFactory *xb_snap_host_factory(struct xb_snap_host *h)
{
	return &h->IClassFactory_iface;
}
