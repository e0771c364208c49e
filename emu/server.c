/*
 * CCertServerExit: the ICertServerExit object a module creates to read an
 * event (reference §1.5, §3, §4.4-4.7). Each object has its own context,
 * enumeration cursors and "last extension" flags, as on Windows; the event
 * data belongs to the engine, which the object reaches through its
 * context. Choices where Windows is not documented are in
 * docs/decisions.md ("The server object").
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "der.h"
#include "engine.h"
#include "event.h"
#include "name.h"
#include "name_props.h"
#include "request_props.h"

/* A cursor over a list that is neither set up nor open. */
#define CURSOR_CLOSED ((size_t)-1)

struct server {
	ICertServerExit ICertServerExit_iface;
	atomic_long refs;
	struct xb_engine *engine;
	LONG context;          /* 0: the CA's properties; else an event in flight */
	LONG ext_flags;        /* of the last GetCertificateExtension on this object */
	size_t ext_cursor;     /* EnumerateExtensions position, or CURSOR_CLOSED */
	size_t attr_cursor;    /* EnumerateAttributes position, or CURSOR_CLOSED */
};

static struct server *impl_from(ICertServerExit *iface)
{
	return (struct server *)((char *)iface - offsetof(struct server, ICertServerExit_iface));
}

/* Whether the calling thread's current call was failed by fault injection (set by fault, read by report). */
static _Thread_local int call_injected;

/*
 * The engine's fault injection for this call: S_OK to go on, or the
 * HRESULT to fail it with, before it has any effect (no cursor moves, no
 * context changes, nothing is allocated).
 */
static HRESULT fault(struct server *s, const char *method, const char *name, LONG context)
{
	HRESULT hr = xb_engine_fault(s->engine, method, name, context);
	call_injected = FAILED(hr);
	return hr;
}

/* Tells the engine's observer about a call (and the BSTR it handed out, if any); returns its result. */
static HRESULT report_bstr(struct server *s, const char *method, const char *name, LONG type, HRESULT hr,
			   const void *bstr)
{
	struct xb_server_call call = {s->context, method, name, type, hr, SUCCEEDED(hr) ? bstr : NULL, call_injected};
	call_injected = 0;
	xb_engine_observe(s->engine, &call);
	return hr;
}

static HRESULT report(struct server *s, const char *method, const char *name, LONG type, HRESULT hr)
{
	return report_bstr(s, method, name, type, hr, NULL);
}

/* The BSTR inside a VARIANT the server filled, or NULL. */
static const void *variant_bstr(const VARIANT *v)
{
	return v && V_VT(v) == VT_BSTR ? V_BSTR(v) : NULL;
}

static HRESULT report_variant(struct server *s, const char *method, const char *name, LONG type, HRESULT hr,
			      const VARIANT *v)
{
	return report_bstr(s, method, name, type, hr, variant_bstr(v));
}

/* ---- IUnknown and IDispatch ------------------------------------------- */

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
		xb_engine_server_gone(s->engine);
		xb_engine_unref(s->engine);
		free(s);
	}
	return (ULONG)left;
}

/*
 * No type library: modules written in C or C++ call the vtable, and a
 * script host is out of this tool's scope. GetTypeInfoCount says so (0),
 * which is what IDispatch callers check first.
 */
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

/* ---- values ------------------------------------------------------------ */

/* The VARIANT a CA returns for a stored value (reference §3.1's table). */
static HRESULT value_to_variant(const struct xb_value *v, VARIANT *out)
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

/*
 * The stored value for a request of that type: a property of another type
 * is E_INVALIDARG (docs/decisions.md), and the VARIANT stays VT_EMPTY.
 */
static HRESULT answer(const struct xb_prop *p, LONG type, VARIANT *out)
{
	if (!p)
		return CERTSRV_E_PROPERTY_EMPTY;
	if (p->value.type != type)
		return E_INVALIDARG;
	return value_to_variant(&p->value, out);
}

/* A name from a module as UTF-8 (free it), or NULL with *hr set. */
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

/*
 * A request- or certificate-side property by the name a module uses: the
 * name itself, then without a "Request." prefix (the database's column
 * names, accepted as aliases), then as a name property's canonical name
 * ("CN", "Subject.CommonName", "2.5.4.3" -> "CommonName").
 */
static const struct xb_prop *find_property(const struct xb_props *props, const char *name)
{
	const struct xb_prop *p = xb_props_find(props, name);
	if (p)
		return p;
	if (!strncasecmp(name, "Request.", 8)) {
		name += 8;
		if ((p = xb_props_find(props, name)))
			return p;
	}
	const char *canonical = xb_name_property_canonical(name);
	return canonical ? xb_props_find(props, canonical) : NULL;
}

