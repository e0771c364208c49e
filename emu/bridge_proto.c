/* The bridge protocol's messages (bridge_proto.h; the layout is in docs/bridge-protocol.md). */
#include <stdio.h>
#include <string.h>

#include "bridge_proto.h"

static const struct {
	unsigned type;
	const char *name;
	int calls_module;
} types[] = {
	{XB_MSG_HELLO, "HELLO", 0},
	{XB_MSG_LOAD, "LOAD", 0},
	{XB_MSG_INITIALIZE, "INITIALIZE", 1},
	{XB_MSG_GET_DESCRIPTION, "GET_DESCRIPTION", 1},
	{XB_MSG_GET_MANAGE_MODULE, "GET_MANAGE_MODULE", 1},
	{XB_MSG_MANAGE_GET_PROPERTY, "MANAGE_GET_PROPERTY", 1},
	{XB_MSG_MANAGE_RELEASE, "MANAGE_RELEASE", 1},
	{XB_MSG_NOTIFY, "NOTIFY", 1},
	{XB_MSG_RELEASE, "RELEASE", 1},
	{XB_MSG_BYE, "BYE", 0},
	{XB_MSG_SHM, "SHM", 0},
	{XB_MSG_INJECT, "INJECT", 0},
	{XB_MSG_HELLO_OK, "HELLO_OK", 0},
	{XB_MSG_LOADED, "LOADED", 0},
	{XB_MSG_RESULT, "RESULT", 0},
	{XB_MSG_SHM_READY, "SHM_READY", 0},
	{XB_MSG_INJECT_READY, "INJECT_READY", 0},
	{XB_MSG_BROKEN, "BROKEN", 0},
};

const char *xb_bridge_type_name(unsigned type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	return NULL;
}

int xb_bridge_calls_module(unsigned type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].calls_module;
	return 0;
}

/* In ICertServerExit's vtable order, after IUnknown and IDispatch. */
static const char *const methods[XB_BRIDGE_METHOD_COUNT] = {
	"SetContext",
	"GetRequestProperty",
	"GetRequestAttribute",
	"GetCertificateProperty",
	"GetCertificateExtension",
	"GetCertificateExtensionFlags",
	"EnumerateExtensionsSetup",
	"EnumerateExtensions",
	"EnumerateExtensionsClose",
	"EnumerateAttributesSetup",
	"EnumerateAttributes",
	"EnumerateAttributesClose",
};

const char *xb_bridge_method_name(unsigned i)
{
	return i < XB_BRIDGE_METHOD_COUNT ? methods[i] : NULL;
}

int xb_bridge_method_index(const char *name)
{
	for (unsigned i = 0; name && i < XB_BRIDGE_METHOD_COUNT; i++)
		if (!strcmp(methods[i], name))
			return (int)i;
	return -1;
}

int xb_bridge_check_length(uint32_t length, char *error, size_t errsize)
{
	if (length == 0) {
		snprintf(error, errsize, "malformed: an empty message (no type byte)");
		return -1;
	}
	if (length > XB_WIRE_MAX_MESSAGE) {
		snprintf(error, errsize, "oversized: a message of %lu bytes, over the limit of %u",
			 (unsigned long)length, XB_WIRE_MAX_MESSAGE);
		return -1;
	}
	return 0;
}

/* ---- the snapshot ------------------------------------------------------ */

#define SNAP_IN_FLIGHT 0x01
#define SNAP_HAS_CERTIFICATE 0x02
#define SNAP_DERIVE_PENDING 0x04

/* The smallest encodings, which bound what a count can claim. */
#define MIN_PROP 10    /* type, derived, name length, a 4-byte value */
#define MIN_ATTR 9     /* derived, two lengths */
#define MIN_EXT 13     /* derived, oid length, flags, value length */
#define MIN_CALL 19    /* method, context, name flag, type, hr, flags, BSTR number */
#define MIN_SETTING 12 /* name length, type, data length */
#define MIN_STRING 4

static void put_value(struct xb_wbuf *w, const struct xb_server_value *v)
{
	switch (v->type) {
	case PROPTYPE_LONG:
		xb_put_i32(w, v->l);
		break;
	case PROPTYPE_DATE:
		xb_put_f64(w, v->date);
		break;
	case PROPTYPE_STRING:
		xb_put_str(w, v->text);
		break;
	case PROPTYPE_BINARY:
		xb_put_bytes(w, v->bytes, v->len);
		break;
	default:
		w->failed = 1;
	}
}

