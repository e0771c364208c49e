/*
 * The ICertServerExit object over a backend (server_core.h). Each object
 * has its own context, enumeration cursors and "last extension" flags, as
 * on Windows; the values belong to the backend, which the object reaches
 * through its context.
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
#include "props.h"
#include "server_core.h"

/* A cursor over a list that is neither set up nor open. */
#define CURSOR_CLOSED ((size_t)-1)

struct server {
	ICertServerExit ICertServerExit_iface;
	atomic_long refs;
	const struct xb_server_ops *ops;
	void *be;
	LONG context;      /* 0: the CA's properties; else an event in flight */
	LONG ext_flags;    /* of the last GetCertificateExtension on this object */
	size_t ext_cursor; /* EnumerateExtensions position, or CURSOR_CLOSED */
	size_t attr_cursor; /* EnumerateAttributes position, or CURSOR_CLOSED */
};

static struct server *impl_from(ICertServerExit *iface)
{
	return (struct server *)((char *)iface - offsetof(struct server, ICertServerExit_iface));
}

/* Whether the calling thread's current call was failed by fault injection (set by fault, read by report). */
static _Thread_local int call_injected;

/* The backend's fault injection for this call, before it has any effect (no cursor moves, nothing allocated). */
static HRESULT fault(struct server *s, const char *method, const char *name, LONG context)
{
	HRESULT hr = s->ops->fault ? s->ops->fault(s->be, method, name, context) : S_OK;
	call_injected = FAILED(hr);
	return hr;
}

/* Tells the backend about a call (and the BSTR it handed out, if any); returns its result. */
static HRESULT report_bstr(struct server *s, LONG context, const char *method, const char *name, LONG type,
			   HRESULT hr, const void *bstr)
{
	struct xb_server_call call = {context, method, name, type, hr, SUCCEEDED(hr) ? bstr : NULL, call_injected};
	call_injected = 0;
	if (s->ops->observe)
		s->ops->observe(s->be, &call);
	return hr;
}

static HRESULT report(struct server *s, const char *method, const char *name, LONG type, HRESULT hr)
{
	return report_bstr(s, s->context, method, name, type, hr, NULL);
}