/*
 * A CA property (context 0). A name with a ".#" suffix is looked up as
 * given; an indexed property asked without one means the current CA
 * certificate, index CertCount - 1 (reference §3.5, unconfirmed).
 */
static const struct xb_prop *find_ca_property(const struct xb_props *ca, const char *name)
{
	const struct xb_prop *p = xb_props_find(ca, name);
	if (p || strchr(name, '.'))
		return p;
	const struct xb_prop *count = xb_props_find(ca, "CertCount");
	LONG current = count && count->value.type == PROPTYPE_LONG && count->value.l > 0 ? count->value.l - 1 : 0;
	char indexed[160];
	if ((size_t)snprintf(indexed, sizeof(indexed), "%s.%ld", name, (long)current) >= sizeof(indexed))
		return NULL;
	return xb_props_find(ca, indexed);
}

/*
 * ModuleRegistryLocation is the calling module's own key (each module of a
 * CA has one), so the engine's per-thread value wins over the trace's.
 */
static const struct xb_prop *module_location_property(void)
{
	static _Thread_local struct xb_prop prop;
	static char name[] = "ModuleRegistryLocation";
	prop.name = name;
	prop.value.type = PROPTYPE_STRING;
	prop.value.text = (char *)(uintptr_t)xb_engine_module_location(); /* read only */
	return &prop;
}

/* ---- SetContext and the property getters ------------------------------- */

/*
 * 0 selects the CA properties; anything else must be an event in flight
 * (the Context of a Notify that has not returned): E_INVALIDARG otherwise.
 */
static HRESULT STDMETHODCALLTYPE server_SetContext(ICertServerExit *iface, LONG Context)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, "SetContext", NULL, Context);
	if (SUCCEEDED(hr) && Context != 0) {
		if (xb_engine_lock_event(s->engine, Context))
			xb_engine_unlock(s->engine);
		else
			hr = E_INVALIDARG;
	}
	if (SUCCEEDED(hr)) {
		s->context = Context;
		s->ext_flags = 0;
		s->ext_cursor = s->attr_cursor = CURSOR_CLOSED;
	}
	struct xb_server_call call = {Context, "SetContext", NULL, 0, hr, NULL, call_injected};
	call_injected = 0;
	xb_engine_observe(s->engine, &call);
	return hr;
}

/*
 * The event of this object's context, locked, for a call that needs a
 * request: E_UNEXPECTED at context 0 (no SetContext yet) or when the
 * context's Notify has returned, and for an event without a request
 * (crlissued, shutdown).
 */
static struct xb_event *request_event(struct server *s, HRESULT *hr)
{
	struct xb_event *ev = s->context ? xb_engine_lock_event(s->engine, s->context) : NULL;
	if (!ev) {
		*hr = E_UNEXPECTED;
		return NULL;
	}
	if (!xb_event_has_request(ev->kind)) {
		xb_engine_unlock(s->engine);
		*hr = E_UNEXPECTED;
		return NULL;
	}
	*hr = S_OK;
	return ev;
}

/*
 * A property of a locked event: as the trace gave it, else derived. Values
 * the trace gives win anyway, so a hit needs no derivation.
 */
static const struct xb_prop *event_property(struct server *s, struct xb_event *ev, const struct xb_props *side,
					    const char *name)
{
	const struct xb_prop *p = find_property(side, name);
	if (!p && !ev->derived) {
		xb_engine_derive_locked(s->engine, ev);
		p = find_property(side, name);
	}
	return p;
}

/* What GetRequestProperty and GetCertificateProperty share: argument checks and conversion. */
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
		hr = fault(s, "GetRequestProperty", name, s->context);
	if (SUCCEEDED(hr)) {
		struct xb_event *ev = request_event(s, &hr);
		if (ev) {
			hr = answer(event_property(s, ev, &ev->request, name), PropertyType, pvarPropertyValue);
			xb_engine_unlock(s->engine);
		}
	}
	hr = report_variant(s, "GetRequestProperty", name, PropertyType, hr, pvarPropertyValue);
	free(name);
	return hr;
}

/*
 * Certificate properties: with a request context, the event's certificate
 * side (nothing before issuance); RequestID exists on both sides. With
 * context 0, the CA's properties.
 */