static void put_set(struct xb_wbuf *w, const struct xb_snap_set *s)
{
	xb_put_u32(w, (uint32_t)s->n);
	for (size_t i = 0; i < s->n; i++) {
		xb_put_u8(w, (uint8_t)s->items[i].value.type);
		xb_put_u8(w, s->items[i].derived ? 1 : 0);
		xb_put_str(w, s->items[i].name);
		put_value(w, &s->items[i].value);
	}
}

static void put_snapshot(struct xb_wbuf *w, const struct xb_snapshot *s)
{
	uint8_t flags = (s->context ? SNAP_IN_FLIGHT : 0) | (s->has_certificate ? SNAP_HAS_CERTIFICATE : 0) |
			(s->derive_pending ? SNAP_DERIVE_PENDING : 0);
	xb_put_u8(w, flags);
	xb_put_i32(w, s->kind);
	xb_put_i32(w, s->context);
	xb_put_optstr(w, s->module_location);
	put_set(w, &s->ca);
	if (!s->context)
		return;
	put_set(w, &s->request);
	put_set(w, &s->cert);
	xb_put_u32(w, (uint32_t)s->nattrs);
	for (size_t i = 0; i < s->nattrs; i++) {
		xb_put_u8(w, s->attrs[i].derived ? 1 : 0);
		xb_put_str(w, s->attrs[i].name);
		xb_put_str(w, s->attrs[i].value);
	}
	xb_put_u32(w, (uint32_t)s->nexts);
	for (size_t i = 0; i < s->nexts; i++) {
		xb_put_u8(w, s->exts[i].derived ? 1 : 0);
		xb_put_str(w, s->exts[i].oid);
		xb_put_i32(w, s->exts[i].flags);
		xb_put_bytes(w, s->exts[i].value, s->exts[i].len);
	}
}

static int get_value(struct xb_rbuf *r, struct xb_server_value *v)
{
	int32_t l;
	switch (v->type) {
	case PROPTYPE_LONG:
		if (xb_get_i32(r, &l, "a LONG value"))
			return -1;
		v->l = l;
		return 0;
	case PROPTYPE_DATE:
		return xb_get_f64(r, &v->date, "a DATE value");
	case PROPTYPE_STRING:
		return xb_get_str(r, &v->text, "a STRING value");
	default:
		return xb_get_bytes(r, &v->bytes, &v->len, "a BINARY value");
	}
}

static int get_set(struct xb_rbuf *r, struct xb_snap_set *s, const char *what)
{
	size_t n;
	if (xb_get_count(r, &n, MIN_PROP, what))
		return -1;
	struct xb_snap_prop *items = xb_rbuf_array(r, n, sizeof(*items));
	if (!items)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t type;
		size_t at = r->off;
		if (xb_get_u8(r, &type, "a property type"))
			return -1;
		if (type != PROPTYPE_LONG && type != PROPTYPE_DATE && type != PROPTYPE_BINARY && type != PROPTYPE_STRING)
			return xb_rbuf_fail(r, "malformed: property type %u at byte %zu of %s is no PROPTYPE_*", type, at,
					    what);
		items[i].value.type = type;
		if (xb_get_bool(r, &items[i].derived, "a property's derived flag") ||
		    xb_get_str(r, &items[i].name, "a property name") || get_value(r, &items[i].value))
			return -1;
	}
	s->items = items;
	s->n = n;
	return 0;
}

