/*
 * The Check helpers (libexitbench-check, exitbench/check.h) through their
 * public API only: the raw-COM test module (tests/modules/raw_exit.c,
 * steered by the CA name it is initialized with), the hello sample
 * module, and two modules linked into this program (a kit declaration and
 * a raw class with a reference-count bug) loaded from their class
 * factories. Each assertion macro is shown passing here and failing, with
 * its message, in a nested Check runner in fork mode.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench/check.h"
#include "base64.h"
#include "check_suites.h"

#define FIXTURE(name) XB_FIXTURES_DIR "/" name
#define LEAF_SERIAL "4400000004b742b5daba3d4deb000000000004"

#define check_hr(expr, want) check_hr_at(__LINE__, #expr, (expr), (want))
static void check_hr_at(int line, const char *what, HRESULT got, HRESULT want)
{
	char g[XB_HRESULT_BUFSIZE], w[XB_HRESULT_BUFSIZE];
	ck_assert_msg(got == want, "line %d: %s gave %s, expected %s", line, what, xb_hresult_format(got, g),
		      xb_hresult_format(want, w));
}

/* text contains part (a failure message shows both). */
#define check_has(text, part) check_has_at(__LINE__, (text), (part))
static void check_has_at(int line, const char *text, const char *part)
{
	ck_assert_msg(text && strstr(text, part), "line %d: \"%s\" does not contain \"%s\"", line,
		      text ? text : "(null)", part);
}

/* ---- the raw test module's own exports ----------------------------------- */

static void *raw;
static const char *(*raw_calls)(void);
static void (*raw_reset)(void);

/* ---- the kit's log, where hello writes ------------------------------------- */

static char kit_log[4096];

static void on_log(void *ctx, const char *module, xb_kit_log_level level, const char *message)
{
	(void)ctx;
	size_t used = strlen(kit_log);
	snprintf(kit_log + used, sizeof(kit_log) - used, "%s|%s|%s\n", module, xb_kit_log_level_name(level), message);
}

/* ---- a kit module linked into this program --------------------------------- */

/* What its Notify reads: a table the test sets, each value appended to kit_seen. */
struct kit_read {
	char what; /* 'l' long, 's' string, 'd' date (as a time_t), 'a' attribute, 'e' extension */
	xb_kit_side side;
	const char *name;
};

static const struct kit_read *kit_reads;
static size_t nkit_reads;
static char kit_seen[4096];

#define KIT_READS(table) (kit_reads = (table), nkit_reads = sizeof(table) / sizeof((table)[0]))

static void seen(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void seen(const char *fmt, ...)
{
	size_t used = strlen(kit_seen);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(kit_seen + used, sizeof(kit_seen) - used, fmt, ap);
	va_end(ap);
}

static HRESULT kit_initialize(xb_kit_module *module, const char *ca_name, LONG *mask)
{
	char *greeting = NULL;
	DWORD count = 0;
	HRESULT hr = xb_kit_config_string(module, "Greeting", &greeting);
	HRESULT hr2 = xb_kit_config_dword(module, "Count", &count);
	seen("init %s greeting=%s count=%ld;", ca_name, hr == S_OK ? greeting : "-", hr2 == S_OK ? (long)count : -1L);
	free(greeting);
	*mask = EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING | EXITEVENT_CRLISSUED;
	return S_OK;
}

static void kit_read_one(ICertServerExit *server, const struct kit_read *r)
{
	char code[XB_HRESULT_BUFSIZE], *text = NULL;
	unsigned char *bytes = NULL;
	size_t len = 0;
	LONG l = 0, flags = 0;
	int64_t t = 0;
	HRESULT hr;
	switch (r->what) {
	case 'l':
		if (SUCCEEDED(hr = xb_kit_get_long(server, r->side, r->name, &l)))
			seen("%s=%ld;", r->name, (long)l);
		break;
	case 's':
		if (SUCCEEDED(hr = xb_kit_get_string(server, r->side, r->name, &text)))
			seen("%s=%s;", r->name, text);
		break;
	case 'd':
		if (SUCCEEDED(hr = xb_kit_get_time(server, r->side, r->name, &t)))
			seen("%s=%lld;", r->name, (long long)t);
		break;
	case 'a':
		if (SUCCEEDED(hr = xb_kit_get_attribute(server, r->name, &text)))
			seen("%s=%s;", r->name, text);
		break;
	default:
		if (SUCCEEDED(hr = xb_kit_get_extension(server, r->name, &bytes, &len, &flags)))
			seen("%s=%zu bytes flags 0x%lX;", r->name, len, (long)flags);
		break;
	}
	if (FAILED(hr))
		seen("%s!%s;", r->name, xb_hresult_format(hr, code));
	free(text);
	free(bytes);
}

static HRESULT kit_notify(xb_kit_module *module, LONG event, LONG context)
{
	(void)module;
	ICertServerExit *server = NULL;
	HRESULT hr = xb_kit_server_open(context, &server);
	seen("notify 0x%lX;", (long)event);
	if (FAILED(hr))
		return hr;
	for (size_t i = 0; i < nkit_reads; i++)
		kit_read_one(server, &kit_reads[i]);
	ICertServerExit_Release(server);
	return S_OK;
}

#define KIT_CLSID_TEXT "{7E1C0A52-4B3D-4F11-9A6E-2C5D8B7F0A01}"
static const CLSID kit_clsid = {0x7E1C0A52, 0x4B3D, 0x4F11, {0x9A, 0x6E, 0x2C, 0x5D, 0x8B, 0x7F, 0x0A, 0x01}};

static const struct xb_exit_module_decl kit_decl;
static struct xb_kit_runtime kit_runtime = {
	{{{&xb_kit_factory_vtbl}, &kit_decl, 0, 0}, {{&xb_kit_factory_vtbl}, &kit_decl, 1, 0}}, 0, 0};
static const struct xb_exit_module_decl kit_decl = {
	.name = "XbCheckKit",
	.clsid = KIT_CLSID_TEXT,
	.manage_clsid = "{7E1C0A52-4B3D-4F11-9A6E-2C5D8B7F0A02}",
	.runtime = &kit_runtime,
	.description = "Check helpers' kit module",
	.initialize = kit_initialize,
	.notify = kit_notify,
};

/* The kit module from its class factory, as a module author's own test would get it. */
static xb_check_module *load_kit(xb_check_ca *ca)
{
	IClassFactory *factory = NULL;
	check_hr(xb_kit_get_class_object(&kit_decl, &kit_clsid, &IID_IClassFactory, (void **)&factory), S_OK);
	xb_check_module *m = xb_check_module_from_factory(ca, factory, &kit_clsid);
	IClassFactory_Release(factory); /* the module holds its own reference while registered */
	ck_assert_ptr_nonnull(m);
	return m;
}

/* ---- a raw class that keeps a reference to itself (a refcount bug) ------- */

struct leaky {
	ICertExit ICertExit_iface;
	atomic_long refcount;
};

static atomic_long leaky_objects;
static struct leaky *leaky_last; /* so the test can drop the reference the bug kept */

static struct leaky *leaky_from_ICertExit(ICertExit *iface)
{
	return (struct leaky *)((char *)iface - offsetof(struct leaky, ICertExit_iface));
}

static HRESULT STDMETHODCALLTYPE leaky_QueryInterface(ICertExit *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) && !IsEqualIID(riid, &IID_ICertExit))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertExit_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE leaky_AddRef(ICertExit *iface)
{
	return (ULONG)atomic_fetch_add(&leaky_from_ICertExit(iface)->refcount, 1) + 1;
}