static HRESULT report_variant(struct server *s, const char *method, const char *name, LONG type, HRESULT hr,
			      const VARIANT *v)
{
	return report_bstr(s, s->context, method, name, type, hr, v && V_VT(v) == VT_BSTR ? V_BSTR(v) : NULL);
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
		if (s->ops->gone)
			s->ops->gone(s->be);
		s->ops->unref(s->be);
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
static HRESULT value_to_variant(const struct xb_server_value *v, VARIANT *out)
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
static HRESULT answer(int found, const struct xb_server_value *v, LONG type, VARIANT *out)
{
	if (!found)
		return CERTSRV_E_PROPERTY_EMPTY;
	if (v->type != type)
		return E_INVALIDARG;
	return value_to_variant(v, out);
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
static int find_property(struct server *s, void *ev, enum xb_server_side side, const char *name,
			 struct xb_server_value *out)
{
	if (s->ops->find(s->be, ev, side, name, out))
		return 1;
	if (!strncasecmp(name, "Request.", 8)) {
		name += 8;
		if (s->ops->find(s->be, ev, side, name, out))
			return 1;
	}
	const char *canonical = xb_name_property_canonical(name);
	return canonical && s->ops->find(s->be, ev, side, canonical, out);
}

/*
 * A CA property (context 0). A name with a ".#" suffix is looked up as
 * given; an indexed property asked without one means the current CA
 * certificate, index CertCount - 1 (reference §3.5, unconfirmed).
 */
static int find_ca_property(struct server *s, const char *name, struct xb_server_value *out)
{
	if (s->ops->find(s->be, NULL, XB_SIDE_CA, name, out))
		return 1;
	if (strchr(name, '.'))
		return 0;
	struct xb_server_value count;
	LONG current = 0;
	if (s->ops->find(s->be, NULL, XB_SIDE_CA, "CertCount", &count) && count.type == PROPTYPE_LONG && count.l > 0)
		current = count.l - 1;
	char indexed[160];
	if ((size_t)snprintf(indexed, sizeof(indexed), "%s.%ld", name, (long)current) >= sizeof(indexed))
		return 0;
	return s->ops->find(s->be, NULL, XB_SIDE_CA, indexed, out);
}

/*
 * A property of a locked event: as given, else derived. Values the trace
 * gives win anyway, so a hit needs no derivation.
 */
static int event_property(struct server *s, void *ev, enum xb_server_side side, const char *name,
			  struct xb_server_value *out)
{
	if (find_property(s, ev, side, name, out))
		return 1;
	s->ops->derive(s->be, ev);
	return find_property(s, ev, side, name, out);
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
		struct xb_server_event ev;
		if (s->ops->lock_event(s->be, Context, &ev))
			s->ops->unlock(s->be);
		else
			hr = E_INVALIDARG;
	}
	if (SUCCEEDED(hr)) {
		s->context = Context;
		s->ext_flags = 0;
		s->ext_cursor = s->attr_cursor = CURSOR_CLOSED;
	}
	return report_bstr(s, Context, "SetContext", NULL, 0, hr, NULL);
}

/*
 * Locks the event of this object's context for a call that needs a
 * request: E_UNEXPECTED at context 0 (no SetContext yet) or when the
 * context's Notify has returned, and for an event without a request
 * (crlissued, shutdown).
 */
static HRESULT request_event(struct server *s, struct xb_server_event *ev)
{
	if (!s->context || !s->ops->lock_event(s->be, s->context, ev))
		return E_UNEXPECTED;
	if (!ev->has_request) {
		s->ops->unlock(s->be);
		return E_UNEXPECTED;
	}
	return S_OK;
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
	struct xb_server_event ev;
	if (SUCCEEDED(hr) && SUCCEEDED(hr = request_event(s, &ev))) {
		struct xb_server_value v;
		int found = event_property(s, ev.ev, XB_SIDE_REQUEST, name, &v);
		hr = answer(found, &v, PropertyType, pvarPropertyValue);
		s->ops->unlock(s->be);
	}
	hr = report_variant(s, "GetRequestProperty", name, PropertyType, hr, pvarPropertyValue);
	free(name);
	return hr;
}

/*
 * Certificate properties: with a request context, the event's certificate
 * side (nothing before issuance); RequestID exists on both sides. With
 * context 0, the CA's properties, where ModuleRegistryLocation is the
 * calling module's own key (each module of a CA has one).
 */
static HRESULT certificate_property(struct server *s, const char *name, LONG type, VARIANT *out)
{
	struct xb_server_value v = {.type = PROPTYPE_STRING};
	int found;
	if (s->context == 0) {
		s->ops->lock_ca(s->be);
		const char *location = s->ops->module_location(s->be);
		if (!strcasecmp(name, "ModuleRegistryLocation") && location) {
			v.text = location;
			found = 1;
		} else {
			found = find_ca_property(s, name, &v);
		}
		HRESULT hr = answer(found, &v, type, out);
		s->ops->unlock(s->be);
		return hr;
	}
	struct xb_server_event ev;
	if (!s->ops->lock_event(s->be, s->context, &ev))
		return E_UNEXPECTED;
	found = ev.has_certificate && event_property(s, ev.ev, XB_SIDE_CERTIFICATE, name, &v);
	if (!found && !strcasecmp(name, "RequestID") && ev.has_request)
		found = s->ops->find(s->be, ev.ev, XB_SIDE_REQUEST, "RequestID", &v);
	HRESULT hr = answer(found, &v, type, out);
	s->ops->unlock(s->be);
	return hr;
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateProperty(ICertServerExit *iface, const BSTR strPropertyName,
							       LONG PropertyType, VARIANT *pvarPropertyValue)
{
	struct server *s = impl_from(iface);
	char *name;
	HRESULT hr = begin_get(strPropertyName, PropertyType, pvarPropertyValue, &name);
	if (SUCCEEDED(hr))
		hr = fault(s, "GetCertificateProperty", name, s->context);
	if (SUCCEEDED(hr))
		hr = certificate_property(s, name, PropertyType, pvarPropertyValue);
	hr = report_variant(s, "GetCertificateProperty", name, PropertyType, hr, pvarPropertyValue);
	free(name);
	return hr;
}

/* ---- attributes ---------------------------------------------------------- */

/* A request attribute's value by name (case, spaces and hyphens ignored), after derivation, or NULL. */
static const char *find_attribute(struct server *s, void *ev, const char *name)
{
	const char *item, *value;
	s->ops->derive(s->be, ev);
	for (size_t i = 0; s->ops->attribute(s->be, ev, i, &item, &value); i++)
		if (xb_attribute_name_equal(item, name))
			return value;
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
		hr = fault(s, "GetRequestAttribute", name, s->context);
	struct xb_server_event ev;
	if (SUCCEEDED(hr) && SUCCEEDED(hr = request_event(s, &ev))) {
		const char *value = find_attribute(s, ev.ev, name);
		hr = value ? xb_bstr_from_utf8(value, strlen(value), pstrAttributeValue, NULL) : CERTSRV_E_PROPERTY_EMPTY;
		s->ops->unlock(s->be);
	}
	hr = report_bstr(s, s->context, "GetRequestAttribute", name, PROPTYPE_STRING, hr,
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
static HRESULT decode_extension(const struct xb_server_ext *e, LONG type, VARIANT *out)
{
	struct xb_server_value v = {.type = type};
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

/* An extension by its dotted OID, after derivation: 1, or 0. */
static int find_extension(struct server *s, void *ev, const char *oid, struct xb_server_ext *out)
{
	s->ops->derive(s->be, ev);
	for (size_t i = 0; s->ops->extension(s->be, ev, i, out); i++)
		if (!strcmp(out->oid, oid))
			return 1;
	return 0;
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
	struct xb_server_event ev;
	if (SUCCEEDED(hr) && SUCCEEDED(hr = request_event(s, &ev))) {
		struct xb_server_ext e;
		hr = find_extension(s, ev.ev, name, &e) ? decode_extension(&e, Type, pvarValue) : CERTSRV_E_PROPERTY_EMPTY;
		if (SUCCEEDED(hr))
			s->ext_flags = e.flags;
		s->ops->unlock(s->be);
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
	struct xb_server_event ev;
	if (flags == 0 && SUCCEEDED(hr = request_event(s, &ev)))
		s->ops->unlock(s->be);
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
	struct xb_server_event ev;
	HRESULT hr = request_event(s, &ev);
	if (FAILED(hr))
		return hr;
	s->ops->derive(s->be, ev.ev);
	const char *name = NULL, *value;
	struct xb_server_ext e;
	if (extensions && s->ops->extension(s->be, ev.ev, *cursor, &e))
		name = e.oid;
	else if (!extensions && !s->ops->attribute(s->be, ev.ev, *cursor, &name, &value))
		name = NULL;
	hr = name ? xb_bstr_from_utf8(name, strlen(name), out, NULL) : S_FALSE;
	if (hr == S_OK)
		(*cursor)++;
	s->ops->unlock(s->be);
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

/* EnumerateExtensions and EnumerateAttributes: one name per call. */
static HRESULT enumerate(struct server *s, const char *method, size_t *cursor, int extensions, BSTR *out)
{
	HRESULT hr = out ? fault(s, method, NULL, s->context) : S_OK;
	if (SUCCEEDED(hr))
		hr = enum_next(s, cursor, extensions, out);
	else
		*out = NULL;
	return report_bstr(s, s->context, method, NULL, 0, hr, out ? *out : NULL);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensions(ICertServerExit *iface, BSTR *pstrExtensionName)
{
	struct server *s = impl_from(iface);
	return enumerate(s, "EnumerateExtensions", &s->ext_cursor, 1, pstrExtensionName);
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
	return enumerate(s, "EnumerateAttributes", &s->attr_cursor, 0, pstrAttributeName);
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

HRESULT xb_server_core_create(const struct xb_server_ops *ops, void *be, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return E_OUTOFMEMORY;
	s->ICertServerExit_iface.lpVtbl = &server_vtbl;
	atomic_init(&s->refs, 1);
	s->ops = ops;
	s->be = be;
	s->ext_cursor = s->attr_cursor = CURSOR_CLOSED;
	ops->ref(be);
	if (ops->born)
		ops->born(be);
	HRESULT hr = ICertServerExit_QueryInterface(&s->ICertServerExit_iface, riid, ppv);
	ICertServerExit_Release(&s->ICertServerExit_iface);
	return hr;
}

/* ---- the class object ---------------------------------------------------- */

static struct xb_server_factory *from_factory(IClassFactory *iface)
{
	return (struct xb_server_factory *)((char *)iface - offsetof(struct xb_server_factory, IClassFactory_iface));
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
	struct xb_server_factory *f = from_factory(iface);
	f->ops->ref(f->be);
	return 2; /* the backend's count is not the factory's to report */
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
	struct xb_server_factory *f = from_factory(iface);
	f->ops->unref(f->be);
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
	struct xb_server_factory *f = from_factory(iface);
	return xb_server_core_create(f->ops, f->be, riid, ppv);
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface;
	(void)lock;
	return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {factory_QueryInterface, factory_AddRef, factory_Release,
					       factory_CreateInstance, factory_LockServer};

void xb_server_factory_init(struct xb_server_factory *f, const struct xb_server_ops *ops, void *be)
{
	f->IClassFactory_iface.lpVtbl = &factory_vtbl;
	f->ops = ops;
	f->be = be;
}