static const struct xb_prop *certificate_property(struct server *s, const char *name, HRESULT *hr)
{
	*hr = S_OK;
	if (s->context == 0) {
		const struct xb_props *ca = xb_engine_lock_ca(s->engine);
		if (!strcasecmp(name, "ModuleRegistryLocation") && xb_engine_module_location())
			return module_location_property();
		return find_ca_property(ca, name);
	}
	struct xb_event *ev = xb_engine_lock_event(s->engine, s->context);
	if (!ev) {
		*hr = E_UNEXPECTED;
		return NULL;
	}
	const struct xb_prop *p = NULL;
	if (xb_event_has_certificate(ev))
		p = event_property(s, ev, &ev->cert, name);
	if (!p && !strcasecmp(name, "RequestID") && xb_event_has_request(ev->kind))
		p = xb_props_find(&ev->request, "RequestID");
	return p;
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateProperty(ICertServerExit *iface, const BSTR strPropertyName,
							       LONG PropertyType, VARIANT *pvarPropertyValue)
{
	struct server *s = impl_from(iface);
	char *name;
	HRESULT hr = begin_get(strPropertyName, PropertyType, pvarPropertyValue, &name);
	if (SUCCEEDED(hr))
		hr = fault(s, "GetCertificateProperty", name, s->context);
	if (SUCCEEDED(hr)) {
		const struct xb_prop *p = certificate_property(s, name, &hr);
		if (SUCCEEDED(hr)) {
			hr = answer(p, PropertyType, pvarPropertyValue);
			xb_engine_unlock(s->engine);
		}
	}
	hr = report_variant(s, "GetCertificateProperty", name, PropertyType, hr, pvarPropertyValue);
	free(name);
	return hr;
}

/* ---- attributes ---------------------------------------------------------- */

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
		hr = fault(s, "GetRequestAttribute", name, s->context);
	if (SUCCEEDED(hr)) {
		struct xb_event *ev = request_event(s, &hr);
		if (ev) {
			xb_engine_derive_locked(s->engine, ev);
			const struct xb_prop *p = xb_attribute_find(&ev->attrs, name); /* case, spaces, hyphens ignored */
			hr = p ? xb_bstr_from_utf8(p->value.text, strlen(p->value.text), pstrAttributeValue, NULL)
			       : CERTSRV_E_PROPERTY_EMPTY;
			xb_engine_unlock(s->engine);
		}
	}
	hr = report_bstr(s, "GetRequestAttribute", name, PROPTYPE_STRING, hr,
			 pstrAttributeValue ? *pstrAttributeValue : NULL);
	free(name);
	return hr;
}

/* ---- extensions ---------------------------------------------------------- */

/*
 * An extension value asked as a type other than BINARY (reference §4.6):
 * STRING decodes a DER string (IA5String as documented; UTF8String,
 * PrintableString and BMPString too), LONG a DER INTEGER that fits 32
 * bits, DATE a UTCTime or GeneralizedTime. Another encoding is
 * E_INVALIDARG, as a type mismatch of a property is.
 */