static int get_snapshot(struct xb_rbuf *r, struct xb_snapshot *s)
{
	uint8_t flags;
	size_t at = r->off;
	memset(s, 0, sizeof(*s));
	if (xb_get_u8(r, &flags, "the snapshot flags"))
		return -1;
	if (flags & ~(SNAP_IN_FLIGHT | SNAP_HAS_CERTIFICATE | SNAP_DERIVE_PENDING))
		return xb_rbuf_fail(r, "malformed: snapshot flags 0x%02X at byte %zu have undefined bits", flags, at);
	if (!(flags & SNAP_IN_FLIGHT) && (flags & (SNAP_HAS_CERTIFICATE | SNAP_DERIVE_PENDING)))
		return xb_rbuf_fail(r, "malformed: snapshot flags 0x%02X at byte %zu describe an event that is not there",
				    flags, at);
	int32_t kind, context;
	if (xb_get_i32(r, &kind, "the event kind") || xb_get_i32(r, &context, "the context"))
		return -1;
	if (!!(flags & SNAP_IN_FLIGHT) != (context != 0))
		return xb_rbuf_fail(r, "malformed: the snapshot's context %ld %s", (long)context,
				    context ? "is not 0 but no event is in flight" : "is 0 for an event in flight");
	s->kind = kind;
	s->context = context;
	s->has_certificate = !!(flags & SNAP_HAS_CERTIFICATE);
	s->derive_pending = !!(flags & SNAP_DERIVE_PENDING);
	if (xb_get_optstr(r, &s->module_location, "the module location") || get_set(r, &s->ca, "the CA properties"))
		return -1;
	if (!context)
		return 0;
	if (get_set(r, &s->request, "the request properties") || get_set(r, &s->cert, "the certificate properties"))
		return -1;
	size_t n;
	if (xb_get_count(r, &n, MIN_ATTR, "the attribute count"))
		return -1;
	struct xb_snap_attr *attrs = xb_rbuf_array(r, n, sizeof(*attrs));
	for (size_t i = 0; attrs && i < n; i++)
		if (xb_get_bool(r, &attrs[i].derived, "an attribute's derived flag") ||
		    xb_get_str(r, &attrs[i].name, "an attribute name") || xb_get_str(r, &attrs[i].value, "an attribute value"))
			return -1;
	if (!attrs)
		return -1;
	s->attrs = attrs;
	s->nattrs = n;
	if (xb_get_count(r, &n, MIN_EXT, "the extension count"))
		return -1;
	struct xb_snap_ext *exts = xb_rbuf_array(r, n, sizeof(*exts));
	for (size_t i = 0; exts && i < n; i++) {
		int32_t ext_flags;
		if (xb_get_bool(r, &exts[i].derived, "an extension's derived flag") ||
		    xb_get_str(r, &exts[i].oid, "an extension OID") || xb_get_i32(r, &ext_flags, "extension flags") ||
		    xb_get_bytes(r, &exts[i].value, &exts[i].len, "an extension value"))
			return -1;
		exts[i].flags = ext_flags;
	}
	if (!exts)
		return -1;
	s->exts = exts;
	s->nexts = n;
	return 0;
}

/* ---- requests ------------------------------------------------------------ */

static void put_wstr(struct xb_wbuf *w, const struct xb_wire_wstr *s)
{
	xb_put_wstr(w, s->units, s->n, s->units != NULL);
}