static ULONG STDMETHODCALLTYPE leaky_Release(ICertExit *iface)
{
	struct leaky *l = leaky_from_ICertExit(iface);
	long left = atomic_fetch_sub(&l->refcount, 1) - 1;
	if (!left) {
		free(l);
		atomic_fetch_sub(&leaky_objects, 1);
	}
	return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE leaky_GetTypeInfoCount(ICertExit *iface, UINT *count)
{
	(void)iface;
	*count = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE leaky_GetTypeInfo(ICertExit *iface, UINT i, LCID lcid, ITypeInfo **info)
{
	(void)iface, (void)i, (void)lcid;
	*info = NULL;
	return DISP_E_BADINDEX;
}

static HRESULT STDMETHODCALLTYPE leaky_GetIDsOfNames(ICertExit *iface, REFIID riid, LPOLESTR *names, UINT n,
						      LCID lcid, DISPID *ids)
{
	(void)iface, (void)riid, (void)names, (void)n, (void)lcid, (void)ids;
	return DISP_E_UNKNOWNNAME;
}

static HRESULT STDMETHODCALLTYPE leaky_Invoke(ICertExit *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
					       DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg)
{
	(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result, (void)excep, (void)arg;
	return DISP_E_MEMBERNOTFOUND;
}

static HRESULT STDMETHODCALLTYPE leaky_Initialize(ICertExit *iface, const BSTR config, LONG *mask)
{
	(void)config;
	ICertExit_AddRef(iface); /* the bug: a reference nobody will release */
	*mask = EXITEVENT_CERTISSUED;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE leaky_Notify(ICertExit *iface, LONG event, LONG context)
{
	(void)iface, (void)event, (void)context;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE leaky_GetDescription(ICertExit *iface, BSTR *description)
{
	(void)iface;
	*description = SysAllocString(u"Leaky exit module");
	return *description ? S_OK : E_OUTOFMEMORY;
}

static const ICertExitVtbl leaky_vtbl = {
	leaky_QueryInterface, leaky_AddRef,   leaky_Release, leaky_GetTypeInfoCount, leaky_GetTypeInfo,
	leaky_GetIDsOfNames,  leaky_Invoke,   leaky_Initialize, leaky_Notify,        leaky_GetDescription,
};

static HRESULT STDMETHODCALLTYPE leaky_factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	return S_OK;
}

static ULONG STDMETHODCALLTYPE leaky_factory_AddRef(IClassFactory *iface)
{
	(void)iface;
	return 2; /* a static object */
}

static ULONG STDMETHODCALLTYPE leaky_factory_Release(IClassFactory *iface)
{
	(void)iface;
	return 1;
}

static HRESULT STDMETHODCALLTYPE leaky_factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
							      void **ppv)
{
	(void)iface;
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	struct leaky *l = calloc(1, sizeof(*l));
	if (!l)
		return E_OUTOFMEMORY;
	l->ICertExit_iface.lpVtbl = &leaky_vtbl;
	atomic_init(&l->refcount, 1);
	atomic_fetch_add(&leaky_objects, 1);
	leaky_last = l;
	HRESULT hr = ICertExit_QueryInterface(&l->ICertExit_iface, riid, ppv);
	ICertExit_Release(&l->ICertExit_iface);
	return hr;
}

static HRESULT STDMETHODCALLTYPE leaky_factory_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface, (void)lock;
	return S_OK;
}

static const IClassFactoryVtbl leaky_factory_vtbl = {leaky_factory_QueryInterface, leaky_factory_AddRef,
						     leaky_factory_Release, leaky_factory_CreateInstance,
						     leaky_factory_LockServer};
static IClassFactory leaky_factory = {&leaky_factory_vtbl};
static const CLSID leaky_clsid = {0x7E1C0A52, 0x4B3D, 0x4F11, {0x9A, 0x6E, 0x2C, 0x5D, 0x8B, 0x7F, 0x0A, 0x11}};

/* ---- fixtures -------------------------------------------------------------- */

static void setup(void)
{
	raw = dlopen(XB_RAW_EXIT_PATH, RTLD_NOW);
	ck_assert_msg(raw != NULL, "%s", dlerror());
	*(void **)&raw_calls = dlsym(raw, "raw_exit_calls");
	*(void **)&raw_reset = dlsym(raw, "raw_exit_reset");
	ck_assert(raw_calls && raw_reset);
	raw_reset();
	kit_log[0] = kit_seen[0] = 0;
	kit_reads = NULL;
	nkit_reads = 0;
	xb_kit_set_log_handler(on_log, NULL);
}

static void teardown(void)
{
	xb_kit_set_log_handler(NULL, NULL);
	raw_reset();
	dlclose(raw);
}

/* An issued certificate: request 42 and the leaf fixture. New. */
static xb_check_event *issued_event(void)
{
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	ck_assert_ptr_nonnull(ev);
	check_hr(xb_check_event_set_long(ev, XB_KIT_REQUEST, "RequestID", 42), S_OK);
	check_hr(xb_check_event_certificate_file(ev, FIXTURE("leaf.pem")), S_OK);
	return ev;
}

/* The raw module, initialized with config (its steering), on a new CA. */
static xb_check_module *load_raw(xb_check_ca **ca, const char *config)
{
	*ca = xb_check_ca_new(config);
	ck_assert_ptr_nonnull(*ca);
	xb_check_module *m = xb_check_module_load(*ca, XB_RAW_EXIT_PATH, NULL);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* PEM text of a fixture's DER under label (free it). */
static char *pem_of(const char *fixture, const char *label)
{
	size_t len = 0;
	unsigned char *der = xb_read_fixture(fixture, &len);
	char *b64 = xb_base64_encode(der, len);
	ck_assert_ptr_nonnull(b64);
	size_t n = strlen(b64);
	char *pem = malloc(n + n / 64 + 2 * strlen(label) + 64);
	ck_assert_ptr_nonnull(pem);
	char *p = pem + sprintf(pem, "-----BEGIN %s-----\n", label);
	for (size_t i = 0; i < n; i += 64)
		p += sprintf(p, "%.64s\n", b64 + i);
	sprintf(p, "-----END %s-----\n", label);
	free(b64);
	free(der);
	return pem;
}

/* ---- events ------------------------------------------------------------------ */

START_TEST(test_event_new)
{
	ck_assert_ptr_null(xb_check_event_new(0));
	ck_assert_ptr_null(xb_check_event_new(EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING));
	ck_assert_ptr_null(xb_check_event_new(0x100)); /* the unofficial CERTUNREVOKED: no CA sends it */
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTIMPORTED);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(xb_check_event_kind(ev), EXITEVENT_CERTIMPORTED);
	ck_assert_ptr_null(xb_check_event_error(ev));
	xb_check_event_free(ev);
	xb_check_event_free(NULL);
	ck_assert_int_eq(xb_check_event_kind(NULL), 0);
}
END_TEST

START_TEST(test_event_set)
{
	static const struct kit_read reads[] = {
		{'l', XB_KIT_REQUEST, "RequestID"},          {'s', XB_KIT_REQUEST, "RequesterName"},
		{'s', XB_KIT_CERTIFICATE, "SerialNumber"},   {'d', XB_KIT_REQUEST, "SubmittedWhen"},
		{'s', XB_KIT_CERTIFICATE, "UPN"},
	};
	KIT_READS(reads);
	xb_check_event *ev = issued_event();
	check_hr(xb_check_event_set_string(ev, XB_KIT_REQUEST, "RequesterName", "CORP\\alice"), S_OK);
	check_hr(xb_check_event_set_string(ev, XB_KIT_CERTIFICATE, "UPN", "alice@corp.local"), S_OK);
	DATE date = 0;
	check_hr(xb_date_from_time_t(1700000000, &date), S_OK);
	check_hr(xb_check_event_set_date(ev, XB_KIT_REQUEST, "SubmittedWhen", date), S_OK);
	check_hr(xb_check_event_set_binary(ev, XB_KIT_REQUEST, "RawArchivedKey", "\x01\x02", 2), S_OK);
	/* A value set explicitly wins over the derived one. */
	check_hr(xb_check_event_set_string(ev, XB_KIT_CERTIFICATE, "SerialNumber", "01ab"), S_OK);
	ck_assert_ptr_null(xb_check_event_error(ev));

	xb_check_ca *ca = xb_check_ca_new("Corp CA");
	xb_check_module *m = load_kit(ca);
	ck_assert_initialize_ok(m);
	ck_assert_notify_ok(m, ev);
	check_has(kit_seen, "RequestID=42;RequesterName=CORP\\alice;SerialNumber=01ab;SubmittedWhen=1700000000;");
	check_has(kit_seen, "UPN=alice@corp.local;");
	ck_assert_no_violations(m);
	xb_check_ca_free(ca);

	/* Bad arguments: refused, and the first failure is the one kept. */
	check_hr(xb_check_event_set_long(NULL, XB_KIT_REQUEST, "RequestID", 1), E_INVALIDARG);
	check_hr(xb_check_event_set_long(ev, (xb_kit_side)7, "RequestID", 1), E_INVALIDARG);
	check_has(xb_check_event_error(ev), "neither XB_KIT_REQUEST nor XB_KIT_CERTIFICATE");
	check_hr(xb_check_event_set_string(ev, XB_KIT_REQUEST, "", "x"), E_INVALIDARG);
	check_has(xb_check_event_error(ev), "neither XB_KIT_REQUEST");
	xb_check_event_free(ev);

	ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_set_string(ev, XB_KIT_REQUEST, "Bad", "\xff"), E_INVALIDARG);
	check_has(xb_check_event_error(ev), "Bad: the value is not valid UTF-8");
	xb_check_event_free(ev);

	/* What no CA has for an event: the engine's own rule, at the line that broke it. */
	ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_set_string(ev, XB_KIT_CERTIFICATE, "SerialNumber", "01"),
		 HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	check_has(xb_check_event_error(ev), "a certpending event cannot carry certificate values");
	xb_check_event_free(ev);
	ev = xb_check_event_new(EXITEVENT_CRLISSUED);
	check_hr(xb_check_event_set_long(ev, XB_KIT_REQUEST, "RequestID", 1), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	check_has(xb_check_event_error(ev), "a crlissued event cannot carry request");
	xb_check_event_free(ev);
}
END_TEST

START_TEST(test_event_certificate)
{
	static const struct kit_read reads[] = {{'s', XB_KIT_CERTIFICATE, "SerialNumber"},
						{'s', XB_KIT_CERTIFICATE, "CommonName"}};
	KIT_READS(reads);
	xb_check_ca *ca = xb_check_ca_new("Corp CA");
	xb_check_module *m = load_kit(ca);
	/* DER and PEM files, and PEM text: the same certificate. */
	const char *files[] = {FIXTURE("leaf.der"), FIXTURE("leaf.pem")};
	for (size_t i = 0; i < 2; i++) {
		xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTISSUED);
		check_hr(xb_check_event_certificate_file(ev, files[i]), S_OK);
		kit_seen[0] = 0;
		ck_assert_notify_ok(m, ev);
		check_has(kit_seen, "SerialNumber=" LEAF_SERIAL ";CommonName=alice.smith;");
		xb_check_event_free(ev);
	}
	char *pem = pem_of("leaf.der", "CERTIFICATE");
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTREVOKED);
	check_hr(xb_check_event_certificate_pem(ev, pem), S_OK);
	kit_seen[0] = 0;
	check_hr(xb_check_notify(m, ev), S_FALSE); /* the kit module's mask has no certrevoked */
	ck_assert_str_eq(kit_seen, "");
	xb_check_event_free(ev);
	free(pem);
	xb_check_ca_free(ca);

	/* What is not a certificate is refused when it is set, with the reason. */
	ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	check_hr(xb_check_event_certificate_file(ev, FIXTURE("no-such-file.pem")), HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
	check_has(xb_check_event_error(ev), "no-such-file.pem: No such file or directory");
	xb_check_event_free(ev);
	ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	check_hr(xb_check_event_certificate_file(ev, FIXTURE("req.der")), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	check_has(xb_check_event_error(ev), "req.der");
	xb_check_event_free(ev);
	pem = pem_of("req.der", "CERTIFICATE REQUEST");
	ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	check_hr(xb_check_event_certificate_pem(ev, pem), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	check_has(xb_check_event_error(ev), "the PEM block is \"CERTIFICATE REQUEST\", not a CERTIFICATE");
	xb_check_event_free(ev);
	free(pem);
	ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	check_hr(xb_check_event_certificate_pem(ev, "MIIB..."), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	check_has(xb_check_event_error(ev), "no \"-----BEGIN\" line");
	xb_check_event_free(ev);
	/* A pending request has no certificate. */
	ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_certificate_file(ev, FIXTURE("leaf.der")), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	check_has(xb_check_event_error(ev), "a certpending event cannot carry certificate values");
	xb_check_event_free(ev);
}
END_TEST

START_TEST(test_event_request)
{
	static const struct kit_read reads[] = {{'s', XB_KIT_REQUEST, "CommonName"}, {'s', XB_KIT_REQUEST, "OrgUnit"}};
	KIT_READS(reads);
	xb_check_ca *ca = xb_check_ca_new("Corp CA");
	xb_check_module *m = load_kit(ca);
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_request_file(ev, FIXTURE("req.der")), S_OK);
	ck_assert_notify_ok(m, ev);
	check_has(kit_seen, "CommonName=bob.jones;OrgUnit=");
	xb_check_event_free(ev);

	char *pem = pem_of("req.der", "CERTIFICATE REQUEST");
	ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_request_pem(ev, pem), S_OK);
	kit_seen[0] = 0;
	ck_assert_notify_ok(m, ev);
	check_has(kit_seen, "CommonName=bob.jones;");
	ck_assert_property_read(m, "CommonName");
	xb_check_event_free(ev);
	free(pem);
	xb_check_ca_free(ca);

	ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_request_file(ev, FIXTURE("leaf.der")), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	check_has(xb_check_event_error(ev), "leaf.der");
	check_hr(xb_check_event_request_file(ev, NULL), E_INVALIDARG);
	check_has(xb_check_event_error(ev), "leaf.der"); /* the first failure is kept */
	xb_check_event_free(ev);
}
END_TEST

START_TEST(test_event_attribute_extension)
{
	static const struct kit_read reads[] = {{'a', XB_KIT_REQUEST, "Purpose"},
						{'a', XB_KIT_REQUEST, "Missing"},
						{'e', XB_KIT_CERTIFICATE, "1.3.6.1.4.1.99999.1"}};
	KIT_READS(reads);
	xb_check_ca *ca = xb_check_ca_new("Corp CA");
	xb_check_module *m = load_kit(ca);
	xb_check_event *ev = issued_event();
	check_hr(xb_check_event_attribute(ev, "Purpose", "testing"), S_OK);
	check_hr(xb_check_event_extension(ev, "1.3.6.1.4.1.99999.1", EXTENSION_CRITICAL_FLAG, "\x04\x01\x07", 3), S_OK);
	ck_assert_notify_ok(m, ev);
	char code[XB_HRESULT_BUFSIZE], want[128];
	snprintf(want, sizeof(want), "Purpose=testing;Missing!%s;1.3.6.1.4.1.99999.1=3 bytes flags 0x1;",
		 xb_hresult_format(CERTSRV_E_PROPERTY_EMPTY, code));
	check_has(kit_seen, want);
	ck_assert_property_read(m, "purpose"); /* names match as the CA matches them: ASCII case ignored */
	ck_assert_property_read(m, "Missing"); /* asked for, whatever the answer */
	ck_assert_property_read(m, "1.3.6.1.4.1.99999.1");
	xb_check_ca_free(ca);

	check_hr(xb_check_event_extension(ev, "not.an.oid", 0, "", 0), E_INVALIDARG);
	check_has(xb_check_event_error(ev), "\"not.an.oid\": not a dotted OID");
	xb_check_event_free(ev);
	ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	check_hr(xb_check_event_attribute(ev, "Purpose", NULL), E_INVALIDARG);
	check_has(xb_check_event_error(ev), "needs a name and a value");
	/* An event that failed to build is not delivered. */
	ca = xb_check_ca_new("Corp CA");
	m = load_kit(ca);
	check_hr(xb_check_notify(m, ev), E_INVALIDARG);
	check_has(xb_check_expect_notify_ok(m, ev), "the event cannot be delivered: an attribute needs a name");
	ck_assert_uint_eq(xb_check_result_count(m), 1); /* Initialize only */
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
}
END_TEST

/* ---- the CA ----------------------------------------------------------------- */

START_TEST(test_ca_new)
{
	ck_assert_ptr_null(xb_check_ca_new(NULL));
	xb_check_ca *ca = xb_check_ca_new("Corp CA");
	ck_assert_ptr_nonnull(ca);
	ck_assert_ptr_null(xb_check_ca_new("Another CA")); /* one CA per process */
	ck_assert_ptr_null(xb_check_ca_error(ca));
	xb_check_ca_free(ca);
	xb_check_ca_free(NULL);
	ca = xb_check_ca_new("Another CA");
	ck_assert_ptr_nonnull(ca);
	xb_check_ca_free(ca);
}
END_TEST

START_TEST(test_ca_set)
{
	static const struct kit_read reads[] = {{'l', XB_KIT_CERTIFICATE, "CAType"},
						{'s', XB_KIT_CERTIFICATE, "MachineDNSName"},
						{'s', XB_KIT_CERTIFICATE, "SanitizedCAName"}};
	KIT_READS(reads);
	xb_check_ca *ca = xb_check_ca_new("Corp #CA");
	check_hr(xb_check_ca_set_long(ca, "CAType", ENUM_ENTERPRISE_ROOTCA), S_OK);
	check_hr(xb_check_ca_set_string(ca, "MachineDNSName", "ca1.corp.local"), S_OK);
	check_hr(xb_check_ca_set_date(ca, "SomeDate", 45000.5), S_OK);
	check_hr(xb_check_ca_set_binary(ca, "SomeBytes", "\x01", 1), S_OK);
	check_hr(xb_check_ca_set_long(ca, "", 1), E_INVALIDARG);
	check_hr(xb_check_ca_set_string(NULL, "X", "y"), E_INVALIDARG);
	xb_check_module *m = load_kit(ca);
	ck_assert_initialize_ok(m);
	check_has(kit_seen, "init Corp #CA ");
	xb_check_event *crl = xb_check_event_new(EXITEVENT_CRLISSUED);
	ck_assert_notify_ok(m, crl);
	check_has(kit_seen, "notify 0x20;CAType=0;MachineDNSName=ca1.corp.local;SanitizedCAName=Corp !0023CA;");
	/* Set after loading: an update the CA applies from the next delivery on. */
	check_hr(xb_check_ca_set_string(ca, "MachineDNSName", "ca2.corp.local"), S_OK);
	kit_seen[0] = 0;
	ck_assert_notify_ok(m, crl);
	check_has(kit_seen, "MachineDNSName=ca2.corp.local;");
	ck_assert_uint_eq(xb_check_result_context(xb_check_result_last(m)), 0);
	xb_check_event_free(crl);
	xb_check_ca_free(ca);

	/* A CA property that is not what it claims stops the CA from starting. */
	ca = xb_check_ca_new("Corp CA");
	check_hr(xb_check_ca_set_binary(ca, "RawCACertificate.0", "junk", 4), S_OK);
	m = xb_check_module_load(ca, XB_RAW_EXIT_PATH, NULL);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_ne(xb_check_module_status(m), S_OK);
	check_has(xb_check_expect_initialize_ok(m), "the CA cannot start: ");
	check_has(xb_check_expect_initialize_ok(m), "RawCACertificate.0: not a DER certificate");
	xb_check_ca_free(ca);
}
END_TEST

START_TEST(test_ca_set_config)
{
	xb_check_ca *ca = xb_check_ca_new("Corp CA");
	check_hr(xb_check_ca_set_config(ca, KIT_CLSID_TEXT, "Greeting", "hello"), S_OK);
	check_hr(xb_check_ca_set_config(ca, NULL, "Count:dword", "7"), S_OK);
	check_hr(xb_check_ca_set_config(ca, "Other.Exit", "Greeting", "not mine"), S_OK);
	check_hr(xb_check_ca_set_config(ca, NULL, "Count:dword", "seven"), E_INVALIDARG);
	check_has(xb_check_ca_error(ca), "\"seven\" is not a number");
	check_hr(xb_check_ca_set_config(ca, NULL, NULL, "x"), E_INVALIDARG);
	xb_check_module *m = load_kit(ca);
	ck_assert_initialize_ok(m);
	check_has(kit_seen, "init Corp CA greeting=hello count=7;");
	xb_check_ca_free(ca);

	/* The raw module by ProgID: its own key (under the sanitized CA name, as on a CA), written before Initialize. */
	ca = xb_check_ca_new("mask=0x1");
	check_hr(xb_check_ca_set_config(ca, "XbRawTest.Exit", "Path", "/srv/out"), S_OK);
	m = xb_check_module_load(ca, XB_RAW_EXIT_PATH, "XbRawTest.Exit");
	ck_assert_initialize_ok(m);
	char *value = NULL;
	check_hr(xb_kit_config_string_at("SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\mask!003d0x1\\"
					 "ExitModules\\XbRawTest.Exit",
					 "Path", &value),
		 S_OK);
	ck_assert_str_eq(value, "/srv/out");
	free(value);
	/* Values for a module already loaded are written at once. */
	check_hr(xb_check_ca_set_config(ca, "XbRawTest.Exit", "Late", "yes"), S_OK);
	check_hr(xb_kit_config_string_at("SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\mask!003d0x1\\"
					 "ExitModules\\XbRawTest.Exit",
					 "Late", &value),
		 S_OK);
	ck_assert_str_eq(value, "yes");
	free(value);
	xb_check_ca_free(ca);
}
END_TEST

START_TEST(test_ca_inject)
{
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF;read");
	check_hr(xb_check_ca_inject(ca, "error=CERTSRV_E_PROPERTY_EMPTY,name=SerialNumber"), S_OK);
	check_hr(xb_check_ca_inject(ca, "error=NOT_AN_HRESULT"), E_INVALIDARG);
	ck_assert_ptr_nonnull(xb_check_ca_error(ca));
	xb_check_event *ev = issued_event();
	ck_assert_notify_ok(m, ev);
	const xb_check_result *r = xb_check_result_last(m);
	ck_assert_uint_eq(xb_check_result_injected_count(r), 1);
	check_has(xb_check_result_injected(r, 0), "GetCertificateProperty(SerialNumber): CERTSRV_E_PROPERTY_EMPTY");
	check_has(xb_check_result_call(r, 2), "GetCertificateProperty(SerialNumber): CERTSRV_E_PROPERTY_EMPTY");
	check_has(xb_check_result_call(r, 2), ", injected");
	char empty[64];
	snprintf(empty, sizeof(empty), "read SerialNumber 0x%08X", (unsigned)CERTSRV_E_PROPERTY_EMPTY);
	check_has(raw_calls(), empty);
	ck_assert_no_violations(m); /* it went on without the value: handled */
	xb_check_ca_free(ca);

	/* A module that leaks while a fault is injected did not handle it. */
	m = load_raw(&ca, "mask=0x2FF;read;keep-server");
	check_hr(xb_check_ca_inject(ca, "error=E_OUTOFMEMORY,method=GetRequestProperty"), S_OK);
	ck_assert_notify_ok(m, ev);
	check_has(xb_check_expect_no_violations(m), "the module did not handle the injected fault");
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
}
END_TEST

/* ---- modules ------------------------------------------------------------------ */

START_TEST(test_module_load)
{
	ck_assert_ptr_null(xb_check_module_load(NULL, XB_RAW_EXIT_PATH, NULL));
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF;read");
	ck_assert_ptr_null(xb_check_module_load(ca, NULL, NULL));
	ck_assert_initialize_ok(m);
	check_hr(xb_check_module_status(m), S_OK);
	ck_assert_ptr_null(xb_check_module_error(m));
	ck_assert_str_eq(xb_check_module_name(m), "XbRawTest.Exit");
	ck_assert_str_eq(xb_check_module_description(m), "Raw test exit module");
	ck_assert_int_eq(xb_check_module_mask(m), 0x2FF);
	ck_assert_uint_eq(xb_check_result_count(m), 1);
	ck_assert_str_eq(xb_check_result_method(xb_check_result_at(m, 0)), "Initialize");
	check_has(raw_calls(), "Initialize(mask=0x2FF;read)");

	/* hello, the sample module, on the same CA. */
	xb_check_module *hello = xb_check_module_load(ca, XB_HELLO_MODULE_PATH, NULL);
	ck_assert_initialize_ok(hello);
	ck_assert_str_eq(xb_check_module_name(hello), "Hello.Exit");
	check_has(kit_log, "Hello|info|initialized for CA \"mask=0x2FF;read\"");
	xb_check_module_free(hello);

	/* Loading fails: the module is still there, to say why. */
	xb_check_module *missing = xb_check_module_load(ca, "/nonexistent/module.so", NULL);
	ck_assert_ptr_nonnull(missing);
	check_hr(xb_check_module_status(missing), CO_E_DLLNOTFOUND);
	check_has(xb_check_module_error(missing), "/nonexistent/module.so: cannot load the module");
	check_has(xb_check_module_error(missing), "(CO_E_DLLNOTFOUND");
	ck_assert_str_eq(xb_check_module_name(missing), "/nonexistent/module.so");
	ck_assert_uint_eq(xb_check_result_count(missing), 0);
	xb_check_ca_free(ca); /* frees the modules still on it */
}
END_TEST

START_TEST(test_module_from_factory)
{
	static const struct kit_read reads[] = {{'l', XB_KIT_REQUEST, "RequestID"}};
	KIT_READS(reads);
	ck_assert_ptr_null(xb_check_module_from_factory(NULL, &leaky_factory, &leaky_clsid));
	xb_check_ca *ca = xb_check_ca_new("Corp CA");
	xb_check_module *m = load_kit(ca);
	ck_assert_initialize_ok(m);
	ck_assert_str_eq(xb_check_module_name(m), KIT_CLSID_TEXT);
	ck_assert_str_eq(xb_check_module_description(m), "Check helpers' kit module");
	xb_check_event *ev = issued_event();
	ck_assert_notify_ok(m, ev);
	check_has(kit_seen, "notify 0x1;RequestID=42;");
	ck_assert_property_read(m, "RequestID");
	xb_check_module_unload(m);
	ck_assert_no_violations(m);
	ck_assert_int_eq(kit_runtime.objects, 0);
	xb_check_module_free(m);

	/* A reference-count bug is reported at unload. */
	m = xb_check_module_from_factory(ca, &leaky_factory, &leaky_clsid);
	ck_assert_initialize_ok(m);
	ck_assert_notify_ok(m, ev);
	xb_check_module_unload(m);
	const xb_check_result *r = xb_check_result_last(m);
	ck_assert_str_eq(xb_check_result_method(r), "Unload");
	ck_assert_uint_eq(xb_check_result_violation_count(r), 1);
	ck_assert_str_eq(xb_check_result_violation(r, 0), "the final Release of ICertExit left 1 reference");
	check_has(xb_check_expect_no_violations(m),
		  "Leaky exit module ({7E1C0A52-4B3D-4F11-9A6E-2C5D8B7F0A11}): 1 contract violation: Unload: the final "
		  "Release of ICertExit left 1 reference");
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
	ck_assert_int_eq(leaky_objects, 1); /* the reference the bug kept */
	ck_assert_uint_eq(ICertExit_Release(&leaky_last->ICertExit_iface), 0);
	ck_assert_int_eq(leaky_objects, 0);
}
END_TEST

START_TEST(test_notify)
{
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF;read");
	xb_check_event *ev = issued_event();
	check_hr(xb_check_notify(m, ev), S_OK);
	check_has(raw_calls(), "read RequestID=42;read SerialNumber=" LEAF_SERIAL ";");
	const xb_check_result *r = xb_check_result_last(m);
	ck_assert_str_eq(xb_check_result_method(r), "Notify");
	ck_assert_int_eq(xb_check_result_event(r), EXITEVENT_CERTISSUED);
	LONG first = xb_check_result_context(r);
	ck_assert_int_ne(first, 0);
	check_hr(xb_check_result_hr(r), S_OK);
	ck_assert(xb_check_result_seconds(r) >= 0);
	ck_assert_uint_eq(xb_check_result_call_count(r), 3);
	char want[64];
	snprintf(want, sizeof(want), "SetContext(%ld): S_OK (0x00000000)", (long)first);
	ck_assert_str_eq(xb_check_result_call(r, 0), want);
	ck_assert_str_eq(xb_check_result_call(r, 1), "GetRequestProperty(RequestID): S_OK (0x00000000)");
	ck_assert_ptr_null(xb_check_result_call(r, 3));
	/* The same event again: a context of its own, as a second request would have. */
	check_hr(xb_check_notify(m, ev), S_OK);
	ck_assert_int_ne(xb_check_result_context(xb_check_result_last(m)), first);
	xb_check_event_free(ev);

	/* A request with no certificate yet: the module's read of one is refused. */
	ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_set_long(ev, XB_KIT_REQUEST, "RequestID", 43), S_OK);
	check_hr(xb_check_notify(m, ev), S_OK);
	snprintf(want, sizeof(want), "read RequestID=43;read SerialNumber 0x%08X", (unsigned)CERTSRV_E_PROPERTY_EMPTY);
	check_has(raw_calls(), want);
	ck_assert_uint_eq(xb_check_result_count(m), 4);
	xb_check_module_unload(m);
	check_hr(xb_check_notify(m, ev), E_UNEXPECTED);
	check_hr(xb_check_notify(NULL, ev), E_INVALIDARG);
	check_hr(xb_check_notify(m, NULL), E_INVALIDARG);
	xb_check_ca_free(ca);

	/* A mask without the kind: no call, as at a CA. */
	m = load_raw(&ca, "mask=0x1");
	raw_reset();
	check_hr(xb_check_notify(m, ev), S_FALSE);
	ck_assert_str_eq(raw_calls(), "");
	ck_assert_uint_eq(xb_check_result_count(m), 1);
	xb_check_ca_free(ca);

	/* What the module returns is returned. */
	m = load_raw(&ca, "mask=0x2FF;notify-hr=0x80004005");
	check_hr(xb_check_notify(m, ev), E_FAIL);
	check_hr(xb_check_result_hr(xb_check_result_last(m)), E_FAIL);
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
}
END_TEST

START_TEST(test_module_unload)
{
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF;lock");
	xb_check_module_unload(m);
	check_hr(xb_check_module_status(m), E_UNEXPECTED);
	const xb_check_result *r = xb_check_result_last(m);
	ck_assert_str_eq(xb_check_result_method(r), "Unload");
	ck_assert_uint_eq(xb_check_result_violation_count(r), 1);
	ck_assert_str_eq(xb_check_result_violation(r, 0), "DllCanUnloadNow said S_FALSE after the final Release");
	check_has(raw_calls(), "Release(final)");
	xb_check_module_unload(m); /* once only */
	ck_assert_uint_eq(xb_check_result_count(m), 2);
	xb_check_module_free(m);
	xb_check_module_free(NULL);
	xb_check_module_unload(NULL);

	xb_check_ca_free(ca);
	raw_reset(); /* drops the server lock, which is the library's, not the object's */

	/* A clean module: nothing to report, and freeing the CA frees what is left. */
	m = load_raw(&ca, "mask=0x2FF");
	xb_check_module_unload(m);
	ck_assert_no_violations(m);
	xb_check_ca_free(ca);
}
END_TEST

START_TEST(test_results)
{
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x12FF;read");
	ck_assert_uint_eq(xb_check_result_count(NULL), 0);
	ck_assert_ptr_null(xb_check_result_at(m, 1));
	ck_assert_ptr_null(xb_check_result_last(NULL));
	const xb_check_result *init = xb_check_result_at(m, 0);
	ck_assert_ptr_eq(init, xb_check_result_last(m));
	ck_assert_int_eq(xb_check_result_event(init), 0);
	ck_assert_uint_eq(xb_check_result_warning_count(init), 1);
	check_has(xb_check_result_warning(init, 0), "has bits no EXITEVENT_* defines: 0x1000");
	ck_assert_ptr_null(xb_check_result_warning(init, 1));
	ck_assert_uint_eq(xb_check_result_violation_count(init), 0);
	ck_assert_ptr_null(xb_check_result_violation(init, 0));
	ck_assert_uint_eq(xb_check_result_injected_count(init), 0);
	ck_assert_ptr_null(xb_check_result_injected(init, 0));
	ck_assert_ptr_null(xb_check_result_method(NULL));
	check_hr(xb_check_result_hr(NULL), E_INVALIDARG);
	xb_check_event *ev = issued_event();
	ck_assert_notify_ok(m, ev);
	const xb_check_result *r = xb_check_result_last(m);
	ck_assert(xb_check_result_read(r, "serialnumber"));
	ck_assert(xb_check_result_read(r, "RequestID"));
	ck_assert(!xb_check_result_read(r, "NotAfter"));
	ck_assert(!xb_check_result_read(r, NULL));
	ck_assert(!xb_check_result_read(init, "RequestID"));
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
}
END_TEST

/* ---- expectations: the predicates behind the macros ----------------------------- */

START_TEST(test_expect_initialize_ok)
{
	ck_assert_str_eq(xb_check_expect_initialize_ok(NULL),
			 "no module: xb_check_module_load or xb_check_module_from_factory returned NULL");
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF");
	ck_assert_ptr_null(xb_check_expect_initialize_ok(m));
	xb_check_module *missing = xb_check_module_load(ca, "/nonexistent/module.so", NULL);
	check_has(xb_check_expect_initialize_ok(missing), "/nonexistent/module.so: cannot load the module: ");
	xb_check_ca_free(ca);
	m = load_raw(&ca, "init=0x80004005");
	check_hr(xb_check_module_status(m), E_FAIL);
	ck_assert_str_eq(xb_check_expect_initialize_ok(m),
			 "Raw test exit module (XbRawTest.Exit): Initialize returned E_FAIL (0x80004005)");
	xb_check_event *ev = issued_event();
	check_hr(xb_check_notify(m, ev), E_UNEXPECTED); /* no events after a failed Initialize */
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

START_TEST(test_expect_notify_ok)
{
	xb_check_event *ev = issued_event();
	ck_assert_str_eq(xb_check_expect_notify_ok(NULL, ev),
			 "no module: xb_check_module_load or xb_check_module_from_factory returned NULL");
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF");
	ck_assert_ptr_null(xb_check_expect_notify_ok(m, ev));
	check_has(xb_check_expect_notify_ok(m, NULL), "no event to deliver");
	xb_check_ca_free(ca);
	/* As the CA logs a failing module: description, method, code and its name. */
	m = load_raw(&ca, "mask=0x2FF;notify-hr=0x80004005");
	ck_assert_str_eq(xb_check_expect_notify_ok(m, ev), "Raw test exit module (XbRawTest.Exit): Notify certissued "
							    "(context 1) returned E_FAIL (0x80004005)");
	xb_check_ca_free(ca);
	m = load_raw(&ca, "mask=0x4");
	ck_assert_str_eq(xb_check_expect_notify_ok(m, ev), "Raw test exit module (XbRawTest.Exit): the event mask 0x4 "
							    "does not select certissued: Notify was not called");
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
}
END_TEST

START_TEST(test_expect_no_violations)
{
	ck_assert_ptr_nonnull(xb_check_expect_no_violations(NULL));
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF;read");
	xb_check_event *ev = issued_event();
	ck_assert_notify_ok(m, ev);
	ck_assert_ptr_null(xb_check_expect_no_violations(m));
	xb_check_ca_free(ca);
	/* A leaked BSTR is named by the call and property that produced it; a kept server object is counted. */
	m = load_raw(&ca, "mask=0x2FF;read;leak;keep-server");
	ck_assert_notify_ok(m, ev); /* Notify itself succeeded */
	/* A kept BSTR is a warning until unload; the server object is a violation at once. */
	ck_assert_str_eq(xb_check_expect_no_violations(m),
			 "Raw test exit module (XbRawTest.Exit): 1 contract violation: Notify certissued (context 1): "
			 "1 ICertServerExit object was created and not released");
	xb_check_module_unload(m);
	ck_assert_msg(strstr(xb_check_expect_no_violations(m),
			     "the BSTR returned by GetCertificateProperty(SerialNumber) in Notify certissued (event 1) was never freed"),
		      "%s", xb_check_expect_no_violations(m));
	xb_check_ca_free(ca);
	/* Protocol misuse. */
	m = load_raw(&ca, "mask=0x2FF;read;misuse");
	ck_assert_notify_ok(m, ev);
	check_has(xb_check_expect_no_violations(m), "GetRequestProperty(RequestID) broke the protocol: E_INVALIDARG");
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
}
END_TEST

START_TEST(test_expect_property_read)
{
	ck_assert_ptr_nonnull(xb_check_expect_property_read(NULL, "SerialNumber"));
	xb_check_ca *ca = NULL;
	xb_check_module *m = load_raw(&ca, "mask=0x2FF;read");
	check_has(xb_check_expect_property_read(m, "SerialNumber"),
		  "did not read SerialNumber during Initialize: it made no ICertServerExit call");
	xb_check_event *ev = issued_event();
	ck_assert_notify_ok(m, ev);
	ck_assert_ptr_null(xb_check_expect_property_read(m, "SerialNumber"));
	const char *why = xb_check_expect_property_read(m, "NotAfter");
	check_has(why, "Raw test exit module (XbRawTest.Exit) did not read NotAfter during Notify certissued (context 1); "
		       "its calls: SetContext(1): S_OK (0x00000000), GetRequestProperty(RequestID): S_OK (0x00000000), "
		       "GetCertificateProperty(SerialNumber): S_OK (0x00000000)");
	check_has(xb_check_expect_property_read(m, NULL), "no property name given");
	xb_check_ca_free(ca);
	xb_check_event_free(ev);
}
END_TEST

/* ---- the macros, failing: each in a nested runner, in fork mode ------------------ */

/*
 * What the failing tests make is kept here: a failed assertion ends the
 * (forked) test before it can free anything, and memory still referenced
 * is no leak to Valgrind.
 */
static xb_check_ca *nested_ca;
static xb_check_module *nested_m;
static xb_check_event *nested_ev;

START_TEST(fails_initialize_ok)
{
	nested_ca = xb_check_ca_new("init=0x80070005");
	nested_m = xb_check_module_load(nested_ca, XB_RAW_EXIT_PATH, NULL);
	ck_assert_initialize_ok(nested_m);
}
END_TEST

START_TEST(fails_notify_ok)
{
	nested_ca = xb_check_ca_new("mask=0x2FF;notify-hr=0x80004005");
	nested_m = xb_check_module_load(nested_ca, XB_RAW_EXIT_PATH, NULL);
	nested_ev = xb_check_event_new(EXITEVENT_CERTPENDING);
	ck_assert_notify_ok(nested_m, nested_ev);
}
END_TEST

START_TEST(fails_no_violations)
{
	nested_ca = xb_check_ca_new("mask=0x2FF;read;leak");
	nested_m = xb_check_module_load(nested_ca, XB_RAW_EXIT_PATH, NULL);
	nested_ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	xb_check_event_certificate_file(nested_ev, FIXTURE("leaf.der"));
	ck_assert_notify_ok(nested_m, nested_ev);
	ck_assert_no_violations(nested_m); /* kept, not yet leaked: passes */
	xb_check_module_unload(nested_m);
	ck_assert_no_violations(nested_m);
}
END_TEST

START_TEST(fails_property_read)
{
	nested_ca = xb_check_ca_new("mask=0x2FF");
	nested_m = xb_check_module_load(nested_ca, XB_RAW_EXIT_PATH, NULL);
	nested_ev = xb_check_event_new(EXITEVENT_CERTDENIED);
	ck_assert_notify_ok(nested_m, nested_ev);
	ck_assert_property_read(nested_m, "SerialNumber");
}
END_TEST

/* All four macros holding, in the same nested runner (proves they pass there too). */
START_TEST(passes_all)
{
	xb_check_ca *ca = xb_check_ca_new("mask=0x2FF;read");
	xb_check_module *m = xb_check_module_load(ca, XB_RAW_EXIT_PATH, NULL);
	ck_assert_initialize_ok(m);
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	xb_check_event_certificate_file(ev, FIXTURE("leaf.der"));
	ck_assert_notify_ok(m, ev);
	ck_assert_property_read(m, "SerialNumber");
	xb_check_module_unload(m);
	ck_assert_no_violations(m);
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

/*
 * Runs one test in a runner of its own, forked (one nesting level is what
 * Check supports), and checks its verdict, its message, and that a
 * failure names this file (the caller's, not check.h's) and a line.
 */
static void run_nested(const TTest *test, enum test_result want, const char *message)
{
	Suite *s = suite_create("nested");
	TCase *tc = tcase_create("nested");
	tcase_add_test(tc, test);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run(sr, "nested", "nested", CK_SILENT);
	ck_assert_int_eq(srunner_ntests_run(sr), 1);
	TestResult **results = srunner_results(sr);
	int rtype = tr_rtype(results[0]), line = tr_lno(results[0]);
	char msg[1024], file[512];
	snprintf(msg, sizeof(msg), "%s", tr_msg(results[0]) ? tr_msg(results[0]) : "");
	snprintf(file, sizeof(file), "%s", tr_lfile(results[0]) ? tr_lfile(results[0]) : "");
	free(results);
	srunner_free(sr);
	ck_assert_msg(rtype == (int)want, "%s: result %d, expected %d: %s", test->name, rtype, (int)want, msg);
	if (want != CK_FAILURE)
		return;
	check_has(msg, message);
	check_has(file, "check_checklib.c");
	ck_assert_msg(line > 0, "%s: no line in the failure", test->name);
}

START_TEST(test_assert_macros)
{
	run_nested(fails_initialize_ok, CK_FAILURE,
		   "Raw test exit module (XbRawTest.Exit): Initialize returned E_ACCESSDENIED (0x80070005)");
	run_nested(fails_notify_ok, CK_FAILURE,
		   "Raw test exit module (XbRawTest.Exit): Notify certpending (context 1) returned E_FAIL (0x80004005)");
	run_nested(fails_no_violations, CK_FAILURE,
		   "Raw test exit module (XbRawTest.Exit): 1 contract violation: Unload: the BSTR returned by "
		   "GetCertificateProperty(SerialNumber) in Notify certissued (event 1) was never freed");
	run_nested(fails_property_read, CK_FAILURE,
		   "Raw test exit module (XbRawTest.Exit) did not read SerialNumber during Notify certdenied (context 1): "
		   "it made no ICertServerExit call");
	run_nested(passes_all, CK_PASS, NULL);
}
END_TEST

Suite *suite_checklib(void)
{
	Suite *s = suite_create("checklib");
	const struct xb_test_case cases[] = {
		{"xb_check_event_new", test_event_new},
		{"xb_check_event_set", test_event_set},
		{"xb_check_event_certificate", test_event_certificate},
		{"xb_check_event_request", test_event_request},
		{"xb_check_event_attribute_extension", test_event_attribute_extension},
		{"xb_check_ca_new", test_ca_new},
		{"xb_check_ca_set", test_ca_set},
		{"xb_check_ca_set_config", test_ca_set_config},
		{"xb_check_ca_inject", test_ca_inject},
		{"xb_check_module_load", test_module_load},
		{"xb_check_module_from_factory", test_module_from_factory},
		{"xb_check_notify", test_notify},
		{"xb_check_module_unload", test_module_unload},
		{"xb_check_result", test_results},
		{"xb_check_expect_initialize_ok", test_expect_initialize_ok},
		{"xb_check_expect_notify_ok", test_expect_notify_ok},
		{"xb_check_expect_no_violations", test_expect_no_violations},
		{"xb_check_expect_property_read", test_expect_property_read},
		{"ck_assert_macros", test_assert_macros},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
