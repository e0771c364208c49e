/*
 * The module kit (lib/kit_*.c) through the hello module (modules/hello),
 * loaded with dlopen and driven through its four exports as certsrv and
 * regsvr32 would, and through a declaration of the suite's own ("Probe")
 * for the callbacks hello does not use. ICertServerExit is a table-driven
 * fake registered as CLSID_CCertServerExit, so every helper's error path
 * can be reached; BSTR accounting must end at zero live blocks.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

#if !defined(XB_HELLO_MODULE_PATH)
#error "the build must name the hello module (modules/.libs/hello.so)"
#endif

#define HELLO_CLSID "{9BA14DF9-5F2C-4EA9-AAB5-891895863759}"
#define HELLO_MANAGE_CLSID "{AA2A102E-2668-46F0-819D-1E7D4E05579A}"
#define HELLO_DESCRIPTION "Hello exit module (logs each event)"
static const CLSID clsid_hello = {0x9BA14DF9, 0x5F2C, 0x4EA9, {0xAA, 0xB5, 0x89, 0x18, 0x95, 0x86, 0x37, 0x59}};
static const CLSID clsid_hello_manage = {0xAA2A102E, 0x2668, 0x46F0, {0x81, 0x9D, 0x1E, 0x7D, 0x4E, 0x05, 0x57, 0x9A}};
static const CLSID clsid_other = {0x01234567, 0x89AB, 0xCDEF, {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF}};

/* ---- checks that report the caller's line --------------------------------- */

#define check_hr(expr, want) check_hr_at(__LINE__, #expr, (expr), (want))
static void check_hr_at(int line, const char *what, HRESULT got, HRESULT want)
{
	char a[XB_HRESULT_BUFSIZE], b[XB_HRESULT_BUFSIZE];
	ck_assert_msg(got == want, "line %d: %s returned %s, expected %s", line, what, xb_hresult_format(got, a),
		      xb_hresult_format(want, b));
}

#define check_refs(expr, want) check_refs_at(__LINE__, #expr, (expr), (want))
static void check_refs_at(int line, const char *what, ULONG got, ULONG want)
{
	ck_assert_msg(got == want, "line %d: %s returned %u, expected %u", line, what, (unsigned)got, (unsigned)want);
}

#define check_no_bstr_leak() check_no_bstr_leak_at(__LINE__)
static void check_no_bstr_leak_at(int line)
{
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	ck_assert_msg(st.live == 0, "line %d: %lld BSTR/task blocks still live (%llu allocated)", line,
		      (long long)st.live, (unsigned long long)st.allocs);
}

/* ---- the hello module, loaded as a COM server is ------------------------ */

static void *hello;
static LPFNGETCLASSOBJECT hello_get_class_object;
static LPFNCANUNLOADNOW hello_can_unload_now;
static HRESULT(STDAPICALLTYPE *hello_register)(void);
static HRESULT(STDAPICALLTYPE *hello_unregister)(void);
static char hello_path[PATH_MAX];

/* ---- the log, captured ---------------------------------------------------- */

static char log_text[16384];

static void capture_log(void *ctx, const char *module, xb_kit_log_level level, const char *message)
{
	(void)ctx;
	size_t used = strlen(log_text);
	snprintf(log_text + used, sizeof(log_text) - used, "%s|%s|%s\n", module, xb_kit_log_level_name(level),
		 message);
}

/* ---- a table-driven fake ICertServerExit ------------------------------------ */

enum fake_side { REQ, CERT, ATTR, EXT };
#define ANY_CONTEXT (-1)

struct fake_row {
	enum fake_side side;
	LONG context; /* ANY_CONTEXT or the one context that has the row */
	const char *name;
	VARTYPE vt;   /* VT_EMPTY: answered S_OK with nothing */
	HRESULT hr;   /* a failure returned instead of a value */
	LONG l;
	DATE d;
	const OLECHAR *text;   /* VT_BSTR text */
	const char *bytes;     /* VT_BSTR binary, len bytes */
	UINT len;
	LONG flags;            /* extensions */
};

static const struct fake_row fake_rows[] = {
	/* the first row that matches answers: context-specific rows come first */
	{REQ, 9, "DistinguishedName", VT_EMPTY, CERTSRV_E_PROPERTY_EMPTY, 0, 0, NULL, NULL, 0, 0},
	{REQ, ANY_CONTEXT, "RequestID", VT_I4, S_OK, 42, 0, NULL, NULL, 0, 0},
	{REQ, ANY_CONTEXT, "DistinguishedName", VT_BSTR, S_OK, 0, 0, u"CN=requested", NULL, 0, 0},
	{CERT, 7, "DistinguishedName", VT_BSTR, S_OK, 0, 0, u"CN=alice.smith, O=Corp \u00e9", NULL, 0, 0},
	{CERT, 8, "DistinguishedName", VT_BSTR, S_OK, 0, 0, u"", NULL, 0, 0},
	{CERT, ANY_CONTEXT, "NotBefore", VT_DATE, S_OK, 0, 45000.5, NULL, NULL, 0, 0},
	{CERT, ANY_CONTEXT, "FarFuture", VT_DATE, S_OK, 0, 3000000.0, NULL, NULL, 0, 0},
	{CERT, ANY_CONTEXT, "RawCertificate", VT_BSTR, S_OK, 0, 0, NULL, "\x30\x03\x02\x01\x00", 5, 0},
	{CERT, ANY_CONTEXT, "RawNothing", VT_BSTR, S_OK, 0, 0, NULL, "", 0, 0},
	{REQ, ANY_CONTEXT, "WrongType", VT_I4, S_OK, 7, 0, NULL, NULL, 0, 0},
	{REQ, ANY_CONTEXT, "NullValue", VT_NULL, S_OK, 0, 0, NULL, NULL, 0, 0},
	{REQ, ANY_CONTEXT, "EmptyOk", VT_EMPTY, S_OK, 0, 0, NULL, NULL, 0, 0},
	{REQ, ANY_CONTEXT, "Broken", VT_EMPTY, E_FAIL, 0, 0, NULL, NULL, 0, 0},
	{REQ, ANY_CONTEXT, "LoneSurrogate", VT_BSTR, S_OK, 0, 0, u"a\xd800z", NULL, 0, 0},
	/* the CA (context 0) */
	{CERT, 0, "CertCount", VT_I4, S_OK, 3, 0, NULL, NULL, 0, 0},
	{CERT, 0, "CRLState.0", VT_I4, S_OK, 3, 0, NULL, NULL, 0, 0},
	{CERT, 0, "CRLState.1", VT_I4, S_OK, 1, 0, NULL, NULL, 0, 0},
	{CERT, 0, "CRLState.2", VT_I4, S_OK, 3, 0, NULL, NULL, 0, 0},
	{CERT, 0, "ModuleRegistryLocation", VT_BSTR, S_OK, 0, 0,
	 u"SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Corp CA\\ExitModules\\Probe.Exit", NULL, 0, 0},
	/* request attributes, in enumeration order */
	{ATTR, ANY_CONTEXT, "CertificateTemplate", VT_BSTR, S_OK, 0, 0, u"User", NULL, 0, 0},
	{ATTR, ANY_CONTEXT, "ccm", VT_BSTR, S_OK, 0, 0, u"pki.corp.local", NULL, 0, 0},
	{ATTR, ANY_CONTEXT, "NoValue", VT_EMPTY, CERTSRV_E_PROPERTY_EMPTY, 0, 0, NULL, NULL, 0, 0},
	{ATTR, ANY_CONTEXT, "Empty", VT_BSTR, S_OK, 0, 0, NULL, NULL, 0, 0}, /* a NULL BSTR */
	/* certificate extensions, in enumeration order */
	{EXT, ANY_CONTEXT, "2.5.29.15", VT_BSTR, S_OK, 0, 0, NULL, "\x03\x02\x05\xa0", 4, EXTENSION_CRITICAL_FLAG},
	{EXT, ANY_CONTEXT, "2.5.29.37", VT_BSTR, S_OK, 0, 0, NULL, "\x30\x00", 2, 0},
	{EXT, ANY_CONTEXT, "1.2.3.4", VT_EMPTY, CERTSRV_E_PROPERTY_EMPTY, 0, 0, NULL, NULL, 0, 0},
};
#define FAKE_ROWS (sizeof(fake_rows) / sizeof(fake_rows[0]))

/* How the fake misbehaves, and what it counts; reset by each fixture. */
static struct fake_knobs {
	HRESULT set_context_hr;
	HRESULT setup_hr;
	int enum_fail_at;      /* Enumerate* fails at this index (0: never; 1-based) */
	HRESULT flags_hr;
	HRESULT close_hr;
	VARTYPE extension_vt;  /* VT_EMPTY: as the table says; else the type answered */
	int setups, closes;
	int location_reads;
	long live_servers;
	LONG last_context;
} knobs;

struct fake_server {
	ICertServerExit ICertServerExit_iface;
	LONG refs;
	LONG context;
	size_t attr_cursor, ext_cursor;
	int attr_open, ext_open;
	LONG last_flags;
};

static inline struct fake_server *fake_from_iface(ICertServerExit *iface)
{
	return (struct fake_server *)iface;
}

static const struct fake_row *fake_find(const struct fake_server *s, enum fake_side side, const BSTR name)
{
	for (size_t i = 0; i < FAKE_ROWS; i++) {
		const struct fake_row *r = &fake_rows[i];
		if (r->side != side || (r->context != ANY_CONTEXT && r->context != s->context))
			continue;
		size_t n = strlen(r->name);
		if (SysStringLen(name) != n)
			continue;
		int same = 1;
		for (size_t k = 0; k < n && same; k++)
			same = name[k] == (OLECHAR)r->name[k];
		if (same)
			return r;
	}
	return NULL;
}

static BSTR fake_bstr(const struct fake_row *r)
{
	if (r->bytes)
		return SysAllocStringByteLen(r->bytes, r->len);
	return r->text ? SysAllocString(r->text) : NULL;
}

