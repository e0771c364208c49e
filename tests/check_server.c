/*
 * The engine's ICertServerExit (emu/server.c), reached the way a module
 * reaches it: CoCreateInstance(&CLSID_CCertServerExit, ...) while an engine
 * exists, then SetContext with the context an event was given.
 */
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "der.h"
#include "engine.h"
#include "event.h"

static struct xb_engine *engine;
static struct xb_event issued, pending;
static LONG issued_ctx, pending_ctx;

/* A binary value: the DER of an IA5String "http://x". */
static const unsigned char ia5[] = {0x16, 0x08, 'h', 't', 't', 'p', ':', '/', '/', 'x'};
static const unsigned char integer[] = {0x02, 0x02, 0xFF, 0x7F};  /* -129 */
static const unsigned char gtime[] = {0x18, 0x12, '2', '0', '2', '6', '1', '1', '2', '4', '0', '7',
				      '4', '3', '3', '7', '.', '2', '5', 'Z'};

static void setup(void)
{
	struct xb_props ca = {0};
	ck_assert_int_eq(xb_props_put_long(&ca, "CAType", 0, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_long(&ca, "CertCount", 2, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_long(&ca, "CRLState.0", 3, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_long(&ca, "CRLState.1", 4, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_string(&ca, "SanitizedCAName", "Corp CA", XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_engine_new("Corp CA", &ca, &engine, NULL), S_OK);
	xb_props_free(&ca);

	memset(&issued, 0, sizeof(issued));
	issued.kind = EXITEVENT_CERTISSUED;
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	ck_assert_int_eq(xb_props_put_binary(&issued.cert, "RawCertificate", der, len, XB_PUT_REPLACE), S_OK);
	free(der);
	ck_assert_int_eq(xb_props_put_long(&issued.request, "RequestID", 42, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_string(&issued.request, "CommonName", "requested", XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_string(&issued.attrs, "CertificateTemplate", "User", XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_string(&issued.attrs, "ccm", "ws01", XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_exts_put(&issued.exts, "1.2.3.4", EXTENSION_ORIGIN_ADMIN, ia5 + 0, sizeof(ia5),
				     XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_exts_put(&issued.exts, "1.2.3.5", EXTENSION_ORIGIN_ADMIN, integer, sizeof(integer),
				     XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_exts_put(&issued.exts, "1.2.3.6", EXTENSION_ORIGIN_ADMIN, gtime, sizeof(gtime),
				     XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_engine_begin_event(engine, &issued, &issued_ctx, NULL), S_OK);
	ck_assert_int_ne(issued_ctx, 0);

	memset(&pending, 0, sizeof(pending));
	pending.kind = EXITEVENT_CERTPENDING;
	ck_assert_int_eq(xb_props_put_long(&pending.request, "RequestID", 43, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_engine_begin_event(engine, &pending, &pending_ctx, NULL), S_OK);
	ck_assert_int_ne(pending_ctx, issued_ctx);
}

static void teardown(void)
{
	xb_engine_end_event(engine, issued_ctx);
	xb_engine_end_event(engine, pending_ctx);
	xb_engine_free(engine);
	engine = NULL;
	xb_event_free(&issued);
	xb_event_free(&pending);
}

static ICertServerExit *new_server(void)
{
	ICertServerExit *server = NULL;
	ck_assert_int_eq(CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit,
					  (void **)&server),
			 S_OK);
	ck_assert_ptr_nonnull(server);
	return server;
}

/* GetRequestAttribute with a real BSTR (the server reads its length prefix, as oleaut32 code does). */
static HRESULT get_attribute(ICertServerExit *s, const char *name, BSTR *value)
{
	BSTR b;
	ck_assert_int_eq(xb_bstr_from_utf8(name, strlen(name), &b, NULL), S_OK);
	HRESULT hr = ICertServerExit_GetRequestAttribute(s, b, value);
	SysFreeString(b);
	return hr;
}

static HRESULT get_prop(ICertServerExit *s, int certificate, const char *name, LONG type, VARIANT *v)
{
	BSTR b;
	ck_assert_int_eq(xb_bstr_from_utf8(name, strlen(name), &b, NULL), S_OK);
	HRESULT hr = certificate ? ICertServerExit_GetCertificateProperty(s, b, type, v)
				 : ICertServerExit_GetRequestProperty(s, b, type, v);
	SysFreeString(b);
	return hr;
}

/* The text of a string property, asserted to exist. */
static void assert_text(ICertServerExit *s, int certificate, const char *name, const char *expected)
{
	VARIANT v;
	HRESULT hr = get_prop(s, certificate, name, PROPTYPE_STRING, &v);
	ck_assert_msg(hr == S_OK, "%s: 0x%08X", name, (unsigned)hr);
	ck_assert_int_eq(V_VT(&v), VT_BSTR);
	char *text;
	ck_assert_int_eq(xb_utf8_from_bstr(V_BSTR(&v), &text, NULL), S_OK);
	ck_assert_str_eq(text, expected);
	free(text);
	VariantClear(&v);
}

static LONG get_long(ICertServerExit *s, int certificate, const char *name)
{
	VARIANT v;
	HRESULT hr = get_prop(s, certificate, name, PROPTYPE_LONG, &v);
	ck_assert_msg(hr == S_OK, "%s: 0x%08X", name, (unsigned)hr);
	ck_assert_int_eq(V_VT(&v), VT_I4);
	return V_I4(&v);
}

START_TEST(identity_and_refcount)
{
	ICertServerExit *s = new_server();
	IUnknown *unk;
	IDispatch *disp;
	ck_assert_int_eq(ICertServerExit_QueryInterface(s, &IID_IUnknown, (void **)&unk), S_OK);
	ck_assert_ptr_eq(unk, (IUnknown *)s);
	ck_assert_int_eq(ICertServerExit_QueryInterface(s, &IID_IDispatch, (void **)&disp), S_OK);
	void *other = (void *)1;
	ck_assert_int_eq(ICertServerExit_QueryInterface(s, &IID_ICertExit, &other), E_NOINTERFACE);
	ck_assert_ptr_null(other);
	ck_assert_int_eq(ICertServerExit_QueryInterface(s, &IID_IUnknown, NULL), E_POINTER);
	UINT count = 7;
	ck_assert_int_eq(IDispatch_GetTypeInfoCount(disp, &count), S_OK);
	ck_assert_uint_eq(count, 0);
	ck_assert_int_eq(xb_engine_live_servers(engine), 1);
	ck_assert_uint_eq(IUnknown_Release(unk), 2);
	ck_assert_uint_eq(IDispatch_Release(disp), 1);
	ICertServerExit *second = new_server();
	ck_assert_ptr_ne(second, s); /* a fresh object per CoCreateInstance */
	ck_assert_int_eq(xb_engine_live_servers(engine), 2);
	ck_assert_uint_eq(ICertServerExit_Release(second), 0);
	ck_assert_uint_eq(ICertServerExit_Release(s), 0);
	ck_assert_int_eq(xb_engine_live_servers(engine), 0);
}
END_TEST

START_TEST(ca_properties_at_context_0)
{
	ICertServerExit *s = new_server();
	/* A fresh object is at context 0: CA properties without SetContext. */
	ck_assert_int_eq(get_long(s, 1, "CAType"), 0);
	ck_assert_int_eq(get_long(s, 1, "certcount"), 2);
	ck_assert_int_eq(get_long(s, 1, "CRLState.0"), 3);
	/* No suffix: the current CA certificate, CertCount - 1. */
	ck_assert_int_eq(get_long(s, 1, "CRLState"), 4);
	assert_text(s, 1, "sanitizedcaname", "Corp CA");
	VARIANT v;
	ck_assert_int_eq(get_prop(s, 1, "CRLState.7", PROPTYPE_LONG, &v), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_int_eq(V_VT(&v), VT_EMPTY);
	/* Request-side calls need a request context. */
	ck_assert_int_eq(get_prop(s, 0, "RequestID", PROPTYPE_LONG, &v), E_UNEXPECTED);
	BSTR b = NULL;
	ck_assert_int_eq(get_attribute(s, "ccm", &b), E_UNEXPECTED);
	ck_assert_int_eq(ICertServerExit_EnumerateExtensionsSetup(s, 0), E_UNEXPECTED);
	ck_assert_int_eq(ICertServerExit_SetContext(s, 0), S_OK);
	ICertServerExit_Release(s);
}
END_TEST

START_TEST(set_context_rules)
{
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, issued_ctx + pending_ctx + 100), E_INVALIDARG);
	ck_assert_int_eq(ICertServerExit_SetContext(s, -1), E_INVALIDARG);
	ck_assert_int_eq(ICertServerExit_SetContext(s, issued_ctx), S_OK);
	ck_assert_int_eq(get_long(s, 0, "RequestID"), 42);
	/* A failed SetContext keeps the context the object had. */
	ck_assert_int_eq(ICertServerExit_SetContext(s, 12345), E_INVALIDARG);
	ck_assert_int_eq(get_long(s, 0, "RequestID"), 42);
	ck_assert_int_eq(ICertServerExit_SetContext(s, pending_ctx), S_OK);
	ck_assert_int_eq(get_long(s, 0, "RequestID"), 43);
	/* Once the event's Notify has returned, its context is gone. */
	xb_engine_end_event(engine, pending_ctx);
	VARIANT v;
	ck_assert_int_eq(get_prop(s, 0, "RequestID", PROPTYPE_LONG, &v), E_UNEXPECTED);
	ck_assert_int_eq(ICertServerExit_SetContext(s, pending_ctx), E_INVALIDARG);
	ICertServerExit_Release(s);
}
END_TEST

START_TEST(certificate_properties_issued)
{
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, issued_ctx), S_OK);
	assert_text(s, 1, "SerialNumber", "4400000004b742b5daba3d4deb000000000004");
	/* Name properties under every documented spelling. */
	assert_text(s, 1, "CommonName", "alice.smith");
	assert_text(s, 1, "CN", "alice.smith");
	assert_text(s, 1, "Subject.CommonName", "alice.smith");
	assert_text(s, 1, "2.5.4.3", "alice.smith");
	assert_text(s, 1, "ou", "Users\nAdmins");
	/* The request side has its own values. */
	assert_text(s, 0, "CommonName", "requested");
	assert_text(s, 0, "Request.CommonName", "requested");
	ck_assert_int_eq(get_long(s, 1, "RequestID"), 42);

	VARIANT v;
	ck_assert_int_eq(get_prop(s, 1, "NotBefore", PROPTYPE_DATE, &v), S_OK);
	ck_assert_int_eq(V_VT(&v), VT_DATE);
	char text[XB_RFC3339_BUFSIZE];
	ck_assert_int_eq(xb_date_to_rfc3339(V_DATE(&v), text), S_OK);
	ck_assert_str_eq(text, "2026-11-24T07:43:37Z");

	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	ck_assert_int_eq(get_prop(s, 1, "RawCertificate", PROPTYPE_BINARY, &v), S_OK);
	ck_assert_int_eq(V_VT(&v), VT_BSTR);
	ck_assert_uint_eq(SysStringByteLen(V_BSTR(&v)), len);
	ck_assert(memcmp(V_BSTR(&v), der, len) == 0);
	VariantClear(&v);
	free(der);

	/* Wrong type: E_INVALIDARG and nothing returned. Missing: PROPERTY_EMPTY. */
	ck_assert_int_eq(get_prop(s, 1, "SerialNumber", PROPTYPE_LONG, &v), E_INVALIDARG);
	ck_assert_int_eq(V_VT(&v), VT_EMPTY);
	ck_assert_int_eq(get_prop(s, 1, "Organization", PROPTYPE_STRING, &v), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_int_eq(get_prop(s, 1, "NoSuchProperty", PROPTYPE_STRING, &v), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_int_eq(get_prop(s, 1, "SerialNumber", 9, &v), E_INVALIDARG);
	ICertServerExit_Release(s);
}
END_TEST

START_TEST(pending_has_no_certificate)
{
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, pending_ctx), S_OK);
	VARIANT v;
	ck_assert_int_eq(get_prop(s, 1, "SerialNumber", PROPTYPE_STRING, &v), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_int_eq(get_prop(s, 1, "RawCertificate", PROPTYPE_BINARY, &v), CERTSRV_E_PROPERTY_EMPTY);
	/* RequestID belongs to both sides. */
	ck_assert_int_eq(get_long(s, 1, "RequestID"), 43);
	ICertServerExit_Release(s);
}
END_TEST

START_TEST(bad_arguments)
{
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, issued_ctx), S_OK);
	BSTR name = SysAllocString(OLESTR("RequestID"));
	ck_assert_int_eq(ICertServerExit_GetRequestProperty(s, name, PROPTYPE_LONG, NULL), E_POINTER);
	ck_assert_int_eq(ICertServerExit_GetCertificateProperty(s, name, PROPTYPE_LONG, NULL), E_POINTER);
	VARIANT v;
	ck_assert_int_eq(ICertServerExit_GetRequestProperty(s, NULL, PROPTYPE_LONG, &v), E_INVALIDARG);
	ck_assert_int_eq(ICertServerExit_GetRequestAttribute(s, name, NULL), E_POINTER);
	ck_assert_int_eq(ICertServerExit_GetCertificateExtensionFlags(s, NULL), E_POINTER);
	ck_assert_int_eq(ICertServerExit_EnumerateExtensions(s, NULL), E_POINTER);
	ck_assert_int_eq(ICertServerExit_EnumerateAttributesSetup(s, 1), E_INVALIDARG);
	SysFreeString(name);
	ICertServerExit_Release(s);
}
END_TEST

START_TEST(attributes)
{
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, issued_ctx), S_OK);
	BSTR value = NULL;
	/* Case, spaces and hyphens do not count, as in the CA's attribute parser. */
	ck_assert_int_eq(get_attribute(s, "certificate-template", &value), S_OK);
	ck_assert(xb_utf16_icmp(value, OLESTR("User")) == 0);
	SysFreeString(value);
	ck_assert_int_eq(get_attribute(s, "CertFile", &value),
			 CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_ptr_null(value);

	ck_assert_int_eq(ICertServerExit_EnumerateAttributes(s, &value), E_UNEXPECTED);
	ck_assert_int_eq(ICertServerExit_EnumerateAttributesSetup(s, 0), S_OK);
	const OLECHAR *expected[] = {OLESTR("CertificateTemplate"), OLESTR("ccm")};
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(ICertServerExit_EnumerateAttributes(s, &value), S_OK);
		ck_assert(xb_utf16_icmp(value, expected[i]) == 0);
		SysFreeString(value);
	}
	ck_assert_int_eq(ICertServerExit_EnumerateAttributes(s, &value), S_FALSE);
	ck_assert_ptr_null(value);
	ck_assert_int_eq(ICertServerExit_EnumerateAttributes(s, &value), S_FALSE);
	ck_assert_int_eq(ICertServerExit_EnumerateAttributesClose(s), S_OK);
	ck_assert_int_eq(ICertServerExit_EnumerateAttributes(s, &value), E_UNEXPECTED);
	ck_assert_int_eq(ICertServerExit_EnumerateAttributesClose(s), E_UNEXPECTED);
	ICertServerExit_Release(s);
}
END_TEST

static HRESULT get_ext(ICertServerExit *s, const char *oid, LONG type, VARIANT *v)
{
	BSTR b;
	ck_assert_int_eq(xb_bstr_from_utf8(oid, strlen(oid), &b, NULL), S_OK);
	HRESULT hr = ICertServerExit_GetCertificateExtension(s, b, type, v);
	SysFreeString(b);
	return hr;
}

START_TEST(extensions)
{
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, issued_ctx), S_OK);
	VARIANT v;
	LONG flags = -1;
	/* Key usage, derived from the certificate: critical, put there by policy. */
	ck_assert_int_eq(get_ext(s, "2.5.29.15", PROPTYPE_BINARY, &v), S_OK);
	ck_assert_int_eq(V_VT(&v), VT_BSTR);
	ck_assert_uint_eq(SysStringByteLen(V_BSTR(&v)), 4); /* 03 02 05 A0 */
	VariantClear(&v);
	ck_assert_int_eq(ICertServerExit_GetCertificateExtensionFlags(s, &flags), S_OK);
	ck_assert_int_eq(flags, EXTENSION_CRITICAL_FLAG | EXTENSION_ORIGIN_POLICY);

	/* Typed decoding of a value. */
	ck_assert_int_eq(get_ext(s, "1.2.3.4", PROPTYPE_STRING, &v), S_OK);
	ck_assert(xb_utf16_icmp(V_BSTR(&v), OLESTR("http://x")) == 0);
	VariantClear(&v);
	ck_assert_int_eq(ICertServerExit_GetCertificateExtensionFlags(s, &flags), S_OK);
	ck_assert_int_eq(flags, EXTENSION_ORIGIN_ADMIN);
	ck_assert_int_eq(get_ext(s, "1.2.3.5", PROPTYPE_LONG, &v), S_OK);
	ck_assert_int_eq(V_I4(&v), -129);
	ck_assert_int_eq(get_ext(s, "1.2.3.6", PROPTYPE_DATE, &v), S_OK);
	char text[XB_RFC3339_BUFSIZE];
	ck_assert_int_eq(xb_date_to_rfc3339(V_DATE(&v), text), S_OK);
	ck_assert_str_eq(text, "2026-11-24T07:43:37.250Z");
	ck_assert_int_eq(get_ext(s, "2.5.29.15", PROPTYPE_STRING, &v), E_INVALIDARG);
	ck_assert_int_eq(V_VT(&v), VT_EMPTY);
	/* A failed fetch leaves no flags behind. */
	ck_assert_int_eq(ICertServerExit_GetCertificateExtensionFlags(s, &flags), S_OK);
	ck_assert_int_eq(flags, 0);
	ck_assert_int_eq(get_ext(s, "1.9.9.9", PROPTYPE_BINARY, &v), CERTSRV_E_PROPERTY_EMPTY);

	/* The enumeration: every extension once, then S_FALSE. */
	ck_assert_int_eq(ICertServerExit_EnumerateExtensionsSetup(s, 0), S_OK);
	BSTR name;
	size_t n = 0;
	int saw_ski = 0;
	HRESULT hr;
	while ((hr = ICertServerExit_EnumerateExtensions(s, &name)) == S_OK) {
		saw_ski |= xb_utf16_icmp(name, OLESTR("2.5.29.14")) == 0;
		SysFreeString(name);
		n++;
	}
	ck_assert_int_eq(hr, S_FALSE);
	ck_assert_uint_eq(n, 7 + 3); /* the certificate's seven, the trace's three */
	ck_assert(saw_ski);
	ck_assert_int_eq(ICertServerExit_EnumerateExtensionsClose(s), S_OK);
	/* Setup again restarts it. */
	ck_assert_int_eq(ICertServerExit_EnumerateExtensionsSetup(s, 0), S_OK);
	ck_assert_int_eq(ICertServerExit_EnumerateExtensions(s, &name), S_OK);
	SysFreeString(name);
	ck_assert_int_eq(ICertServerExit_EnumerateExtensionsClose(s), S_OK);
	ICertServerExit_Release(s);
}
END_TEST

static void count_call(void *ctx, const struct xb_server_call *call)
{
	int *counts = ctx;
	if (!strcmp(call->method, "GetRequestProperty") && call->name && !strcmp(call->name, "RequestID"))
		counts[0]++;
	if (call->hr == CERTSRV_E_PROPERTY_EMPTY)
		counts[1]++;
}

START_TEST(observer_sees_calls)
{
	int counts[2] = {0, 0};
	xb_engine_set_observer(engine, count_call, counts);
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, issued_ctx), S_OK);
	get_long(s, 0, "RequestID");
	VARIANT v;
	get_prop(s, 1, "Organization", PROPTYPE_STRING, &v);
	ck_assert_int_eq(counts[0], 1);
	ck_assert_int_eq(counts[1], 1);
	xb_engine_set_observer(engine, NULL, NULL);
	get_long(s, 0, "RequestID");
	ck_assert_int_eq(counts[0], 1);
	ICertServerExit_Release(s);
}
END_TEST

START_TEST(events_without_request_get_context_0)
{
	struct xb_event crl = {.kind = EXITEVENT_CRLISSUED};
	size_t crl_len;
	unsigned char *crl_der = xb_read_fixture("demo-crl.der", &crl_len);
	ck_assert_int_eq(xb_props_put_binary(&crl.ca, "RawCRL.1", crl_der, crl_len, XB_PUT_REPLACE), S_OK);
	free(crl_der);
	LONG ctx = -1;
	ck_assert_int_eq(xb_engine_begin_event(engine, &crl, &ctx, NULL), S_OK);
	ck_assert_int_eq(ctx, 0);
	ICertServerExit *s = new_server();
	ck_assert_int_eq(ICertServerExit_SetContext(s, ctx), S_OK);
	VARIANT v;
	ck_assert_int_eq(get_prop(s, 1, "RawCRL", PROPTYPE_BINARY, &v), S_OK); /* current index 1 */
	ck_assert_uint_eq(SysStringByteLen(V_BSTR(&v)), crl_len);
	VariantClear(&v);
	xb_engine_end_event(engine, ctx);
	/* A CA update that is not what it claims is refused, naming it. */
	struct xb_event bad = {.kind = EXITEVENT_CRLISSUED};
	ck_assert_int_eq(xb_props_put_binary(&bad.ca, "RawCRL.2", "\x30\x00", 2, XB_PUT_REPLACE), S_OK);
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_engine_begin_event(engine, &bad, &ctx, &err), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	ck_assert_str_eq(err.text, "ca property RawCRL.2: not a DER CRL");
	xb_event_free(&bad);
	ICertServerExit_Release(s);
	xb_event_free(&crl);
}
END_TEST

START_TEST(der_values)
{
	static const struct {
		unsigned char der[8];
		int ok;
		int32_t value;
	} ints[] = {
		{{0x02, 0x01, 0x00}, 1, 0},
		{{0x02, 0x01, 0x7F}, 1, 127},
		{{0x02, 0x02, 0x00, 0x80}, 1, 128},
		{{0x02, 0x01, 0x80}, 1, -128},
		{{0x02, 0x04, 0x7F, 0xFF, 0xFF, 0xFF}, 1, 2147483647},
		{{0x02, 0x02, 0x00, 0x7F}, 0, 0},             /* not minimal */
		{{0x02, 0x02, 0xFF, 0x80}, 0, 0},             /* not minimal */
		{{0x02, 0x05, 0x00, 0x80, 0, 0, 0}, 0, 0},    /* beyond 32 bits */
		{{0x04, 0x01, 0x00}, 0, 0},                   /* not an INTEGER */
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		struct der_cursor c = {ints[i].der, 2u + ints[i].der[1]};
		struct der_tlv t;
		size_t bad;
		int32_t v = 0;
		ck_assert_int_eq(der_next(&c, &t, &bad), 0);
		ck_assert_msg((der_integer_long(&t, &v) == 0) == ints[i].ok, "integer case %zu", i);
		if (ints[i].ok)
			ck_assert_int_eq(v, ints[i].value);
	}
	static const struct {
		unsigned tag;
		const char *text;
		int ok;
		int year;
	} times[] = {
		{0x17, "491231235959Z", 1, 2049}, {0x17, "500101000000Z", 1, 1950},
		{0x18, "20261124074337Z", 1, 2026}, {0x18, "20261124074337.5Z", 1, 2026},
		{0x18, "20261124074337.50Z", 0, 0}, /* trailing zero */
		{0x18, "20261124074337", 0, 0},     /* no Z */
		{0x17, "2611240743Z", 0, 0},        /* no seconds */
		{0x18, "2026112407433xZ", 0, 0},
	};
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		struct der_tlv t = {.tag = times[i].tag};
		t.value = (const unsigned char *)times[i].text;
		t.length = strlen(times[i].text);
		xb_utc utc;
		ck_assert_msg((der_time_utc(&t, &utc) == 0) == times[i].ok, "time case %zu (%s)", i, times[i].text);
		if (times[i].ok)
			ck_assert_int_eq(utc.year, times[i].year);
	}
}
END_TEST

Suite *suite_server(void)
{
	Suite *s = suite_create("server");
	const struct xb_test_case cases[] = {
		{"QueryInterface", identity_and_refcount},
		{"GetCertificateProperty_context0", ca_properties_at_context_0},
		{"SetContext", set_context_rules},
		{"GetCertificateProperty", certificate_properties_issued},
		{"GetCertificateProperty_pending", pending_has_no_certificate},
		{"bad_arguments", bad_arguments},
		{"GetRequestAttribute", attributes},
		{"GetCertificateExtension", extensions},
		{"xb_engine_set_observer", observer_sees_calls},
		{"xb_engine_begin_event_crl", events_without_request_get_context_0},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	const struct xb_test_case plain[] = {
		{"der_integer_long", der_values},
	};
	XB_ADD_CASES(s, plain, NULL, NULL);
	return s;
}