static void put_strings(struct xb_wbuf *w, const char *const *items, size_t n)
{
	xb_put_u32(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		xb_put_str(w, items[i]);
}

/* A list<str> into the arena; count and item say what they are in an error. */
static int get_strings(struct xb_rbuf *r, const char *const **out, size_t *nout, const char *count, const char *item)
{
	size_t n;
	if (xb_get_count(r, &n, MIN_STRING, count))
		return -1;
	const char **items = xb_rbuf_array(r, n, sizeof(*items));
	if (!items)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (xb_get_str(r, &items[i], item))
			return -1;
	*out = items;
	*nout = n;
	return 0;
}

int xb_bridge_encode_request(struct xb_wbuf *w, const struct xb_bridge_request *q)
{
	const char *name = xb_bridge_type_name(q->type);
	if (!name || q->type >= 0x80)
		return -1;
	xb_wire_begin(w, (uint8_t)q->type);
	if (xb_bridge_calls_module(q->type))
		put_snapshot(w, &q->snap);
	switch (q->type) {
	case XB_MSG_HELLO:
		xb_put_u32(w, XB_BRIDGE_MAGIC);
		xb_put_u32(w, q->version);
		break;
	case XB_MSG_LOAD:
		xb_put_str(w, q->path);
		xb_put_optstr(w, q->progid);
		xb_put_optstr(w, q->clsid);
		break;
	case XB_MSG_SHM:
		xb_put_str(w, q->path);
		break;
	case XB_MSG_INJECT:
		put_strings(w, q->specs, q->nspecs);
		xb_put_u64(w, q->seed);
		break;
	case XB_MSG_INITIALIZE:
		xb_put_str(w, q->config);
		xb_put_str(w, q->location);
		xb_put_i32(w, q->mask_sentinel);
		xb_put_u32(w, (uint32_t)q->nsettings);
		for (size_t i = 0; i < q->nsettings; i++) {
			xb_put_str(w, q->settings[i].name);
			xb_put_u32(w, q->settings[i].type);
			xb_put_bytes(w, q->settings[i].data, q->settings[i].len);
		}
		break;
	case XB_MSG_MANAGE_GET_PROPERTY:
		put_wstr(w, &q->manage_config);
		put_wstr(w, &q->manage_location);
		put_wstr(w, &q->manage_name);
		xb_put_i32(w, q->manage_flags);
		break;
	case XB_MSG_NOTIFY:
		xb_put_i32(w, q->event);
		xb_put_i32(w, q->context);
		break;
	default: /* GET_DESCRIPTION, GET_MANAGE_MODULE, MANAGE_RELEASE, RELEASE: the snapshot only; BYE: nothing */
		break;
	}
	return xb_wire_end(w);
}

/* The type byte: one this direction sends, or an error naming it. */
static int get_type(struct xb_rbuf *r, unsigned *type, int responses)
{
	uint8_t t;
	if (xb_get_u8(r, &t, "the message type"))
		return -1;
	const char *name = xb_bridge_type_name(t);
	if (!name)
		return xb_rbuf_fail(r, "malformed: message type 0x%02X is not in the protocol", t);
	if ((t >= 0x80) != responses)
		return xb_rbuf_fail(r, "malformed: %s is a %s, not a %s", name, t >= 0x80 ? "response" : "request",
				    responses ? "response" : "request");
	*type = t;
	return 0;
}

static int get_wstr(struct xb_rbuf *r, struct xb_wire_wstr *s, const char *what)
{
	return xb_get_wstr(r, &s->units, &s->n, what);
}

static int decode_request(struct xb_rbuf *r, struct xb_bridge_request *q)
{
	if (get_type(r, &q->type, 0))
		return -1;
	if (xb_bridge_calls_module(q->type) && get_snapshot(r, &q->snap))
		return -1;
	uint32_t magic;
	int32_t i;
	size_t n;
	switch (q->type) {
	case XB_MSG_HELLO:
		if (xb_get_u32(r, &magic, "the magic number"))
			return -1;
		if (magic != XB_BRIDGE_MAGIC)
			return xb_rbuf_fail(r, "malformed: magic number 0x%08lX is not the bridge's 0x%08lX",
					    (unsigned long)magic, (unsigned long)XB_BRIDGE_MAGIC);
		return xb_get_u32(r, &q->version, "the protocol version");
	case XB_MSG_LOAD:
		return xb_get_str(r, &q->path, "the module path") || xb_get_optstr(r, &q->progid, "the ProgID") ||
				       xb_get_optstr(r, &q->clsid, "the CLSID")
			       ? -1
			       : 0;
	case XB_MSG_SHM:
		return xb_get_str(r, &q->path, "the shared file's path");
	case XB_MSG_INJECT:
		return get_strings(r, &q->specs, &q->nspecs, "the specification count", "an --inject specification") ||
				       xb_get_u64(r, &q->seed, "the seed")
			       ? -1
			       : 0;
	case XB_MSG_INITIALIZE: {
		if (xb_get_str(r, &q->config, "strConfig") || xb_get_str(r, &q->location, "the registry location") ||
		    xb_get_i32(r, &i, "the mask sentinel") || xb_get_count(r, &n, MIN_SETTING, "the setting count"))
			return -1;
		q->mask_sentinel = i;
		struct xb_wire_setting *settings = xb_rbuf_array(r, n, sizeof(*settings));
		if (!settings)
			return -1;
		for (size_t k = 0; k < n; k++)
			if (xb_get_str(r, &settings[k].name, "a setting name") ||
			    xb_get_u32(r, &settings[k].type, "a setting type") ||
			    xb_get_bytes(r, &settings[k].data, &settings[k].len, "a setting value"))
				return -1;
		q->settings = settings;
		q->nsettings = n;
		return 0;
	}
	case XB_MSG_MANAGE_GET_PROPERTY:
		if (get_wstr(r, &q->manage_config, "strConfig") || get_wstr(r, &q->manage_location, "strStorageLocation") ||
		    get_wstr(r, &q->manage_name, "strPropertyName") || xb_get_i32(r, &i, "Flags"))
			return -1;
		q->manage_flags = i;
		return 0;
	case XB_MSG_NOTIFY:
		if (xb_get_i32(r, &i, "the event"))
			return -1;
		q->event = i;
		if (xb_get_i32(r, &i, "Notify's context"))
			return -1;
		q->context = i;
		return 0;
	default:
		return 0;
	}
}

/* Runs a decoder over body and turns its first error into the caller's message. */
static int finish(struct xb_rbuf *r, int failed, unsigned type, char *error, size_t errsize)
{
	const char *name = xb_bridge_type_name(type);
	if (!failed)
		xb_rbuf_finish(r, name ? name : "the message");
	if (!r->error[0])
		return 0;
	if (name && type)
		snprintf(error, errsize, "%s message: %s", name, r->error);
	else
		snprintf(error, errsize, "%s", r->error);
	return -1;
}

int xb_bridge_decode_request(const void *body, size_t n, struct xb_bridge_request *q, struct xb_arena *arena,
			     char *error, size_t errsize)
{
	struct xb_rbuf r;
	memset(q, 0, sizeof(*q));
	xb_rbuf_init(&r, body, n, arena);
	int failed = decode_request(&r, q);
	return finish(&r, failed, q->type, error, errsize);
}

/* ---- responses ----------------------------------------------------------- */

#define CALL_HANDED 0x01
#define CALL_FREED 0x02
#define CALL_INJECTED 0x04

int xb_bridge_encode_response(struct xb_wbuf *w, const struct xb_bridge_response *p)
{
	const char *name = xb_bridge_type_name(p->type);
	if (!name || p->type < 0x80 || (p->type == XB_MSG_RESULT && !xb_bridge_calls_module(p->answers)))
		return -1;
	xb_wire_begin(w, (uint8_t)p->type);
	switch (p->type) {
	case XB_MSG_HELLO_OK:
		xb_put_u32(w, XB_BRIDGE_MAGIC);
		xb_put_u32(w, p->version);
		xb_put_u32(w, p->pid);
		xb_put_str(w, p->host);
		xb_put_u8(w, p->bstr_tracking ? 1 : 0);
		break;
	case XB_MSG_SHM_READY:
	case XB_MSG_INJECT_READY:
		xb_put_u32(w, (uint32_t)p->hr);
		if (FAILED(p->hr))
			xb_put_str(w, p->error);
		break;
	case XB_MSG_LOADED:
		xb_put_u32(w, (uint32_t)p->hr);
		if (FAILED(p->hr)) {
			xb_put_str(w, p->error);
			break;
		}
		xb_put_str(w, p->path);
		xb_put_optstr(w, p->progid);
		xb_put_str(w, p->clsid);
		xb_put_u8(w, p->is_exit2 ? 1 : 0);
		xb_put_u8(w, p->qi_exit ? 1 : 0);
		xb_put_u8(w, p->has_can_unload ? 1 : 0);
		put_strings(w, p->warnings, p->nwarnings);
		break;
	case XB_MSG_RESULT:
		xb_put_u8(w, (uint8_t)p->answers);
		xb_put_u32(w, (uint32_t)p->hr);
		xb_put_u8(w, (uint8_t)p->fault.kind);
		if (p->fault.kind != XB_FAULT_NONE) {
			xb_put_u32(w, p->fault.code);
			xb_put_u64(w, p->fault.address);
			xb_put_str(w, p->fault.text);
		}
		xb_put_u32(w, p->servers_created);
		xb_put_u32(w, p->servers_released);
		xb_put_u8(w, p->derive_triggered ? 1 : 0);
		xb_put_u32(w, (uint32_t)p->ncalls);
		for (size_t i = 0; i < p->ncalls; i++) {
			const struct xb_call_record *c = &p->calls[i];
			xb_put_u8(w, (uint8_t)c->method);
			xb_put_i32(w, c->context);
			xb_put_optstr(w, c->name);
			xb_put_i32(w, c->type);
			xb_put_u32(w, (uint32_t)c->hr);
			xb_put_u8(w, (c->handed ? CALL_HANDED : 0) | (c->freed ? CALL_FREED : 0) |
					     (c->injected ? CALL_INJECTED : 0));
			xb_put_u32(w, c->handed ? c->bstr : 0);
		}
		xb_put_u32(w, (uint32_t)p->nfreed_earlier);
		for (size_t i = 0; i < p->nfreed_earlier; i++)
			xb_put_u32(w, p->freed_earlier[i]);
		switch (p->answers) {
		case XB_MSG_INITIALIZE:
			xb_put_i32(w, p->mask);
			break;
		case XB_MSG_GET_DESCRIPTION:
			put_wstr(w, &p->text);
			break;
		case XB_MSG_GET_MANAGE_MODULE:
			xb_put_u8(w, p->has_object ? 1 : 0);
			break;
		case XB_MSG_MANAGE_GET_PROPERTY:
			xb_put_u16(w, p->vt);
			put_wstr(w, &p->text);
			break;
		case XB_MSG_MANAGE_RELEASE:
			xb_put_u32(w, p->refs);
			break;
		case XB_MSG_RELEASE:
			xb_put_u32(w, p->refs);
			xb_put_u32(w, (uint32_t)p->can_unload);
			break;
		default: /* NOTIFY */
			break;
		}
		break;
	default: /* BROKEN */
		xb_put_str(w, p->error);
		break;
	}
	return xb_wire_end(w);
}

static int get_hr(struct xb_rbuf *r, HRESULT *hr, const char *what)
{
	uint32_t u;
	if (xb_get_u32(r, &u, what))
		return -1;
	*hr = (HRESULT)u;
	return 0;
}

static int get_calls(struct xb_rbuf *r, struct xb_bridge_response *p)
{
	size_t n;
	if (xb_get_count(r, &n, MIN_CALL, "the call count"))
		return -1;
	struct xb_call_record *calls = xb_rbuf_array(r, n, sizeof(*calls));
	if (!calls)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct xb_call_record *c = &calls[i];
		uint8_t method, flags;
		int32_t context, type;
		size_t at = r->off;
		if (xb_get_u8(r, &method, "a call's method"))
			return -1;
		if (method >= XB_BRIDGE_METHOD_COUNT)
			return xb_rbuf_fail(r, "malformed: method %u at byte %zu is no ICertServerExit method", method, at);
		if (xb_get_i32(r, &context, "a call's context") || xb_get_optstr(r, &c->name, "a call's name") ||
		    xb_get_i32(r, &type, "a call's type") || get_hr(r, &c->hr, "a call's HRESULT"))
			return -1;
		at = r->off;
		if (xb_get_u8(r, &flags, "a call's flags"))
			return -1;
		if (flags & ~(CALL_HANDED | CALL_FREED | CALL_INJECTED))
			return xb_rbuf_fail(r, "malformed: call flags 0x%02X at byte %zu have undefined bits", flags, at);
		if ((flags & CALL_FREED) && !(flags & CALL_HANDED))
			return xb_rbuf_fail(r, "malformed: call flags 0x%02X at byte %zu free a BSTR never handed out", flags,
					    at);
		c->method = method;
		c->context = context;
		c->type = type;
		c->handed = !!(flags & CALL_HANDED);
		c->freed = !!(flags & CALL_FREED);
		c->injected = !!(flags & CALL_INJECTED);
		at = r->off;
		if (xb_get_u32(r, &c->bstr, "a call's BSTR number"))
			return -1;
		if ((c->bstr != 0) != c->handed)
			return xb_rbuf_fail(r, "malformed: BSTR number %lu at byte %zu %s", (unsigned long)c->bstr, at,
					    c->handed ? "is 0 for a BSTR handed out" : "for a call that handed none out");
	}
	p->calls = calls;
	p->ncalls = n;
	if (xb_get_count(r, &n, 4, "the count of BSTRs freed since"))
		return -1;
	uint32_t *freed = xb_rbuf_array(r, n, sizeof(*freed));
	if (!freed)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t at = r->off;
		if (xb_get_u32(r, &freed[i], "a freed BSTR's number"))
			return -1;
		if (!freed[i])
			return xb_rbuf_fail(r, "malformed: freed BSTR number 0 at byte %zu", at);
	}
	p->freed_earlier = freed;
	p->nfreed_earlier = n;
	return 0;
}