static HRESULT decode_extension(const struct xb_ext *e, LONG type, VARIANT *out)
{
	struct xb_value v = {.type = type};
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
	if (type == PROPTYPE_STRING) {
		int rc = xb_der_string_text(&t, &v.text);
		hr = rc == 0 ? S_OK : rc == -2 ? E_OUTOFMEMORY : E_INVALIDARG;
	} else if (type == PROPTYPE_LONG && !der_integer_long(&t, &l)) {
		v.l = l;
		hr = S_OK;
	} else if (type == PROPTYPE_DATE && !der_time_utc(&t, &utc)) {
		hr = xb_date_from_utc(&utc, &v.date);
	}
	if (SUCCEEDED(hr))
		hr = value_to_variant(&v, out);
	free(v.text);
	return hr;
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateExtension(ICertServerExit *iface, const BSTR strExtensionName,
								LONG Type, VARIANT *pvarValue)
{
	struct server *s = impl_from(iface);
	char *name;
	HRESULT hr = begin_get(strExtensionName, Type, pvarValue, &name);
	if (SUCCEEDED(hr))
		hr = fault(s, "GetCertificateExtension", name, s->context);
	s->ext_flags = 0;
	if (SUCCEEDED(hr)) {
		struct xb_event *ev = request_event(s, &hr);
		if (ev) {
			xb_engine_derive_locked(s->engine, ev);
			const struct xb_ext *e = xb_exts_find(&ev->exts, name);
			hr = e ? decode_extension(e, Type, pvarValue) : CERTSRV_E_PROPERTY_EMPTY;
			if (SUCCEEDED(hr))
				s->ext_flags = e->flags;
			xb_engine_unlock(s->engine);
		}
	}
	hr = report_variant(s, "GetCertificateExtension", name, Type, hr, pvarValue);
	free(name);
	return hr;
}

/* The flags of this object's last successful GetCertificateExtension (0 when none). */
static HRESULT STDMETHODCALLTYPE server_GetCertificateExtensionFlags(ICertServerExit *iface, LONG *pExtFlags)
{
	struct server *s = impl_from(iface);
	HRESULT hr = E_POINTER;
	if (pExtFlags) {
		*pExtFlags = 0;
		hr = fault(s, "GetCertificateExtensionFlags", NULL, s->context);
		if (SUCCEEDED(hr))
			*pExtFlags = s->ext_flags;
	}
	return report(s, "GetCertificateExtensionFlags", NULL, 0, hr);
}

/* ---- enumerations -------------------------------------------------------- */

/*
 * Setup needs a request context and Flags 0; it (re)starts the cursor.
 * The next call returns a name per S_OK and S_FALSE (with NULL) at the end;
 * without Setup, or after Close, it is E_UNEXPECTED, as is Close without
 * Setup.
 */
static HRESULT enum_setup(struct server *s, size_t *cursor, LONG flags)
{
	HRESULT hr = E_INVALIDARG;
	if (flags == 0) {
		struct xb_event *ev = request_event(s, &hr);
		if (ev)
			xb_engine_unlock(s->engine);
	}
	if (SUCCEEDED(hr))
		*cursor = 0;
	return hr;
}

static HRESULT enum_next(struct server *s, size_t *cursor, int extensions, BSTR *out)
{
	if (!out)
		return E_POINTER;
	*out = NULL;
	if (*cursor == CURSOR_CLOSED)
		return E_UNEXPECTED;
	HRESULT hr;
	struct xb_event *ev = request_event(s, &hr);
	if (!ev)
		return hr;
	xb_engine_derive_locked(s->engine, ev);
	size_t n = extensions ? ev->exts.n : ev->attrs.n;
	const char *name = NULL;
	if (*cursor < n)
		name = extensions ? ev->exts.items[*cursor].oid : ev->attrs.items[*cursor].name;
	hr = name ? xb_bstr_from_utf8(name, strlen(name), out, NULL) : S_FALSE;
	if (hr == S_OK)
		(*cursor)++;
	xb_engine_unlock(s->engine);
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
	HRESULT hr = fault(s, "EnumerateExtensionsSetup", NULL, s->context);
	return report(s, "EnumerateExtensionsSetup", NULL, 0, SUCCEEDED(hr) ? enum_setup(s, &s->ext_cursor, Flags) : hr);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensions(ICertServerExit *iface, BSTR *pstrExtensionName)
{
	struct server *s = impl_from(iface);
	HRESULT hr = pstrExtensionName ? fault(s, "EnumerateExtensions", NULL, s->context) : S_OK;
	if (SUCCEEDED(hr))
		hr = enum_next(s, &s->ext_cursor, 1, pstrExtensionName);
	else
		*pstrExtensionName = NULL;
	return report_bstr(s, "EnumerateExtensions", NULL, 0, hr, pstrExtensionName ? *pstrExtensionName : NULL);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensionsClose(ICertServerExit *iface)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, "EnumerateExtensionsClose", NULL, s->context);
	return report(s, "EnumerateExtensionsClose", NULL, 0, SUCCEEDED(hr) ? enum_close(&s->ext_cursor) : hr);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributesSetup(ICertServerExit *iface, LONG Flags)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, "EnumerateAttributesSetup", NULL, s->context);
	return report(s, "EnumerateAttributesSetup", NULL, 0, SUCCEEDED(hr) ? enum_setup(s, &s->attr_cursor, Flags) : hr);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributes(ICertServerExit *iface, BSTR *pstrAttributeName)
{
	struct server *s = impl_from(iface);
	HRESULT hr = pstrAttributeName ? fault(s, "EnumerateAttributes", NULL, s->context) : S_OK;
	if (SUCCEEDED(hr))
		hr = enum_next(s, &s->attr_cursor, 0, pstrAttributeName);
	else
		*pstrAttributeName = NULL;
	return report_bstr(s, "EnumerateAttributes", NULL, 0, hr, pstrAttributeName ? *pstrAttributeName : NULL);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributesClose(ICertServerExit *iface)
{
	struct server *s = impl_from(iface);
	HRESULT hr = fault(s, "EnumerateAttributesClose", NULL, s->context);
	return report(s, "EnumerateAttributesClose", NULL, 0, SUCCEEDED(hr) ? enum_close(&s->attr_cursor) : hr);
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

HRESULT xb_server_create(struct xb_engine *engine, REFIID riid, void **ppv)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return E_OUTOFMEMORY;
	s->ICertServerExit_iface.lpVtbl = &server_vtbl;
	atomic_init(&s->refs, 1);
	s->engine = engine;
	s->ext_cursor = s->attr_cursor = CURSOR_CLOSED;
	xb_engine_ref(engine);
	xb_engine_server_born(engine);
	HRESULT hr = ICertServerExit_QueryInterface(&s->ICertServerExit_iface, riid, ppv);
	ICertServerExit_Release(&s->ICertServerExit_iface);
	return hr;
}