static HRESULT fake_value(const struct fake_row *r, VARIANT *v)
{
	if (!r)
		return CERTSRV_E_PROPERTY_EMPTY;
	if (FAILED(r->hr))
		return r->hr;
	V_VT(v) = r->vt;
	switch (r->vt) {
	case VT_I4:
		V_I4(v) = r->l;
		break;
	case VT_DATE:
		V_DATE(v) = r->d;
		break;
	case VT_BSTR:
		V_BSTR(v) = fake_bstr(r);
		break;
	default:
		break;
	}
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE fake_QueryInterface(ICertServerExit *iface, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
	    !IsEqualIID(riid, &IID_ICertServerExit))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertServerExit_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE fake_AddRef(ICertServerExit *iface)
{
	return (ULONG)++fake_from_iface(iface)->refs;
}

static ULONG STDMETHODCALLTYPE fake_Release(ICertServerExit *iface)
{
	struct fake_server *s = fake_from_iface(iface);
	LONG left = --s->refs;
	if (!left) {
		ck_assert_msg(!s->attr_open && !s->ext_open, "an enumeration was left open");
		free(s);
		knobs.live_servers--;
	}
	return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE fake_GetTypeInfoCount(ICertServerExit *iface, UINT *n)
{
	(void)iface;
	*n = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE fake_GetTypeInfo(ICertServerExit *iface, UINT i, LCID lcid, ITypeInfo **info)
{
	(void)iface, (void)i, (void)lcid, (void)info;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE fake_GetIDsOfNames(ICertServerExit *iface, REFIID riid, LPOLESTR *names, UINT n,
						    LCID lcid, DISPID *ids)
{
	(void)iface, (void)riid, (void)names, (void)n, (void)lcid, (void)ids;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE fake_Invoke(ICertServerExit *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
					     DISPPARAMS *p, VARIANT *r, EXCEPINFO *e, UINT *a)
{
	(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)p, (void)r, (void)e, (void)a;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE fake_SetContext(ICertServerExit *iface, LONG context)
{
	knobs.last_context = context;
	if (FAILED(knobs.set_context_hr))
		return knobs.set_context_hr;
	fake_from_iface(iface)->context = context;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE fake_GetRequestProperty(ICertServerExit *iface, const BSTR name, LONG type,
							 VARIANT *v)
{
	(void)type;
	return fake_value(fake_find(fake_from_iface(iface), REQ, name), v);
}

static HRESULT STDMETHODCALLTYPE fake_GetCertificateProperty(ICertServerExit *iface, const BSTR name, LONG type,
							     VARIANT *v)
{
	(void)type;
	const struct fake_row *r = fake_find(fake_from_iface(iface), CERT, name);
	if (r && !strcmp(r->name, "ModuleRegistryLocation"))
		knobs.location_reads++;
	return fake_value(r, v);
}

static HRESULT STDMETHODCALLTYPE fake_GetRequestAttribute(ICertServerExit *iface, const BSTR name, BSTR *value)
{
	const struct fake_row *r = fake_find(fake_from_iface(iface), ATTR, name);
	*value = NULL;
	if (!r)
		return CERTSRV_E_PROPERTY_EMPTY;
	if (FAILED(r->hr))
		return r->hr;
	*value = fake_bstr(r);
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE fake_GetCertificateExtension(ICertServerExit *iface, const BSTR name, LONG type,
							      VARIANT *v)
{
	struct fake_server *s = fake_from_iface(iface);
	const struct fake_row *r = fake_find(s, EXT, name);
	(void)type;
	HRESULT hr = fake_value(r, v);
	if (SUCCEEDED(hr)) {
		s->last_flags = r->flags;
		if (knobs.extension_vt != VT_EMPTY) {
			VariantClear(v);
			V_VT(v) = knobs.extension_vt;
			V_I4(v) = 1;
		}
	}
	return hr;
}

static HRESULT STDMETHODCALLTYPE fake_GetCertificateExtensionFlags(ICertServerExit *iface, LONG *flags)
{
	if (FAILED(knobs.flags_hr))
		return knobs.flags_hr;
	*flags = fake_from_iface(iface)->last_flags;
	return S_OK;
}

/* The next row of side after *cursor, as Enumerate* returns names. */
static HRESULT fake_next(size_t *cursor, int open, enum fake_side side, BSTR *name)
{
	*name = NULL;
	if (!open)
		return E_UNEXPECTED;
	int index = 0;
	for (size_t i = 0; i < FAKE_ROWS; i++) {
		if (fake_rows[i].side != side)
			continue;
		index++;
		if (i < *cursor)
			continue;
		if (knobs.enum_fail_at && index == knobs.enum_fail_at)
			return E_FAIL;
		*cursor = i + 1;
		OLECHAR wide[64];
		size_t n = strlen(fake_rows[i].name);
		for (size_t k = 0; k <= n; k++)
			wide[k] = (OLECHAR)fake_rows[i].name[k];
		*name = SysAllocString(wide);
		return S_OK;
	}
	return S_FALSE;
}

static HRESULT STDMETHODCALLTYPE fake_EnumerateExtensionsSetup(ICertServerExit *iface, LONG flags)
{
	struct fake_server *s = fake_from_iface(iface);
	ck_assert_int_eq(flags, 0);
	if (FAILED(knobs.setup_hr))
		return knobs.setup_hr;
	knobs.setups++;
	s->ext_open = 1;
	s->ext_cursor = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE fake_EnumerateExtensions(ICertServerExit *iface, BSTR *name)
{
	struct fake_server *s = fake_from_iface(iface);
	return fake_next(&s->ext_cursor, s->ext_open, EXT, name);
}

static HRESULT STDMETHODCALLTYPE fake_EnumerateExtensionsClose(ICertServerExit *iface)
{
	knobs.closes++;
	fake_from_iface(iface)->ext_open = 0;
	return knobs.close_hr;
}

static HRESULT STDMETHODCALLTYPE fake_EnumerateAttributesSetup(ICertServerExit *iface, LONG flags)
{
	struct fake_server *s = fake_from_iface(iface);
	ck_assert_int_eq(flags, 0);
	if (FAILED(knobs.setup_hr))
		return knobs.setup_hr;
	knobs.setups++;
	s->attr_open = 1;
	s->attr_cursor = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE fake_EnumerateAttributes(ICertServerExit *iface, BSTR *name)
{
	struct fake_server *s = fake_from_iface(iface);
	return fake_next(&s->attr_cursor, s->attr_open, ATTR, name);
}

static HRESULT STDMETHODCALLTYPE fake_EnumerateAttributesClose(ICertServerExit *iface)
{
	knobs.closes++;
	fake_from_iface(iface)->attr_open = 0;
	return knobs.close_hr;
}

static const ICertServerExitVtbl fake_vtbl = {
	fake_QueryInterface,
	fake_AddRef,
	fake_Release,
	fake_GetTypeInfoCount,
	fake_GetTypeInfo,
	fake_GetIDsOfNames,
	fake_Invoke,
	fake_SetContext,
	fake_GetRequestProperty,
	fake_GetRequestAttribute,
	fake_GetCertificateProperty,
	fake_GetCertificateExtension,
	fake_GetCertificateExtensionFlags,
	fake_EnumerateExtensionsSetup,
	fake_EnumerateExtensions,
	fake_EnumerateExtensionsClose,
	fake_EnumerateAttributesSetup,
	fake_EnumerateAttributes,
	fake_EnumerateAttributesClose,
};

static ICertServerExit *fake_new(LONG context)
{
	struct fake_server *s = calloc(1, sizeof(*s));
	ck_assert_ptr_nonnull(s);
	s->ICertServerExit_iface.lpVtbl = &fake_vtbl;
	s->refs = 1;
	s->context = context;
	knobs.live_servers++;
	return &s->ICertServerExit_iface;
}

/* Its class object, registered as CLSID_CCertServerExit as the engine registers its own. */
static HRESULT STDMETHODCALLTYPE fake_cf_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	return S_OK;
}

static ULONG STDMETHODCALLTYPE fake_cf_AddRef(IClassFactory *iface)
{
	(void)iface;
	return 2;
}

static ULONG STDMETHODCALLTYPE fake_cf_Release(IClassFactory *iface)
{
	(void)iface;
	return 1;
}

static HRESULT STDMETHODCALLTYPE fake_cf_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
							void **ppv)
{
	(void)iface, (void)outer;
	ICertServerExit *s = fake_new(0);
	HRESULT hr = ICertServerExit_QueryInterface(s, riid, ppv);
	ICertServerExit_Release(s);
	return hr;
}

static HRESULT STDMETHODCALLTYPE fake_cf_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface, (void)lock;
	return S_OK;
}

static const IClassFactoryVtbl fake_cf_vtbl = {fake_cf_QueryInterface, fake_cf_AddRef, fake_cf_Release,
					       fake_cf_CreateInstance, fake_cf_LockServer};
static IClassFactory fake_cf = {&fake_cf_vtbl};
static DWORD fake_cookie;

static void fake_register(void)
{
	ck_assert_int_eq(CoRegisterClassObject(&CLSID_CCertServerExit, (IUnknown *)&fake_cf, CLSCTX_INPROC_SERVER,
					       REGCLS_MULTIPLEUSE, &fake_cookie),
			 S_OK);
}

static void fake_revoke(void)
{
	if (fake_cookie)
		CoRevokeClassObject(fake_cookie);
	fake_cookie = 0;
}

/* ---- fixtures ----------------------------------------------------------------- */

static void *sym(const char *name)
{
	void *p = dlsym(hello, name);
	ck_assert_msg(p != NULL, "hello.so lacks %s", name);
	return p;
}

static void setup(void)
{
	xb_registry_clear();
	memset(&knobs, 0, sizeof(knobs));
	log_text[0] = 0;
	xb_kit_set_log_handler(capture_log, NULL);
	hello = dlopen(XB_HELLO_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(hello != NULL, "dlopen %s: %s", XB_HELLO_MODULE_PATH, dlerror());
	ck_assert_ptr_nonnull(realpath(XB_HELLO_MODULE_PATH, hello_path));
	hello_get_class_object = (LPFNGETCLASSOBJECT)(uintptr_t)sym("DllGetClassObject");
	hello_can_unload_now = (LPFNCANUNLOADNOW)(uintptr_t)sym("DllCanUnloadNow");
	*(void **)&hello_register = sym("DllRegisterServer");
	*(void **)&hello_unregister = sym("DllUnregisterServer");
	xb_alloc_set_tracking(1);
}

static void teardown(void)
{
	xb_alloc_set_tracking(0);
	fake_revoke();
	CoFreeUnusedLibraries();
	if (hello)
		dlclose(hello);
	hello = NULL;
	xb_kit_set_log_handler(NULL, NULL);
	xb_registry_clear();
}

/* A new hello exit object through its class factory, as ICertExit2. */
static ICertExit2 *hello_new(void)
{
	IClassFactory *cf = NULL;
	ICertExit2 *exit2 = NULL;
	check_hr(hello_get_class_object(&clsid_hello, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(IClassFactory_CreateInstance(cf, NULL, &IID_ICertExit2, (void **)&exit2), S_OK);
	check_refs(IClassFactory_Release(cf), 0);
	return exit2;
}

/* The whole of HKEY_CLASSES_ROOT as .reg text (free() it). */
static char *hkcr(void)
{
	char *text = xb_registry_export(HKEY_CLASSES_ROOT, NULL);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* ---- registration ------------------------------------------------------------------- */

START_TEST(test_register_server)
{
	check_hr(hello_register(), S_OK);
	char *got = hkcr();
	char want[4 * PATH_MAX + 4096];
	snprintf(want, sizeof(want),
		 "Windows Registry Editor Version 5.00\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT]\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID]\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_CLSID "]\n"
		 "@=\"" HELLO_DESCRIPTION "\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_CLSID "\\InprocServer32]\n"
		 "@=\"%s\"\n"
		 "\"ThreadingModel\"=\"Both\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_CLSID "\\ProgID]\n"
		 "@=\"Hello.Exit.1\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_CLSID "\\VersionIndependentProgID]\n"
		 "@=\"Hello.Exit\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_MANAGE_CLSID "]\n"
		 "@=\"" HELLO_DESCRIPTION " (ICertManageModule)\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_MANAGE_CLSID "\\InprocServer32]\n"
		 "@=\"%s\"\n"
		 "\"ThreadingModel\"=\"Both\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_MANAGE_CLSID "\\ProgID]\n"
		 "@=\"Hello.ExitManage.1\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\CLSID\\" HELLO_MANAGE_CLSID "\\VersionIndependentProgID]\n"
		 "@=\"Hello.ExitManage\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.Exit]\n"
		 "@=\"" HELLO_DESCRIPTION "\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.Exit\\CLSID]\n"
		 "@=\"" HELLO_CLSID "\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.Exit\\CurVer]\n"
		 "@=\"Hello.Exit.1\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.Exit.1]\n"
		 "@=\"" HELLO_DESCRIPTION "\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.Exit.1\\CLSID]\n"
		 "@=\"" HELLO_CLSID "\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.ExitManage]\n"
		 "@=\"" HELLO_DESCRIPTION " (ICertManageModule)\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.ExitManage\\CLSID]\n"
		 "@=\"" HELLO_MANAGE_CLSID "\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.ExitManage\\CurVer]\n"
		 "@=\"Hello.ExitManage.1\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.ExitManage.1]\n"
		 "@=\"" HELLO_DESCRIPTION " (ICertManageModule)\"\n"
		 "\n"
		 "[HKEY_CLASSES_ROOT\\Hello.ExitManage.1\\CLSID]\n"
		 "@=\"" HELLO_MANAGE_CLSID "\"\n"
		 "\n",
		 hello_path, hello_path);
	ck_assert_str_eq(got, want);
	free(got);
	/* Again: the same keys, nothing added. */
	check_hr(hello_register(), S_OK);
	got = hkcr();
	ck_assert_str_eq(got, want);
	free(got);
	ck_assert(strchr(hello_path, '/') == hello_path); /* a full path, as GetModuleFileName gives */
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_unregister_server)
{
	static const char empty[] = "Windows Registry Editor Version 5.00\n\n[HKEY_CLASSES_ROOT]\n\n"
				    "[HKEY_CLASSES_ROOT\\CLSID]\n\n";
	check_hr(hello_register(), S_OK);
	check_hr(hello_unregister(), S_OK);
	char *got = hkcr();
	ck_assert_str_eq(got, empty);
	free(got);
	/* Nothing to remove is not an error. */
	check_hr(hello_unregister(), S_OK);
	/* Another class's keys stay, and so does a ProgID another class has taken over since. */
	check_hr(hello_register(), S_OK);
	ck_assert_int_eq(xb_registry_set_string(HKEY_CLASSES_ROOT, "Hello.Exit\\CLSID", NULL,
						"{01234567-89AB-CDEF-0123-456789ABCDEF}"), ERROR_SUCCESS);
	ck_assert_int_eq(xb_registry_set_string(HKEY_CLASSES_ROOT, "Hello.Exit.1\\CLSID", NULL,
						"{9ba14df9-5f2c-4ea9-aab5-891895863759}"), ERROR_SUCCESS);
	ck_assert_int_eq(xb_registry_set_string(HKEY_CLASSES_ROOT, "Other.Exit\\CLSID", NULL, "{X}"), ERROR_SUCCESS);
	check_hr(hello_unregister(), S_OK);
	got = hkcr();
	ck_assert_str_eq(got, "Windows Registry Editor Version 5.00\n\n[HKEY_CLASSES_ROOT]\n\n"
			      "[HKEY_CLASSES_ROOT\\CLSID]\n\n"
			      "[HKEY_CLASSES_ROOT\\Hello.Exit]\n@=\"" HELLO_DESCRIPTION "\"\n\n"
			      "[HKEY_CLASSES_ROOT\\Hello.Exit\\CLSID]\n@=\"{01234567-89AB-CDEF-0123-456789ABCDEF}\"\n\n"
			      "[HKEY_CLASSES_ROOT\\Hello.Exit\\CurVer]\n@=\"Hello.Exit.1\"\n\n"
			      "[HKEY_CLASSES_ROOT\\Other.Exit]\n\n"
			      "[HKEY_CLASSES_ROOT\\Other.Exit\\CLSID]\n@=\"{X}\"\n\n");
	free(got);
	check_no_bstr_leak();
}
END_TEST

/* Registered, the module activates the way certsrv activates it: ProgID, CLSID, InprocServer32. */
START_TEST(test_activation_through_registry)
{
	CLSID clsid;
	ICertExit2 *exit2 = NULL;
	ICertManageModule *manage = NULL;
	check_hr(hello_register(), S_OK);
	check_hr(CLSIDFromProgID(u"Hello.Exit", &clsid), S_OK);
	ck_assert(IsEqualCLSID(&clsid, &clsid_hello));
	check_hr(CLSIDFromProgID(u"Hello.Exit.1", &clsid), S_OK);
	ck_assert(IsEqualCLSID(&clsid, &clsid_hello));
	check_hr(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertExit2, (void **)&exit2), S_OK);
	check_hr(hello_can_unload_now(), S_FALSE);
	check_hr(CLSIDFromProgID(u"Hello.ExitManage", &clsid), S_OK);
	ck_assert(IsEqualCLSID(&clsid, &clsid_hello_manage));
	check_hr(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertManageModule, (void **)&manage), S_OK);
	check_refs(ICertManageModule_Release(manage), 0);
	check_refs(ICertExit2_Release(exit2), 0);
	check_hr(hello_can_unload_now(), S_OK);
	check_no_bstr_leak();
}
END_TEST

/* ---- the class objects -------------------------------------------------------------- */

START_TEST(test_get_class_object)
{
	IClassFactory *cf = (void *)1, *cf2 = NULL;
	IUnknown *unk = NULL;
	check_hr(hello_get_class_object(&clsid_hello, &IID_IClassFactory, NULL), E_POINTER);
	check_hr(hello_get_class_object(&clsid_other, &IID_IClassFactory, (void **)&cf), CLASS_E_CLASSNOTAVAILABLE);
	ck_assert_ptr_null(cf);
	cf = (void *)1;
	check_hr(hello_get_class_object(&clsid_hello, &IID_ICertExit, (void **)&cf), E_NOINTERFACE);
	ck_assert_ptr_null(cf);
	check_hr(hello_can_unload_now(), S_OK);

	check_hr(hello_get_class_object(&clsid_hello, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(hello_can_unload_now(), S_FALSE); /* a held class object keeps the module */
	check_hr(hello_get_class_object(&clsid_hello, &IID_IUnknown, (void **)&unk), S_OK);
	ck_assert_ptr_eq(unk, cf);
	check_refs(IClassFactory_AddRef(cf), 3);
	check_refs(IClassFactory_Release(cf), 2);
	check_hr(IClassFactory_QueryInterface(cf, &IID_IClassFactory, (void **)&cf2), S_OK);
	ck_assert_ptr_eq(cf2, cf);
	check_hr(IClassFactory_QueryInterface(cf, &IID_IDispatch, (void **)&cf2), E_NOINTERFACE);
	ck_assert_ptr_null(cf2);
	check_hr(IClassFactory_QueryInterface(cf, &IID_IUnknown, NULL), E_POINTER);
	check_refs(IClassFactory_Release(cf), 2);
	check_refs(IUnknown_Release(unk), 1);
	check_refs(IClassFactory_Release(cf), 0);
	check_refs(IClassFactory_Release(cf), 0); /* one too many does not wrap */
	check_hr(hello_can_unload_now(), S_OK);

	/* The manage class has its own class object. */
	IClassFactory *mcf = NULL;
	check_hr(hello_get_class_object(&clsid_hello_manage, &IID_IClassFactory, (void **)&mcf), S_OK);
	ck_assert_ptr_ne(mcf, cf);
	check_refs(IClassFactory_Release(mcf), 0);
	check_hr(hello_can_unload_now(), S_OK);
}
END_TEST

START_TEST(test_create_instance)
{
	IClassFactory *cf = NULL;
	IUnknown *outer = (IUnknown *)&fake_cf;
	void *obj = (void *)1;
	check_hr(hello_get_class_object(&clsid_hello, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(IClassFactory_CreateInstance(cf, outer, &IID_IUnknown, &obj), CLASS_E_NOAGGREGATION);
	ck_assert_ptr_null(obj);
	check_hr(IClassFactory_CreateInstance(cf, NULL, &IID_ICertExit2, NULL), E_POINTER);
	obj = (void *)1;
	check_hr(IClassFactory_CreateInstance(cf, NULL, &IID_ICertManageModule, &obj), E_NOINTERFACE);
	ck_assert_ptr_null(obj);
	check_hr(IClassFactory_CreateInstance(cf, NULL, &IID_ICertExit, &obj), S_OK);
	check_refs(ICertExit_Release((ICertExit *)obj), 0);
	check_refs(IClassFactory_Release(cf), 0);
	check_hr(hello_can_unload_now(), S_OK); /* the refused object was freed */

	check_hr(hello_get_class_object(&clsid_hello_manage, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(IClassFactory_CreateInstance(cf, outer, &IID_IUnknown, &obj), CLASS_E_NOAGGREGATION);
	ck_assert_ptr_null(obj);
	check_hr(IClassFactory_CreateInstance(cf, NULL, &IID_ICertExit2, &obj), E_NOINTERFACE);
	check_hr(IClassFactory_CreateInstance(cf, NULL, &IID_ICertManageModule, &obj), S_OK);
	check_refs(ICertManageModule_Release((ICertManageModule *)obj), 0);
	check_refs(IClassFactory_Release(cf), 0);
	check_hr(hello_can_unload_now(), S_OK);
}
END_TEST

START_TEST(test_lock_server)
{
	IClassFactory *cf = NULL;
	check_hr(hello_get_class_object(&clsid_hello, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(IClassFactory_LockServer(cf, TRUE), S_OK);
	check_hr(IClassFactory_LockServer(cf, TRUE), S_OK);
	check_refs(IClassFactory_Release(cf), 0);
	check_hr(hello_can_unload_now(), S_FALSE); /* locked, though nothing is held */
	check_hr(hello_get_class_object(&clsid_hello, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(IClassFactory_LockServer(cf, FALSE), S_OK);
	check_refs(IClassFactory_Release(cf), 0);
	check_hr(hello_can_unload_now(), S_FALSE);
	check_hr(hello_get_class_object(&clsid_hello, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(IClassFactory_LockServer(cf, FALSE), S_OK);
	check_refs(IClassFactory_Release(cf), 0);
	check_hr(hello_can_unload_now(), S_OK);
}
END_TEST

START_TEST(test_can_unload_now)
{
	check_hr(hello_can_unload_now(), S_OK);
	ICertExit2 *a = hello_new(), *b = hello_new();
	check_hr(hello_can_unload_now(), S_FALSE);
	check_refs(ICertExit2_Release(a), 0);
	check_hr(hello_can_unload_now(), S_FALSE);
	ICertManageModule *manage = NULL;
	check_hr(ICertExit2_GetManageModule(b, &manage), S_OK);
	check_refs(ICertExit2_Release(b), 0);
	check_hr(hello_can_unload_now(), S_FALSE); /* the manage object is an object too */
	check_refs(ICertManageModule_Release(manage), 0);
	check_hr(hello_can_unload_now(), S_OK);
}
END_TEST

/* ---- the exit object ---------------------------------------------------------------- */

START_TEST(test_exit_query_interface)
{
	ICertExit2 *exit2 = hello_new();
	static const IID *const same[] = {&IID_IUnknown, &IID_IDispatch, &IID_ICertExit, &IID_ICertExit2};
	static const IID *const refused[] = {&IID_ICertManageModule, &IID_IClassFactory, &IID_ISupportErrorInfo,
					     &IID_ICertServerExit, &IID_NULL};
	ULONG refs = 1;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		void *p = NULL;
		check_hr(ICertExit2_QueryInterface(exit2, same[i], &p), S_OK);
		ck_assert_ptr_eq(p, exit2); /* one identity */
		refs++;
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		void *p = (void *)1;
		check_hr(ICertExit2_QueryInterface(exit2, refused[i], &p), E_NOINTERFACE);
		ck_assert_ptr_null(p);
	}
	check_hr(ICertExit2_QueryInterface(exit2, &IID_IUnknown, NULL), E_POINTER);
	check_refs(ICertExit2_AddRef(exit2), refs + 1);
	while (refs > 0)
		check_refs(ICertExit2_Release(exit2), refs--);
	check_refs(ICertExit2_Release(exit2), 0);
	check_hr(hello_can_unload_now(), S_OK);
}
END_TEST

/* Checks the IDispatch answers of an object whose vtable starts with IDispatch's. */
static void check_dispatch(IDispatch *disp)
{
	UINT count = 99;
	ITypeInfo *info = (void *)1;
	OLECHAR name[] = u"Notify";
	LPOLESTR names[] = {name, name};
	DISPID ids[2] = {5, 5};
	DISPPARAMS params = {NULL, NULL, 0, 0};
	VARIANT result;
	VariantInit(&result);
	check_hr(IDispatch_GetTypeInfoCount(disp, &count), S_OK);
	ck_assert_uint_eq(count, 0);
	check_hr(IDispatch_GetTypeInfoCount(disp, NULL), E_POINTER);
	check_hr(IDispatch_GetTypeInfo(disp, 0, 0, &info), DISP_E_BADINDEX);
	ck_assert_ptr_null(info);
	check_hr(IDispatch_GetTypeInfo(disp, 0, 0, NULL), E_POINTER);
	check_hr(IDispatch_GetIDsOfNames(disp, &IID_NULL, names, 2, 0, ids), DISP_E_UNKNOWNNAME);
	ck_assert_int_eq(ids[0], DISPID_UNKNOWN);
	ck_assert_int_eq(ids[1], DISPID_UNKNOWN);
	check_hr(IDispatch_GetIDsOfNames(disp, &IID_ICertExit, names, 1, 0, ids), DISP_E_UNKNOWNINTERFACE);
	check_hr(IDispatch_GetIDsOfNames(disp, &IID_NULL, names, 0, 0, ids), S_OK);
	check_hr(IDispatch_GetIDsOfNames(disp, &IID_NULL, names, 1, 0, NULL), E_POINTER);
	check_hr(IDispatch_Invoke(disp, 1, &IID_NULL, 0, DISPATCH_METHOD, &params, &result, NULL, NULL),
		 DISP_E_MEMBERNOTFOUND);
	check_hr(IDispatch_Invoke(disp, 1, &IID_IUnknown, 0, DISPATCH_METHOD, &params, &result, NULL, NULL),
		 DISP_E_UNKNOWNINTERFACE);
	ck_assert_int_eq(V_VT(&result), VT_EMPTY);
}

START_TEST(test_exit_dispatch)
{
	ICertExit2 *exit2 = hello_new();
	check_dispatch((IDispatch *)exit2);
	check_refs(ICertExit2_Release(exit2), 0);
}
END_TEST

START_TEST(test_exit_get_description)
{
	ICertExit2 *exit2 = hello_new();
	BSTR description = NULL;
	check_hr(ICertExit2_GetDescription(exit2, NULL), E_POINTER);
	check_hr(ICertExit2_GetDescription(exit2, &description), S_OK);
	char *text = NULL;
	check_hr(xb_utf8_from_bstr(description, &text, NULL), S_OK);
	ck_assert_str_eq(text, HELLO_DESCRIPTION);
	free(text);
	SysFreeString(description);
	check_refs(ICertExit2_Release(exit2), 0);
	check_no_bstr_leak();
}
END_TEST

/* The value of a manage-module property as UTF-8 (NULL for VT_EMPTY); checks the HRESULT. */
#define manage_property(m, name, want_hr) manage_property_at(__LINE__, m, name, want_hr)
static char *manage_property_at(int line, ICertManageModule *m, const OLECHAR *name, HRESULT want_hr)
{
	BSTR config = SysAllocString(u"HOST\\Corp CA"), storage = SysAllocString(u"SYSTEM\\X");
	BSTR bname = name ? SysAllocString(name) : NULL;
	VARIANT v;
	V_VT(&v) = VT_I4; /* garbage the callee must reset */
	HRESULT hr = ICertManageModule_GetProperty(m, config, storage, bname, 0, &v);
	check_hr_at(line, "GetProperty", hr, want_hr);
	char *text = NULL;
	if (V_VT(&v) == VT_BSTR) {
		check_hr_at(line, "xb_utf8_from_bstr", xb_utf8_from_bstr(V_BSTR(&v), &text, NULL), S_OK);
	} else {
		ck_assert_msg(V_VT(&v) == VT_EMPTY || V_VT(&v) == VT_I4, "line %d: vt %d", line, V_VT(&v));
		if (V_VT(&v) == VT_I4) {
			text = malloc(16);
			snprintf(text, 16, "%d", (int)V_I4(&v));
		}
	}
	if (hr == S_FALSE)
		ck_assert_msg(V_VT(&v) == VT_EMPTY, "line %d: S_FALSE with a value", line);
	VariantClear(&v);
	SysFreeString(config);
	SysFreeString(storage);
	SysFreeString(bname);
	return text;
}

#define check_property(m, name, want) check_property_at(__LINE__, m, name, want)
static void check_property_at(int line, ICertManageModule *m, const OLECHAR *name, const char *want)
{
	char *got = manage_property_at(line, m, name, want ? S_OK : S_FALSE);
	if (want)
		ck_assert_msg(got && !strcmp(got, want), "line %d: got \"%s\", expected \"%s\"", line,
			      got ? got : "(null)", want);
	else
		ck_assert_msg(!got, "line %d: got \"%s\", expected nothing", line, got);
	free(got);
}

START_TEST(test_exit_get_manage_module)
{
	ICertExit2 *exit2 = hello_new();
	ICertManageModule *m = NULL;
	check_hr(ICertExit2_GetManageModule(exit2, NULL), E_POINTER);
	check_hr(ICertExit2_GetManageModule(exit2, &m), S_OK);
	ck_assert_ptr_nonnull(m);

	check_property(m, u"Name", "Hello Exit Module");
	check_property(m, u"Description", HELLO_DESCRIPTION);
	check_property(m, u"Copyright", "Copyright (c) the exitbench authors");
	/* Four numbers, as the DLL's VERSIONINFO holds them (modules/hello/hello_version.h). */
	check_property(m, u"File Version", "1.0.0.0");
	check_property(m, u"Product Version", XB_VERSION ".0");
	/* names compare ignoring case, as the SDK sample's _wcsicmp does */
	check_property(m, u"NAME", "Hello Exit Module");
	check_property(m, u"file version", "1.0.0.0");
	/* unknown names, the empty name and a NULL BSTR: S_FALSE and VT_EMPTY */
	check_property(m, u"HWND", NULL);
	check_property(m, u"IsMultiThreaded", NULL);
	check_property(m, u"FileVersion", NULL);
	check_property(m, u"", NULL);
	check_property(m, NULL, NULL);
	BSTR name = SysAllocString(u"Name");
	check_hr(ICertManageModule_GetProperty(m, NULL, NULL, name, 0, NULL), E_POINTER);
	VARIANT v;
	VariantInit(&v);
	check_hr(ICertManageModule_SetProperty(m, NULL, NULL, name, 0, &v), S_FALSE);
	check_hr(ICertManageModule_SetProperty(m, NULL, NULL, name, 0, NULL), E_POINTER);
	check_hr(ICertManageModule_Configure(m, NULL, NULL, 0), S_OK);
	check_hr(ICertManageModule_Configure(m, NULL, NULL, CMM_REFRESHONLY), S_OK);
	SysFreeString(name);

	void *p = NULL;
	check_hr(ICertManageModule_QueryInterface(m, &IID_IDispatch, &p), S_OK);
	ck_assert_ptr_eq(p, m);
	check_dispatch((IDispatch *)p);
	check_refs(IUnknown_Release((IUnknown *)p), 1);
	check_hr(ICertManageModule_QueryInterface(m, &IID_IUnknown, &p), S_OK);
	ck_assert_ptr_eq(p, m);
	check_refs(IUnknown_Release((IUnknown *)p), 1);
	p = (void *)1;
	check_hr(ICertManageModule_QueryInterface(m, &IID_ICertExit, &p), E_NOINTERFACE);
	ck_assert_ptr_null(p);

	/* Each call gives a new object. */
	ICertManageModule *m2 = NULL;
	check_hr(ICertExit2_GetManageModule(exit2, &m2), S_OK);
	ck_assert_ptr_ne(m2, m);
	check_refs(ICertManageModule_Release(m2), 0);
	check_refs(ICertManageModule_Release(m), 0);
	check_refs(ICertExit2_Release(exit2), 0);
	check_hr(hello_can_unload_now(), S_OK);
	check_no_bstr_leak();
}
END_TEST

/* ---- hello's Initialize and Notify ---------------------------------------------------- */

START_TEST(test_hello_initialize)
{
	ICertExit2 *exit2 = hello_new();
	LONG mask = 0;
	BSTR config = SysAllocString(u"Corp Issuing CA \u00e9");
	check_hr(ICertExit2_Initialize(exit2, config, NULL), E_POINTER);
	check_hr(ICertExit2_Initialize(exit2, config, &mask), S_OK);
	ck_assert_int_eq(mask, 0x2FF);
	ck_assert_str_eq(log_text, "Hello|info|initialized for CA \"Corp Issuing CA \xc3\xa9\"\n");
	SysFreeString(config);
	check_refs(ICertExit2_Release(exit2), 0);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_hello_notify)
{
	ICertExit2 *exit2 = hello_new();
	/* Without a CA, Notify fails and says why. */
	check_hr(ICertExit2_Notify(exit2, EXITEVENT_CERTISSUED, 7), REGDB_E_CLASSNOTREG);
	ck_assert_msg(strstr(log_text, "Hello|error|certissued: cannot reach the CA: REGDB_E_CLASSNOTREG") == log_text,
		      "%s", log_text);
	log_text[0] = 0;

	fake_register();
	static const struct {
		LONG event, context;
	} calls[] = {
		{EXITEVENT_CERTISSUED, 7},  {EXITEVENT_CERTPENDING, 7},   {EXITEVENT_CERTDENIED, 9},
		{EXITEVENT_CERTREVOKED, 8}, {EXITEVENT_CERTIMPORTED, 7},  {EXITEVENT_CERTRETRIEVEPENDING, 3},
		{EXITEVENT_CRLISSUED, 0},   {EXITEVENT_SHUTDOWN, 0},      {EXITEVENT_STARTUP, 0},
		{0x400, 0},
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		check_hr(ICertExit2_Notify(exit2, calls[i].event, calls[i].context), S_OK);
		if (calls[i].event <= EXITEVENT_CRLISSUED || calls[i].event == EXITEVENT_CERTIMPORTED)
			ck_assert_int_eq(knobs.last_context, calls[i].context);
	}
	ck_assert_str_eq(log_text, "Hello|info|certissued: request 42, subject CN=alice.smith, O=Corp \xc3\xa9\n"
				   "Hello|info|certpending: request 42, subject CN=requested\n"
				   "Hello|info|certdenied: request 42, subject (none)\n"
				   "Hello|info|certrevoked: request 42, subject (none)\n"
				   "Hello|info|certimported: request 42, subject CN=alice.smith, O=Corp \xc3\xa9\n"
				   "Hello|info|certretrievepending: request 42, subject CN=requested\n"
				   "Hello|info|crlissued: 2 CRL(s) published for 3 CA certificate(s)\n"
				   "Hello|info|shutdown\n"
				   "Hello|info|startup\n"
				   "Hello|warning|unknown event 0x400\n");
	ck_assert_int_eq(knobs.live_servers, 0);
	check_refs(ICertExit2_Release(exit2), 0);
	check_no_bstr_leak();
}
END_TEST

/* ---- the typed helpers ------------------------------------------------------------------ */

START_TEST(test_server_open)
{
	ICertServerExit *server = (void *)1;
	check_hr(xb_kit_server_open(7, NULL), E_POINTER);
	check_hr(xb_kit_server_open(7, &server), REGDB_E_CLASSNOTREG);
	ck_assert_ptr_null(server);
	fake_register();
	check_hr(xb_kit_server_open(7, &server), S_OK);
	ck_assert_int_eq(knobs.last_context, 7);
	ck_assert_int_eq(knobs.live_servers, 1);
	check_refs(ICertServerExit_Release(server), 0);
	knobs.set_context_hr = E_INVALIDARG;
	server = (void *)1;
	check_hr(xb_kit_server_open(8, &server), E_INVALIDARG);
	ck_assert_ptr_null(server);
	ck_assert_int_eq(knobs.live_servers, 0); /* released on the failure */
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_get_string)
{
	ICertServerExit *s = fake_new(7);
	char *text = (char *)1;
	check_hr(xb_kit_get_string(s, XB_KIT_CERTIFICATE, "DistinguishedName", &text), S_OK);
	ck_assert_str_eq(text, "CN=alice.smith, O=Corp \xc3\xa9");
	free(text);
	check_hr(xb_kit_get_string(s, XB_KIT_REQUEST, "DistinguishedName", &text), S_OK);
	ck_assert_str_eq(text, "CN=requested");
	free(text);
	static const struct {
		xb_kit_side side;
		const char *name;
		HRESULT hr;
	} errors[] = {
		{XB_KIT_REQUEST, "Missing", CERTSRV_E_PROPERTY_EMPTY},
		{XB_KIT_REQUEST, "EmptyOk", CERTSRV_E_PROPERTY_EMPTY},
		{XB_KIT_REQUEST, "NullValue", CERTSRV_E_PROPERTY_EMPTY},
		{XB_KIT_REQUEST, "WrongType", DISP_E_TYPEMISMATCH},
		{XB_KIT_REQUEST, "Broken", E_FAIL},
		{XB_KIT_REQUEST, "LoneSurrogate", HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION)},
		{XB_KIT_CERTIFICATE, "RequestID", CERTSRV_E_PROPERTY_EMPTY}, /* the other side */
		{XB_KIT_REQUEST, NULL, E_INVALIDARG},
		{XB_KIT_REQUEST, "\xff", E_INVALIDARG},
		{(xb_kit_side)2, "RequestID", E_INVALIDARG},
	};
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		text = (char *)1;
		HRESULT hr = xb_kit_get_string(s, errors[i].side, errors[i].name, &text);
		ck_assert_msg(hr == errors[i].hr, "%s: 0x%08x", errors[i].name ? errors[i].name : "NULL",
			      (unsigned)hr);
		ck_assert_ptr_null(text);
	}
	text = (char *)1;
	check_hr(xb_kit_get_string(NULL, XB_KIT_REQUEST, "RequestID", &text), E_INVALIDARG);
	ck_assert_ptr_null(text);
	check_hr(xb_kit_get_string(s, XB_KIT_REQUEST, "DistinguishedName", NULL), E_POINTER);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_get_long)
{
	ICertServerExit *s = fake_new(7);
	LONG value = 5;
	check_hr(xb_kit_get_long(s, XB_KIT_REQUEST, "RequestID", &value), S_OK);
	ck_assert_int_eq(value, 42);
	value = 5;
	check_hr(xb_kit_get_long(s, XB_KIT_REQUEST, "DistinguishedName", &value), DISP_E_TYPEMISMATCH);
	ck_assert_int_eq(value, 0);
	check_hr(xb_kit_get_long(s, XB_KIT_REQUEST, "Missing", &value), CERTSRV_E_PROPERTY_EMPTY);
	check_hr(xb_kit_get_long(s, XB_KIT_REQUEST, "Broken", &value), E_FAIL);
	check_hr(xb_kit_get_long(s, XB_KIT_REQUEST, NULL, &value), E_INVALIDARG);
	check_hr(xb_kit_get_long(NULL, XB_KIT_REQUEST, "RequestID", &value), E_INVALIDARG);
	check_hr(xb_kit_get_long(s, XB_KIT_REQUEST, "RequestID", NULL), E_POINTER);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_get_date)
{
	ICertServerExit *s = fake_new(7);
	DATE d = 1;
	int64_t t = 1;
	check_hr(xb_kit_get_date(s, XB_KIT_CERTIFICATE, "NotBefore", &d), S_OK);
	ck_assert(d == 45000.5);
	check_hr(xb_kit_get_time(s, XB_KIT_CERTIFICATE, "NotBefore", &t), S_OK);
	ck_assert_int_eq(t, 1678881600); /* 45000.5 is 2023-03-15 12:00:00 UTC */
	check_hr(xb_kit_get_date(s, XB_KIT_CERTIFICATE, "DistinguishedName", &d), DISP_E_TYPEMISMATCH);
	ck_assert(d == 0);
	check_hr(xb_kit_get_time(s, XB_KIT_CERTIFICATE, "FarFuture", &t), E_INVALIDARG); /* after 9999 */
	ck_assert_int_eq(t, 0);
	check_hr(xb_kit_get_time(s, XB_KIT_CERTIFICATE, "Missing", &t), CERTSRV_E_PROPERTY_EMPTY);
	check_hr(xb_kit_get_date(s, XB_KIT_CERTIFICATE, "NotBefore", NULL), E_POINTER);
	check_hr(xb_kit_get_time(s, XB_KIT_CERTIFICATE, "NotBefore", NULL), E_POINTER);
	check_hr(xb_kit_get_time(NULL, XB_KIT_CERTIFICATE, "NotBefore", &t), E_INVALIDARG);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_get_bytes)
{
	ICertServerExit *s = fake_new(7);
	unsigned char *bytes = (unsigned char *)1;
	size_t len = 9;
	check_hr(xb_kit_get_bytes(s, XB_KIT_CERTIFICATE, "RawCertificate", &bytes, &len), S_OK);
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(bytes, "\x30\x03\x02\x01\x00", 5) == 0);
	free(bytes);
	check_hr(xb_kit_get_bytes(s, XB_KIT_CERTIFICATE, "RawNothing", &bytes, &len), S_OK);
	ck_assert_ptr_nonnull(bytes); /* never NULL on success */
	ck_assert_uint_eq(len, 0);
	free(bytes);
	len = 9;
	check_hr(xb_kit_get_bytes(s, XB_KIT_REQUEST, "RequestID", &bytes, &len), DISP_E_TYPEMISMATCH);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(len, 0);
	check_hr(xb_kit_get_bytes(s, XB_KIT_CERTIFICATE, "Missing", &bytes, &len), CERTSRV_E_PROPERTY_EMPTY);
	check_hr(xb_kit_get_bytes(s, XB_KIT_CERTIFICATE, "RawCertificate", NULL, &len), E_POINTER);
	check_hr(xb_kit_get_bytes(s, XB_KIT_CERTIFICATE, "RawCertificate", &bytes, NULL), E_POINTER);
	check_hr(xb_kit_get_bytes(NULL, XB_KIT_CERTIFICATE, "RawCertificate", &bytes, &len), E_INVALIDARG);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_get_attribute)
{
	ICertServerExit *s = fake_new(7);
	char *text = NULL;
	check_hr(xb_kit_get_attribute(s, "CertificateTemplate", &text), S_OK);
	ck_assert_str_eq(text, "User");
	free(text);
	check_hr(xb_kit_get_attribute(s, "Empty", &text), S_OK); /* a NULL BSTR is "" */
	ck_assert_str_eq(text, "");
	free(text);
	text = (char *)1;
	check_hr(xb_kit_get_attribute(s, "NoValue", &text), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_ptr_null(text);
	check_hr(xb_kit_get_attribute(s, "Missing", &text), CERTSRV_E_PROPERTY_EMPTY);
	check_hr(xb_kit_get_attribute(s, NULL, &text), E_INVALIDARG);
	check_hr(xb_kit_get_attribute(NULL, "ccm", &text), E_INVALIDARG);
	check_hr(xb_kit_get_attribute(s, "ccm", NULL), E_POINTER);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_get_extension)
{
	ICertServerExit *s = fake_new(7);
	unsigned char *bytes = NULL;
	size_t len = 0;
	LONG flags = 9;
	check_hr(xb_kit_get_extension(s, "2.5.29.15", &bytes, &len, &flags), S_OK);
	ck_assert_uint_eq(len, 4);
	ck_assert(memcmp(bytes, "\x03\x02\x05\xa0", 4) == 0);
	ck_assert_int_eq(flags, EXTENSION_CRITICAL_FLAG);
	free(bytes);
	check_hr(xb_kit_get_extension(s, "2.5.29.37", &bytes, &len, NULL), S_OK);
	ck_assert_uint_eq(len, 2);
	free(bytes);
	flags = 9;
	check_hr(xb_kit_get_extension(s, "1.2.3.4", &bytes, &len, &flags), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_ptr_null(bytes);
	ck_assert_int_eq(flags, 0);
	knobs.flags_hr = E_UNEXPECTED;
	check_hr(xb_kit_get_extension(s, "2.5.29.15", &bytes, &len, &flags), E_UNEXPECTED);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(len, 0);
	knobs.flags_hr = S_OK;
	knobs.extension_vt = VT_I4;
	check_hr(xb_kit_get_extension(s, "2.5.29.15", &bytes, &len, &flags), DISP_E_TYPEMISMATCH);
	knobs.extension_vt = VT_EMPTY;
	check_hr(xb_kit_get_extension(s, NULL, &bytes, &len, &flags), E_INVALIDARG);
	check_hr(xb_kit_get_extension(NULL, "2.5.29.15", &bytes, &len, &flags), E_INVALIDARG);
	check_hr(xb_kit_get_extension(s, "2.5.29.15", NULL, &len, &flags), E_POINTER);
	check_hr(xb_kit_get_extension(s, "2.5.29.15", &bytes, NULL, &flags), E_POINTER);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

/* What a walk saw, one line per callback. */
struct seen {
	char text[1024];
	int calls;
	int stop_after;  /* S_FALSE at this call (0: never) */
	HRESULT fail_at; /* returned at stop_after instead of S_FALSE, when a failure */
};

static HRESULT stop_or_go(struct seen *seen)
{
	if (seen->stop_after && seen->calls == seen->stop_after)
		return FAILED(seen->fail_at) ? seen->fail_at : S_FALSE;
	return S_OK;
}

static HRESULT on_attribute(void *ctx, const char *name, const char *value)
{
	struct seen *seen = ctx;
	size_t used = strlen(seen->text);
	snprintf(seen->text + used, sizeof(seen->text) - used, "%s=%s;", name, value ? value : "(null)");
	seen->calls++;
	return stop_or_go(seen);
}

static HRESULT on_extension(void *ctx, const char *oid, LONG flags, const unsigned char *value, size_t len)
{
	struct seen *seen = ctx;
	size_t used = strlen(seen->text);
	snprintf(seen->text + used, sizeof(seen->text) - used, "%s/%d/%zu%s;", oid, (int)flags, len,
		 value ? "" : "/null");
	seen->calls++;
	return stop_or_go(seen);
}

START_TEST(test_for_each_attribute)
{
	ICertServerExit *s = fake_new(7);
	struct seen seen = {{0}, 0, 0, S_OK};
	check_hr(xb_kit_for_each_attribute(s, on_attribute, &seen), S_OK);
	ck_assert_str_eq(seen.text, "CertificateTemplate=User;ccm=pki.corp.local;NoValue=(null);Empty=;");
	ck_assert_int_eq(knobs.setups, 1);
	ck_assert_int_eq(knobs.closes, 1);

	/* S_FALSE from the callback stops the walk, which still closes */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 2;
	check_hr(xb_kit_for_each_attribute(s, on_attribute, &seen), S_OK);
	ck_assert_str_eq(seen.text, "CertificateTemplate=User;ccm=pki.corp.local;");
	ck_assert_int_eq(knobs.closes, 2);

	/* a failing callback's HRESULT is the walk's */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	seen.fail_at = E_ABORT;
	check_hr(xb_kit_for_each_attribute(s, on_attribute, &seen), E_ABORT);
	ck_assert_int_eq(knobs.closes, 3);

	/* the server failing mid-way */
	memset(&seen, 0, sizeof(seen));
	knobs.enum_fail_at = 3;
	check_hr(xb_kit_for_each_attribute(s, on_attribute, &seen), E_FAIL);
	ck_assert_int_eq(seen.calls, 2);
	ck_assert_int_eq(knobs.closes, 4);
	knobs.enum_fail_at = 0;

	/* Close failing after a good walk */
	knobs.close_hr = E_UNEXPECTED;
	check_hr(xb_kit_for_each_attribute(s, on_attribute, &seen), E_UNEXPECTED);
	knobs.close_hr = S_OK;

	/* Setup failing: no Close */
	knobs.setup_hr = CERTSRV_E_PROPERTY_EMPTY;
	check_hr(xb_kit_for_each_attribute(s, on_attribute, &seen), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_int_eq(knobs.closes, 5);
	knobs.setup_hr = S_OK;

	check_hr(xb_kit_for_each_attribute(NULL, on_attribute, &seen), E_INVALIDARG);
	check_hr(xb_kit_for_each_attribute(s, NULL, &seen), E_INVALIDARG);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_for_each_extension)
{
	ICertServerExit *s = fake_new(7);
	struct seen seen = {{0}, 0, 0, S_OK};
	check_hr(xb_kit_for_each_extension(s, on_extension, &seen), S_OK);
	ck_assert_str_eq(seen.text, "2.5.29.15/1/4;2.5.29.37/0/2;1.2.3.4/0/0/null;");
	ck_assert_int_eq(knobs.closes, 1);

	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	check_hr(xb_kit_for_each_extension(s, on_extension, &seen), S_OK);
	ck_assert_str_eq(seen.text, "2.5.29.15/1/4;");

	memset(&seen, 0, sizeof(seen));
	knobs.flags_hr = E_UNEXPECTED; /* a value without its flags stops the walk */
	check_hr(xb_kit_for_each_extension(s, on_extension, &seen), E_UNEXPECTED);
	ck_assert_int_eq(seen.calls, 0);
	knobs.flags_hr = S_OK;

	knobs.extension_vt = VT_DATE;
	check_hr(xb_kit_for_each_extension(s, on_extension, &seen), DISP_E_TYPEMISMATCH);
	knobs.extension_vt = VT_EMPTY;

	memset(&seen, 0, sizeof(seen));
	knobs.enum_fail_at = 2;
	check_hr(xb_kit_for_each_extension(s, on_extension, &seen), E_FAIL);
	ck_assert_int_eq(seen.calls, 1);
	knobs.enum_fail_at = 0;
	ck_assert_int_eq(knobs.closes, 5);

	check_hr(xb_kit_for_each_extension(s, NULL, &seen), E_INVALIDARG);
	check_hr(xb_kit_for_each_extension(NULL, on_extension, &seen), E_INVALIDARG);
	check_refs(ICertServerExit_Release(s), 0);
	check_no_bstr_leak();
}
END_TEST

/* ---- a declaration of the suite's own: the callbacks hello does not use ---------------- */

struct probe_state {
	int notifies;
};
static int probe_destroyed;
static xb_kit_module *probe_module; /* the object the callbacks last got */
static char probe_configured[256];

static HRESULT probe_initialize(xb_kit_module *module, const char *ca_name, LONG *event_mask)
{
	ck_assert_int_eq(*event_mask, EXITEVENT_CERTISSUED | EXITEVENT_CRLISSUED); /* the declaration's */
	if (!strcmp(ca_name, "fail"))
		return E_ACCESSDENIED;
	probe_module = module;
	struct probe_state *st = calloc(1, sizeof(*st));
	xb_kit_set_state(module, st);
	*event_mask |= EXITEVENT_SHUTDOWN;
	xb_kit_log(XB_KIT_LOG_DEBUG, "state at %s", st ? "ok" : "none");
	return S_OK;
}

static HRESULT probe_notify(xb_kit_module *module, LONG event, LONG context)
{
	struct probe_state *st = xb_kit_get_state(module);
	(void)context;
	if (!st)
		return E_UNEXPECTED;
	st->notifies++;
	if (event == EXITEVENT_CRLISSUED) {
		char *dir = NULL;
		HRESULT hr = xb_kit_config_string(module, "Directory", &dir);
		xb_kit_log(XB_KIT_LOG_INFO, "Directory: 0x%08x %s", (unsigned)hr, dir ? dir : "(not configured)");
		free(dir);
	}
	return st->notifies > 2 ? E_FAIL : S_OK;
}

static void probe_destroy(xb_kit_module *module)
{
	probe_destroyed++;
	free(xb_kit_get_state(module));
}

static HRESULT probe_configure(const char *ca_config, const char *storage_location, LONG flags)
{
	snprintf(probe_configured, sizeof(probe_configured), "%s|%s|%d", ca_config, storage_location, (int)flags);
	return flags == 7 ? E_NOTIMPL : S_OK;
}

static HRESULT probe_property(const char *name, VARIANT *value)
{
	if (!strcmp(name, "IsMultiThreaded")) {
		V_VT(value) = VT_I4;
		V_I4(value) = 1;
		return S_OK;
	}
	if (!strcmp(name, "Copyright")) { /* the module's own answer wins */
		V_VT(value) = VT_BSTR;
		V_BSTR(value) = SysAllocString(u"(c) probe");
		return V_BSTR(value) ? S_OK : E_OUTOFMEMORY;
	}
	if (!strcmp(name, "Broken"))
		return E_FAIL;
	return S_FALSE;
}

#define PROBE_CLSID "{3C1D5E2F-0A1B-4C2D-9E3F-4A5B6C7D8E9F}"
static const CLSID clsid_probe = {0x3C1D5E2F, 0x0A1B, 0x4C2D, {0x9E, 0x3F, 0x4A, 0x5B, 0x6C, 0x7D, 0x8E, 0x9F}};

static const struct xb_exit_module_decl probe_decl;
static struct xb_kit_runtime probe_runtime = {
	{{{&xb_kit_factory_vtbl}, &probe_decl, 0, 0}, {{&xb_kit_factory_vtbl}, &probe_decl, 1, 0}}, 0, 0};
static const struct xb_exit_module_decl probe_decl = {
	.name = "Probe",
	.clsid = "{3c1d5e2f-0a1b-4c2d-9e3f-4a5b6c7d8e9f}", /* lower case is accepted */
	.manage_clsid = "{3C1D5E2F-0A1B-4C2D-9E3F-4A5B6C7D8EA0}",
	.runtime = &probe_runtime,
	.event_mask = EXITEVENT_CERTISSUED | EXITEVENT_CRLISSUED,
	.initialize = probe_initialize,
	.notify = probe_notify,
	.destroy = probe_destroy,
	.configure = probe_configure,
	.get_property = probe_property,
};

/* A declaration with nothing optional, and one whose manage CLSID is malformed. */
static const struct xb_exit_module_decl bare_decl;
static struct xb_kit_runtime bare_runtime = {
	{{{&xb_kit_factory_vtbl}, &bare_decl, 0, 0}, {{&xb_kit_factory_vtbl}, &bare_decl, 1, 0}}, 0, 0};
static const struct xb_exit_module_decl bare_decl = {
	.name = "Bare",
	.clsid = "{3C1D5E2F-0A1B-4C2D-9E3F-4A5B6C7D8EB0}",
	.manage_clsid = "{3C1D5E2F-0A1B-4C2D-9E3F-4A5B6C7D8EB}",
	.runtime = &bare_runtime,
	.event_mask = 0x21,
};

static void *probe_create(const struct xb_exit_module_decl *decl, const CLSID *clsid, const IID *iid)
{
	IClassFactory *cf = NULL;
	void *obj = NULL;
	check_hr(xb_kit_get_class_object(decl, clsid, &IID_IClassFactory, (void **)&cf), S_OK);
	check_hr(IClassFactory_CreateInstance(cf, NULL, iid, &obj), S_OK);
	IClassFactory_Release(cf);
	return obj;
}

START_TEST(test_module_state)
{
	probe_destroyed = 0;
	ICertExit *e = probe_create(&probe_decl, &clsid_probe, &IID_ICertExit);
	LONG mask = 0;
	check_hr(ICertExit_Notify(e, EXITEVENT_CERTISSUED, 1), E_UNEXPECTED); /* no state before Initialize */
	BSTR fail = SysAllocString(u"fail"), ca = SysAllocString(u"Corp CA");
	check_hr(ICertExit_Initialize(e, fail, &mask), E_ACCESSDENIED);
	check_hr(ICertExit_Initialize(e, ca, &mask), S_OK);
	ck_assert_int_eq(mask, EXITEVENT_CERTISSUED | EXITEVENT_CRLISSUED | EXITEVENT_SHUTDOWN);
	check_hr(ICertExit_Notify(e, EXITEVENT_CERTISSUED, 1), S_OK);
	check_hr(ICertExit_Notify(e, EXITEVENT_CERTISSUED, 1), S_OK);
	check_hr(ICertExit_Notify(e, EXITEVENT_CERTISSUED, 1), E_FAIL); /* the module's HRESULT, as is */
	ck_assert_str_eq(log_text, "Probe|debug|state at ok\n");
	/* A config that is not UTF-16 never reaches the module. */
	BSTR bad = SysAllocString(u"\xdc00");
	check_hr(ICertExit_Initialize(e, bad, &mask), HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
	ck_assert_int_eq(mask, 0);
	ck_assert_int_eq(probe_destroyed, 0);
	check_refs(ICertExit_Release(e), 0);
	ck_assert_int_eq(probe_destroyed, 1);
	check_hr(xb_kit_can_unload_now(&probe_decl), S_OK);
	SysFreeString(fail);
	SysFreeString(ca);
	SysFreeString(bad);

	/* No callbacks at all: the declaration's mask, S_OK, and the name for descriptions. */
	ICertExit2 *b = probe_create(&bare_decl, &(const CLSID){0x3C1D5E2F, 0x0A1B, 0x4C2D,
								{0x9E, 0x3F, 0x4A, 0x5B, 0x6C, 0x7D, 0x8E, 0xB0}},
				     &IID_ICertExit2);
	mask = 0;
	check_hr(ICertExit2_Initialize(b, NULL, &mask), S_OK);
	ck_assert_int_eq(mask, 0x21);
	check_hr(ICertExit2_Notify(b, EXITEVENT_CERTISSUED, 1), S_OK);
	BSTR description = NULL;
	check_hr(ICertExit2_GetDescription(b, &description), S_OK);
	ck_assert(SysStringLen(description) == 4 && !memcmp(description, u"Bare", 8));
	SysFreeString(description);
	ICertManageModule *m = NULL;
	check_hr(ICertExit2_GetManageModule(b, &m), S_OK);
	check_property(m, u"Name", "Bare");
	check_property(m, u"Description", "Bare");
	check_property(m, u"Copyright", NULL);
	check_property(m, u"Product Version", NULL);
	check_hr(ICertManageModule_Configure(m, NULL, NULL, 0), S_OK);
	check_refs(ICertManageModule_Release(m), 0);
	check_refs(ICertExit2_Release(b), 0);
	/* A malformed CLSID never matches. */
	IClassFactory *cf = (void *)1;
	check_hr(xb_kit_get_class_object(&bare_decl,
					 &(const CLSID){0x3C1D5E2F, 0x0A1B, 0x4C2D,
							{0x9E, 0x3F, 0x4A, 0x5B, 0x6C, 0x7D, 0x8E, 0x0B}},
					 &IID_IClassFactory, (void **)&cf),
		 CLASS_E_CLASSNOTAVAILABLE);
	ck_assert_ptr_null(cf);
	check_hr(xb_kit_can_unload_now(&bare_decl), S_OK);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_manage_callbacks)
{
	ICertManageModule *m = probe_create(
		&probe_decl,
		&(const CLSID){0x3C1D5E2F, 0x0A1B, 0x4C2D, {0x9E, 0x3F, 0x4A, 0x5B, 0x6C, 0x7D, 0x8E, 0xA0}},
		&IID_ICertManageModule);
	check_property(m, u"IsMultiThreaded", "1");
	check_property(m, u"Copyright", "(c) probe");
	check_property(m, u"Name", "Probe");
	check_property(m, u"Nope", NULL);
	free(manage_property(m, u"Broken", E_FAIL));
	BSTR config = SysAllocString(u"HOST\\Corp CA"), storage = SysAllocString(u"SYSTEM\\Probe");
	check_hr(ICertManageModule_Configure(m, config, storage, CMM_REFRESHONLY), S_OK);
	ck_assert_str_eq(probe_configured, "HOST\\Corp CA|SYSTEM\\Probe|1");
	check_hr(ICertManageModule_Configure(m, config, NULL, 7), E_NOTIMPL);
	ck_assert_str_eq(probe_configured, "HOST\\Corp CA||7");
	SysFreeString(config);
	SysFreeString(storage);
	check_refs(ICertManageModule_Release(m), 0);
	check_hr(xb_kit_can_unload_now(&probe_decl), S_OK);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_register_failure)
{
	/* The exit class's keys are written before the manage CLSID is found malformed: all are removed. */
	check_hr(xb_kit_register_server(&bare_decl), SELFREG_E_CLASS);
	char *got = hkcr();
	ck_assert_str_eq(got, "Windows Registry Editor Version 5.00\n\n[HKEY_CLASSES_ROOT]\n\n"
			      "[HKEY_CLASSES_ROOT\\CLSID]\n\n");
	free(got);
	ck_assert_msg(strstr(log_text, "Bare|error|DllRegisterServer: the declaration's name or manage CLSID is "
				       "malformed\n"),
		      "%s", log_text);
	check_hr(xb_kit_unregister_server(&bare_decl), SELFREG_E_CLASS);
	check_hr(xb_kit_register_server(NULL), E_INVALIDARG);
	/* The probe lives in the test program: its InprocServer32 is that file. */
	check_hr(xb_kit_register_server(&probe_decl), S_OK);
	char *server = NULL;
	ck_assert_int_eq(xb_registry_get_string(HKEY_CLASSES_ROOT, "CLSID\\" PROBE_CLSID "\\InprocServer32", NULL,
						&server),
			 ERROR_SUCCESS);
	char self[PATH_MAX];
	ck_assert_ptr_nonnull(realpath("/proc/self/exe", self));
	ck_assert_str_eq(server, self);
	free(server);
	check_hr(xb_kit_unregister_server(&probe_decl), S_OK);
	check_no_bstr_leak();
}
END_TEST

START_TEST(test_config_string)
{
	static const char loc[] =
		"SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Corp CA\\ExitModules\\Probe.Exit";
	ICertExit *e = probe_create(&probe_decl, &clsid_probe, &IID_ICertExit);
	BSTR ca = SysAllocString(u"Corp CA");
	LONG mask;
	char *text = (char *)1;
	DWORD dw = 9;
	probe_module = NULL;
	check_hr(ICertExit_Initialize(e, ca, &mask), S_OK);
	SysFreeString(ca);
	xb_kit_module *module = probe_module; /* the handle the callbacks get */
	ck_assert_ptr_nonnull(module);
	ck_assert_ptr_eq(xb_kit_get_decl(module), &probe_decl);
	ck_assert_ptr_nonnull(xb_kit_get_state(module));

	/* no CA: the server's HRESULT */
	check_hr(xb_kit_config_string(module, "Directory", &text), REGDB_E_CLASSNOTREG);
	ck_assert_ptr_null(text);
	fake_register();
	/* no key: not configured */
	check_hr(xb_kit_config_string(module, "Directory", &text), S_FALSE);
	ck_assert_ptr_null(text);
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, loc, "Directory", "/srv/certs \xc3\xa9"),
			 ERROR_SUCCESS);
	ck_assert_int_eq(xb_registry_set_dword(HKEY_LOCAL_MACHINE, loc, "Flags", 0x11), ERROR_SUCCESS);
	check_hr(xb_kit_config_string(module, "directory", &text), S_OK);
	ck_assert_str_eq(text, "/srv/certs \xc3\xa9");
	free(text);
	/* no value: not configured */
	check_hr(xb_kit_config_string(module, "Other", &text), S_FALSE);
	ck_assert_ptr_null(text);
	/* another type */
	check_hr(xb_kit_config_string(module, "Flags", &text), HRESULT_FROM_WIN32(ERROR_UNSUPPORTED_TYPE));
	ck_assert_ptr_null(text);
	check_hr(xb_kit_config_dword(module, "Flags", &dw), S_OK);
	ck_assert_uint_eq(dw, 0x11);
	check_hr(xb_kit_config_dword(module, "Directory", &dw), HRESULT_FROM_WIN32(ERROR_UNSUPPORTED_TYPE));
	ck_assert_uint_eq(dw, 0);
	check_hr(xb_kit_config_dword(module, "Missing", &dw), S_FALSE);
	/* ModuleRegistryLocation was read once for the object */
	ck_assert_int_eq(knobs.location_reads, 1);
	/* expanded REG_EXPAND_SZ */
	HKEY h;
	OLECHAR *wloc = NULL;
	check_hr(xb_utf8_to_utf16(loc, XB_NUL_TERMINATED, &wloc, NULL, NULL), S_OK);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, wloc, 0, KEY_SET_VALUE, &h), ERROR_SUCCESS);
	static const OLECHAR expand[] = u"%XB_KIT_TEST_DIR%\\out";
	ck_assert_int_eq(RegSetValueExW(h, u"Out", 0, REG_EXPAND_SZ, (const BYTE *)expand, sizeof(expand)),
			 ERROR_SUCCESS);
	RegCloseKey(h);
	free(wloc);
	setenv("XB_KIT_TEST_DIR", "C:\\ca", 1);
	check_hr(xb_kit_config_string(module, "Out", &text), S_OK);
	ck_assert_str_eq(text, "C:\\ca\\out");
	free(text);
	/* the same through an explicit location */
	check_hr(xb_kit_config_string_at(loc, "Directory", &text), S_OK);
	ck_assert_str_eq(text, "/srv/certs \xc3\xa9");
	free(text);
	check_hr(xb_kit_config_string_at("SYSTEM\\Nope", "Directory", &text), S_FALSE);
	check_hr(xb_kit_config_dword_at(loc, "Flags", &dw), S_OK);
	ck_assert_uint_eq(dw, 0x11);
	/* NULL arguments */
	check_hr(xb_kit_config_string(module, "Directory", NULL), E_POINTER);
	check_hr(xb_kit_config_string(NULL, "Directory", &text), E_INVALIDARG);
	check_hr(xb_kit_config_string(module, NULL, &text), E_INVALIDARG);
	check_hr(xb_kit_config_dword(module, "Flags", NULL), E_POINTER);
	check_hr(xb_kit_config_string_at(NULL, "Directory", &text), E_INVALIDARG);
	check_hr(xb_kit_config_dword_at(loc, NULL, &dw), E_INVALIDARG);
	check_refs(ICertExit_Release(e), 0);
	ck_assert_int_eq(knobs.live_servers, 0);
	check_no_bstr_leak();
}
END_TEST

/* Configuration read from inside Notify, as a module does. */
START_TEST(test_config_in_notify)
{
	static const char loc[] =
		"SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Corp CA\\ExitModules\\Probe.Exit";
	fake_register();
	ICertExit *e = probe_create(&probe_decl, &clsid_probe, &IID_ICertExit);
	BSTR ca = SysAllocString(u"Corp CA");
	LONG mask;
	check_hr(ICertExit_Initialize(e, ca, &mask), S_OK);
	check_hr(ICertExit_Notify(e, EXITEVENT_CRLISSUED, 0), S_OK);
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, loc, "Directory", "/srv"), ERROR_SUCCESS);
	check_hr(ICertExit_Notify(e, EXITEVENT_CRLISSUED, 0), S_OK);
	ck_assert_str_eq(log_text, "Probe|debug|state at ok\n"
				   "Probe|info|Directory: 0x00000001 (not configured)\n"
				   "Probe|info|Directory: 0x00000000 /srv\n");
	SysFreeString(ca);
	check_refs(ICertExit_Release(e), 0);
	check_no_bstr_leak();
}
END_TEST

/* ---- the log ------------------------------------------------------------------------------ */

START_TEST(test_log)
{
	char long_text[2000];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = 0;
	xb_kit_log(XB_KIT_LOG_WARNING, "outside any callback, %d\n", 1);
	xb_kit_log(XB_KIT_LOG_ERROR, "%s", long_text);
	char want[sizeof(long_text) + 100];
	snprintf(want, sizeof(want), "exit module|warning|outside any callback, 1\nexit module|error|%s\n", long_text);
	ck_assert_str_eq(log_text, want); /* the end of the line is the kit's; a long one is whole */
	ck_assert_str_eq(xb_kit_log_level_name(XB_KIT_LOG_ERROR), "error");
	ck_assert_str_eq(xb_kit_log_level_name(XB_KIT_LOG_WARNING), "warning");
	ck_assert_str_eq(xb_kit_log_level_name(XB_KIT_LOG_INFO), "info");
	ck_assert_str_eq(xb_kit_log_level_name(XB_KIT_LOG_DEBUG), "debug");
	ck_assert_str_eq(xb_kit_log_level_name((xb_kit_log_level)4), "?");
	xb_kit_log(XB_KIT_LOG_INFO, NULL); /* ignored */
}
END_TEST

/* ---- free-threaded objects --------------------------------------------------------------- */

static long thread_lines;

static void count_log(void *ctx, const char *module, xb_kit_log_level level, const char *message)
{
	(void)ctx, (void)level;
	if (!strcmp(module, "Hello") && !strcmp(message, "shutdown"))
		__atomic_add_fetch(&thread_lines, 1, __ATOMIC_RELAXED);
}

static void *hammer(void *arg)
{
	ICertExit2 *exit2 = arg;
	for (int i = 0; i < 20000; i++) {
		ICertExit2_AddRef(exit2);
		ICertExit2_Notify(exit2, EXITEVENT_SHUTDOWN, 0);
		ICertExit2_Release(exit2);
	}
	return NULL;
}

START_TEST(test_threads)
{
	xb_kit_set_log_handler(count_log, NULL); /* capture_log is not thread-safe */
	thread_lines = 0;
	ICertExit2 *exit2 = hello_new();
	pthread_t threads[8];
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, hammer, exit2), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(threads[i], NULL);
	ck_assert_int_eq(thread_lines, 8 * 20000); /* every line tagged with its module, on every thread */
	check_refs(ICertExit2_AddRef(exit2), 2);
	check_refs(ICertExit2_Release(exit2), 1);
	check_refs(ICertExit2_Release(exit2), 0);
	check_hr(hello_can_unload_now(), S_OK);
}
END_TEST

/* Versions as a module's XB_MODULE_*_VERSION macros give them (exitbench/kit_version.h). */
#define TEST_VERSION 1, 22, 333, 65535
#define TEST_VERSION_ZERO 0, 0, 0, 0
#define TEST_VERSION_BIG 1, 0, 65536, 0
#define TEST_VERSION_NEGATIVE 1, -1, 0, 0
#define TEST_VERSION_MACROS XB_VERSION_MAJOR, XB_VERSION_MINOR, XB_VERSION_MICRO, 7
#if !XB_KIT_VERSION_OK(TEST_VERSION) || !XB_KIT_VERSION_OK(TEST_VERSION_ZERO)
# error "XB_KIT_VERSION_OK refuses a version VERSIONINFO can hold"
#endif
#if XB_KIT_VERSION_OK(TEST_VERSION_BIG) || XB_KIT_VERSION_OK(TEST_VERSION_NEGATIVE)
# error "XB_KIT_VERSION_OK accepts a version VERSIONINFO cannot hold"
#endif

START_TEST(test_version_text)
{
	/* One literal, the numbers joined by dots as Explorer prints a FILEVERSION. */
	static const char text[] = XB_KIT_VERSION_TEXT(TEST_VERSION);
	ck_assert_str_eq(text, "1.22.333.65535");
	ck_assert_str_eq(XB_KIT_VERSION_TEXT(TEST_VERSION_ZERO), "0.0.0.0");
	/* Macros among the numbers are expanded first, as the sample modules' product version needs. */
	ck_assert_str_eq(XB_KIT_VERSION_TEXT(TEST_VERSION_MACROS), XB_VERSION ".7");
}
END_TEST

Suite *suite_kit(void)
{
	Suite *s = suite_create("kit");
	const struct xb_test_case cases[] = {
		{"DllRegisterServer", test_register_server},
		{"DllUnregisterServer", test_unregister_server},
		{"activation", test_activation_through_registry},
		{"DllGetClassObject", test_get_class_object},
		{"CreateInstance", test_create_instance},
		{"LockServer", test_lock_server},
		{"DllCanUnloadNow", test_can_unload_now},
		{"QueryInterface", test_exit_query_interface},
		{"IDispatch", test_exit_dispatch},
		{"GetDescription", test_exit_get_description},
		{"GetManageModule", test_exit_get_manage_module},
		{"XB_KIT_VERSION_TEXT", test_version_text},
		{"hello_Initialize", test_hello_initialize},
		{"hello_Notify", test_hello_notify},
		{"xb_kit_server_open", test_server_open},
		{"xb_kit_get_string", test_get_string},
		{"xb_kit_get_long", test_get_long},
		{"xb_kit_get_date", test_get_date},
		{"xb_kit_get_bytes", test_get_bytes},
		{"xb_kit_get_attribute", test_get_attribute},
		{"xb_kit_get_extension", test_get_extension},
		{"xb_kit_for_each_attribute", test_for_each_attribute},
		{"xb_kit_for_each_extension", test_for_each_extension},
		{"module_state", test_module_state},
		{"manage_callbacks", test_manage_callbacks},
		{"xb_kit_register_server", test_register_failure},
		{"xb_kit_config_string", test_config_string},
		{"config_in_notify", test_config_in_notify},
		{"xb_kit_log", test_log},
		{"threads", test_threads},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