static int get_result(struct xb_rbuf *r, struct xb_bridge_response *p)
{
	uint8_t answers, kind;
	size_t at = r->off;
	if (xb_get_u8(r, &answers, "the request answered"))
		return -1;
	if (!xb_bridge_calls_module(answers))
		return xb_rbuf_fail(r, "malformed: RESULT at byte %zu answers 0x%02X, which calls no module", at, answers);
	p->answers = answers;
	if (get_hr(r, &p->hr, "the HRESULT"))
		return -1;
	at = r->off;
	if (xb_get_u8(r, &kind, "the fault kind"))
		return -1;
	if (kind > XB_FAULT_EXCEPTION)
		return xb_rbuf_fail(r, "malformed: fault kind %u at byte %zu is not in the protocol", kind, at);
	p->fault.kind = kind;
	if (kind && (xb_get_u32(r, &p->fault.code, "the exception code") ||
		     xb_get_u64(r, &p->fault.address, "the exception address") ||
		     xb_get_str(r, &p->fault.text, "the fault text")))
		return -1;
	if (xb_get_u32(r, &p->servers_created, "the server objects created") ||
	    xb_get_u32(r, &p->servers_released, "the server objects released") ||
	    xb_get_bool(r, &p->derive_triggered, "the derivation flag") || get_calls(r, p))
		return -1;
	int32_t mask;
	switch (answers) {
	case XB_MSG_INITIALIZE:
		if (xb_get_i32(r, &mask, "the event mask"))
			return -1;
		p->mask = mask;
		return 0;
	case XB_MSG_GET_DESCRIPTION:
		return get_wstr(r, &p->text, "the description");
	case XB_MSG_GET_MANAGE_MODULE:
		return xb_get_bool(r, &p->has_object, "the manage-module flag");
	case XB_MSG_MANAGE_GET_PROPERTY:
		if (xb_get_u16(r, &p->vt, "the VARIANT type") || get_wstr(r, &p->text, "the property text"))
			return -1;
		if (p->text.units && p->vt != VT_BSTR)
			return xb_rbuf_fail(r, "malformed: a property of VARIANT type %u comes with text", p->vt);
		return 0;
	case XB_MSG_MANAGE_RELEASE:
		return xb_get_u32(r, &p->refs, "the reference count");
	case XB_MSG_RELEASE:
		return xb_get_u32(r, &p->refs, "the reference count") || get_hr(r, &p->can_unload, "DllCanUnloadNow")
			       ? -1
			       : 0;
	default:
		return 0;
	}
}

static int decode_response(struct xb_rbuf *r, struct xb_bridge_response *p)
{
	if (get_type(r, &p->type, 1))
		return -1;
	uint32_t magic;
	switch (p->type) {
	case XB_MSG_HELLO_OK:
		if (xb_get_u32(r, &magic, "the magic number"))
			return -1;
		if (magic != XB_BRIDGE_MAGIC)
			return xb_rbuf_fail(r, "malformed: magic number 0x%08lX is not the bridge's 0x%08lX",
					    (unsigned long)magic, (unsigned long)XB_BRIDGE_MAGIC);
		return xb_get_u32(r, &p->version, "the protocol version") || xb_get_u32(r, &p->pid, "the process ID") ||
				       xb_get_str(r, &p->host, "the host's name") ||
				       xb_get_bool(r, &p->bstr_tracking, "the BSTR tracking flag")
			       ? -1
			       : 0;
	case XB_MSG_LOADED:
		if (get_hr(r, &p->hr, "the HRESULT"))
			return -1;
		if (FAILED(p->hr))
			return xb_get_str(r, &p->error, "the error text");
		return xb_get_str(r, &p->path, "the path") || xb_get_optstr(r, &p->progid, "the ProgID") ||
				       xb_get_str(r, &p->clsid, "the CLSID") ||
				       xb_get_bool(r, &p->is_exit2, "the ICertExit2 flag") ||
				       xb_get_bool(r, &p->qi_exit, "the ICertExit flag") ||
				       xb_get_bool(r, &p->has_can_unload, "the DllCanUnloadNow flag") ||
				       get_strings(r, &p->warnings, &p->nwarnings, "the warning count", "a warning")
			       ? -1
			       : 0;
	case XB_MSG_RESULT:
		return get_result(r, p);
	case XB_MSG_SHM_READY:
	case XB_MSG_INJECT_READY:
		if (get_hr(r, &p->hr, "the HRESULT"))
			return -1;
		return FAILED(p->hr) ? xb_get_str(r, &p->error, "the error text") : 0;
	default: /* BROKEN */
		return xb_get_str(r, &p->error, "the reason");
	}
}

int xb_bridge_decode_response(const void *body, size_t n, struct xb_bridge_response *p, struct xb_arena *arena,
			      char *error, size_t errsize)
{
	struct xb_rbuf r;
	memset(p, 0, sizeof(*p));
	xb_rbuf_init(&r, body, n, arena);
	int failed = decode_response(&r, p);
	return finish(&r, failed, p->type, error, errsize);
}
