/*
 * COM activation (lib/com_classes.c, lib/com_inproc.c): the class registry,
 * and loading a real in-process server (tests/com_test_server.c) through
 * the registry as certsrv would.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

#if !defined(XB_TEST_SERVER_PATH) || !defined(XB_TEST_PLAIN_LIBRARY_PATH)
#error "the build must name the test server and a library without DllGetClassObject"
#endif

/* {6B1F2E3A-0C4D-4E5F-8A9B-1C2D3E4F5A6B}, the test server's class */
static const CLSID clsid_server = {0x6B1F2E3A, 0x0C4D, 0x4E5F, {0x8A, 0x9B, 0x1C, 0x2D, 0x3E, 0x4F, 0x5A, 0x6B}};
#define SERVER_KEY "CLSID\\{6B1F2E3A-0C4D-4E5F-8A9B-1C2D3E4F5A6B}"
/* A class registered in-process by the suite itself. */
static const CLSID clsid_local = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55}};

/* ---- an in-process class object with counters ------------------------- */

struct local_factory {
	IClassFactory IClassFactory_iface;
	atomic_long refs;
	atomic_long created;
};

struct local_object {
	IUnknown IUnknown_iface;
	atomic_long refs;
};

static HRESULT STDMETHODCALLTYPE obj_QueryInterface(IUnknown *iface, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown))
		return E_NOINTERFACE;
	*ppv = iface;
	IUnknown_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE obj_AddRef(IUnknown *iface)
{
	return (ULONG)atomic_fetch_add(&((struct local_object *)iface)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE obj_Release(IUnknown *iface)
{
	long left = atomic_fetch_sub(&((struct local_object *)iface)->refs, 1) - 1;
	if (!left)
		free(iface);
	return (ULONG)left;
}

static const IUnknownVtbl obj_vtbl = {obj_QueryInterface, obj_AddRef, obj_Release};

static HRESULT STDMETHODCALLTYPE lf_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	IClassFactory_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE lf_AddRef(IClassFactory *iface)
{
	return (ULONG)atomic_fetch_add(&((struct local_factory *)iface)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE lf_Release(IClassFactory *iface)
{
	return (ULONG)atomic_fetch_sub(&((struct local_factory *)iface)->refs, 1) - 1;
}

static HRESULT STDMETHODCALLTYPE lf_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	struct local_object *o = malloc(sizeof(*o));
	o->IUnknown_iface.lpVtbl = &obj_vtbl;
	atomic_init(&o->refs, 1);
	atomic_fetch_add(&((struct local_factory *)iface)->created, 1);
	HRESULT hr = IUnknown_QueryInterface(&o->IUnknown_iface, riid, ppv);
	IUnknown_Release(&o->IUnknown_iface);
	return hr;
}

static HRESULT STDMETHODCALLTYPE lf_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface;
	(void)lock;
	return S_OK;
}

static const IClassFactoryVtbl lf_vtbl = {lf_QueryInterface, lf_AddRef, lf_Release, lf_CreateInstance,
					  lf_LockServer};

static void new_factory(struct local_factory *f)
{
	f->IClassFactory_iface.lpVtbl = &lf_vtbl;
	atomic_init(&f->refs, 1);
	atomic_init(&f->created, 0);
}

static void register_server(void)
{
	xb_registry_clear();
	ck_assert_int_eq(xb_registry_set_string(HKEY_CLASSES_ROOT, SERVER_KEY "\\InprocServer32", NULL,
						XB_TEST_SERVER_PATH), ERROR_SUCCESS);
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(co_initialize_ex)
{
	ck_assert_int_eq(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
	ck_assert_int_eq(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_FALSE);
	ck_assert_int_eq(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED), RPC_E_CHANGED_MODE);
	CoUninitialize();
	CoUninitialize();
	ck_assert_int_eq(CoInitialize(NULL), S_OK); /* a fresh start may choose another model */
	CoUninitialize();
	CoUninitialize(); /* one too many: harmless */
	ck_assert_int_eq(CoInitializeEx((void *)1, COINIT_MULTITHREADED), E_INVALIDARG);
}
END_TEST

START_TEST(register_class_object)
{
	struct local_factory f;
	new_factory(&f);
	DWORD cookie = 0, cookie2 = 0;
	ck_assert_int_eq(CoRegisterClassObject(&clsid_local, (IUnknown *)&f.IClassFactory_iface, CLSCTX_INPROC_SERVER,
					       REGCLS_MULTIPLEUSE, &cookie), S_OK);
	ck_assert_uint_ne(cookie, 0);
	ck_assert_int_eq(f.refs, 2);
	ck_assert_int_eq(CoRegisterClassObject(&clsid_local, (IUnknown *)&f.IClassFactory_iface, CLSCTX_INPROC_SERVER,
					       REGCLS_MULTIPLEUSE, &cookie2), S_OK);
	ck_assert_uint_ne(cookie2, cookie);
	ck_assert_int_eq(CoRevokeClassObject(cookie2), S_OK);
	ck_assert_int_eq(CoRevokeClassObject(cookie), S_OK);
	ck_assert_int_eq(f.refs, 1);
	ck_assert_int_eq(CoRegisterClassObject(&clsid_local, NULL, CLSCTX_INPROC_SERVER, 0, &cookie), E_INVALIDARG);
	ck_assert_int_eq(CoRegisterClassObject(&clsid_local, (IUnknown *)&f.IClassFactory_iface, 0, 0, NULL),
			 E_INVALIDARG);
}
END_TEST

START_TEST(revoke_class_object)
{
	struct local_factory f;
	new_factory(&f);
	DWORD cookie;
	CoRegisterClassObject(&clsid_local, (IUnknown *)&f.IClassFactory_iface, CLSCTX_INPROC_SERVER, 0, &cookie);
	ck_assert_int_eq(CoRevokeClassObject(cookie), S_OK);
	ck_assert_int_eq(CoRevokeClassObject(cookie), CO_E_OBJNOTREG);
	ck_assert_int_eq(CoRevokeClassObject(0xFFFFFFFFu), CO_E_OBJNOTREG);
	IUnknown *u = (IUnknown *)0x1;
	xb_registry_clear();
	ck_assert_int_eq(CoCreateInstance(&clsid_local, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&u),
			 REGDB_E_CLASSNOTREG);
	ck_assert_ptr_null(u);
}
END_TEST

START_TEST(get_class_object)
{
	struct local_factory f;
	new_factory(&f);
	DWORD cookie;
	CoRegisterClassObject(&clsid_local, (IUnknown *)&f.IClassFactory_iface, CLSCTX_INPROC_SERVER, 0, &cookie);
	IClassFactory *cf = NULL;
	ck_assert_int_eq(CoGetClassObject(&clsid_local, CLSCTX_INPROC_SERVER, NULL, &IID_IClassFactory, (void **)&cf),
			 S_OK);
	ck_assert_ptr_eq(cf, &f.IClassFactory_iface);
	IClassFactory_Release(cf);
	void *p = (void *)0x1;
	ck_assert_int_eq(CoGetClassObject(&clsid_local, CLSCTX_INPROC_SERVER, NULL, &IID_IDispatch, &p), E_NOINTERFACE);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(CoGetClassObject(&clsid_local, CLSCTX_LOCAL_SERVER, NULL, &IID_IClassFactory, &p),
			 REGDB_E_CLASSNOTREG);
	ck_assert_int_eq(CoGetClassObject(&clsid_local, CLSCTX_INPROC_SERVER, NULL, &IID_IClassFactory, NULL),
			 E_INVALIDARG);
	CoRevokeClassObject(cookie);
	ck_assert_int_eq(f.refs, 1);
}
END_TEST

START_TEST(create_instance)
{
	struct local_factory f;
	new_factory(&f);
	DWORD cookie;
	CoRegisterClassObject(&clsid_local, (IUnknown *)&f.IClassFactory_iface, CLSCTX_INPROC_SERVER, 0, &cookie);
	IUnknown *u = NULL;
	ck_assert_int_eq(CoCreateInstance(&clsid_local, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&u), S_OK);
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(f.created, 1);
	ck_assert_int_eq(IUnknown_Release(u), 0);
	ck_assert_int_eq(CoCreateInstance(&clsid_local, (IUnknown *)&f, CLSCTX_INPROC_SERVER, &IID_IUnknown,
					  (void **)&u), CLASS_E_NOAGGREGATION);
	ck_assert_ptr_null(u);
	ck_assert_int_eq(CoCreateInstance(&clsid_local, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, NULL), E_POINTER);
	CoRevokeClassObject(cookie);
	ck_assert_int_eq(f.refs, 1); /* CoCreateInstance released the factory it got */
}
END_TEST

START_TEST(inproc_server)
{
	register_server();
	IUnknown *a = NULL, *b = NULL;
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&a), S_OK);
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_ALL, &IID_IUnknown, (void **)&b), S_OK);
	ck_assert_ptr_ne(a, b);
	/* the library was loaded once, by CoGetClassObject, and is still loaded */
	void *handle = dlopen(XB_TEST_SERVER_PATH, RTLD_NOW | RTLD_NOLOAD);
	ck_assert_ptr_nonnull(handle);
	long (*objects)(void) = (long (*)(void))(uintptr_t)dlsym(handle, "xb_test_server_objects");
	ck_assert_ptr_nonnull(objects);
	ck_assert_int_eq(objects(), 2);
	IUnknown_Release(a);
	IUnknown_Release(b);
	ck_assert_int_eq(objects(), 0);
	dlclose(handle);
	void *p = (void *)1;
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, &p),
			 E_NOINTERFACE);
	ck_assert_ptr_null(p);
	CoFreeUnusedLibraries();
}
END_TEST

START_TEST(inproc_errors)
{
	xb_registry_clear();
	void *p = (void *)1;
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p),
			 REGDB_E_CLASSNOTREG);
	ck_assert_ptr_null(p);
	/* the class key without InprocServer32 */
	xb_registry_set_string(HKEY_CLASSES_ROOT, SERVER_KEY, NULL, "described, not loadable");
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p),
			 REGDB_E_CLASSNOTREG);
	xb_registry_set_string(HKEY_CLASSES_ROOT, SERVER_KEY "\\InprocServer32", NULL, "/nonexistent/module.so");
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p),
			 CO_E_DLLNOTFOUND);
	/* a loadable library without DllGetClassObject */
	xb_registry_set_string(HKEY_CLASSES_ROOT, SERVER_KEY "\\InprocServer32", NULL, XB_TEST_PLAIN_LIBRARY_PATH);
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p),
			 CO_E_ERRORINDLL);
	/* the library does not serve that class */
	register_server();
	xb_registry_set_string(HKEY_CLASSES_ROOT, "CLSID\\{11111111-2222-3333-4444-555555555555}\\InprocServer32",
			       NULL, XB_TEST_SERVER_PATH);
	ck_assert_int_eq(CoCreateInstance(&clsid_local, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p),
			 CLASS_E_CLASSNOTAVAILABLE);
	CoFreeUnusedLibraries();
}
END_TEST

/* A REG_EXPAND_SZ InprocServer32 is expanded, as RegGetValueW(RRF_RT_REG_SZ) does on Windows. */
START_TEST(inproc_expand_sz)
{
	static const OLECHAR value[] = u"%XB_TEST_SERVER_FILE%";
	xb_registry_clear();
	HKEY key;
	ck_assert_int_eq(RegCreateKeyExW(HKEY_CLASSES_ROOT, u"" SERVER_KEY "\\InprocServer32", 0, NULL, 0,
					 KEY_ALL_ACCESS, NULL, &key, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(key, NULL, 0, REG_EXPAND_SZ, (const BYTE *)value, sizeof(value)),
			 ERROR_SUCCESS);
	RegCloseKey(key);
	void *p = (void *)1;
	unsetenv("XB_TEST_SERVER_FILE"); /* unexpanded, the text names no file */
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p),
			 CO_E_DLLNOTFOUND);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(setenv("XB_TEST_SERVER_FILE", XB_TEST_SERVER_PATH, 1), 0);
	IUnknown *u = NULL;
	HRESULT hr = CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&u);
	unsetenv("XB_TEST_SERVER_FILE");
	ck_assert_msg(hr == S_OK, "CoCreateInstance through %%XB_TEST_SERVER_FILE%% = %s: 0x%08x",
		      XB_TEST_SERVER_PATH, (unsigned)hr);
	ck_assert_ptr_nonnull(u);
	IUnknown_Release(u);
	CoFreeUnusedLibraries();
	xb_registry_clear();
}
END_TEST

START_TEST(free_unused_libraries)
{
	register_server();
	IUnknown *a = NULL;
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&a), S_OK);
	/* an object is alive: DllCanUnloadNow says S_FALSE and the library stays */
	CoFreeUnusedLibraries();
	void *handle = dlopen(XB_TEST_SERVER_PATH, RTLD_NOW | RTLD_NOLOAD);
	ck_assert_ptr_nonnull(handle);
	dlclose(handle);
	IUnknown_Release(a);
	CoFreeUnusedLibraries();
	handle = dlopen(XB_TEST_SERVER_PATH, RTLD_NOW | RTLD_NOLOAD);
	ck_assert_msg(handle == NULL, "the test server is still loaded after CoFreeUnusedLibraries");
	/* and it loads again on demand */
	ck_assert_int_eq(CoCreateInstance(&clsid_server, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&a), S_OK);
	IUnknown_Release(a);
	CoFreeUnusedLibraries();
}
END_TEST

START_TEST(clsid_from_progid)
{
	xb_registry_clear();
	xb_registry_set_string(HKEY_CLASSES_ROOT, "Vendor.Exit.1\\CLSID", NULL, "{6B1F2E3A-0C4D-4E5F-8A9B-1C2D3E4F5A6B}");
	xb_registry_set_string(HKEY_CLASSES_ROOT, "Vendor.Exit\\CurVer", NULL, "Vendor.Exit.1");
	CLSID c;
	ck_assert_int_eq(CLSIDFromProgID(u"Vendor.Exit.1", &c), S_OK);
	ck_assert(IsEqualCLSID(&c, &clsid_server));
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(CLSIDFromProgID(u"vendor.exit", &c), S_OK); /* through CurVer, any case */
	ck_assert(IsEqualCLSID(&c, &clsid_server));
	ck_assert_int_eq(CLSIDFromProgID(u"Other.Exit", &c), CO_E_CLASSSTRING);
	xb_registry_set_string(HKEY_CLASSES_ROOT, "Broken.Exit\\CLSID", NULL, "not a guid");
	ck_assert_int_eq(CLSIDFromProgID(u"Broken.Exit", &c), CO_E_CLASSSTRING);
	ck_assert_int_eq(CLSIDFromProgID(NULL, &c), E_INVALIDARG);
	xb_registry_clear();
}
END_TEST

START_TEST(progid_from_clsid)
{
	xb_registry_clear();
	xb_registry_set_string(HKEY_CLASSES_ROOT, SERVER_KEY "\\ProgID", NULL, "Vendor.Exit.1");
	LPOLESTR progid = NULL;
	ck_assert_int_eq(ProgIDFromCLSID(&clsid_server, &progid), S_OK);
	ck_assert_int_eq(memcmp(progid, u"Vendor.Exit.1", sizeof(u"Vendor.Exit.1")), 0);
	CoTaskMemFree(progid);
	ck_assert_int_eq(ProgIDFromCLSID(&clsid_local, &progid), REGDB_E_CLASSNOTREG);
	ck_assert_ptr_null(progid);
	ck_assert_int_eq(ProgIDFromCLSID(&clsid_local, NULL), E_INVALIDARG);
	xb_registry_clear();
}
END_TEST

static struct local_factory shared_factory;

static void *com_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		DWORD cookie;
		IUnknown *u = NULL;
		if (CoRegisterClassObject(&clsid_local, (IUnknown *)&shared_factory.IClassFactory_iface,
					  CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &cookie) != S_OK)
			return (void *)1;
		/* some other thread may have revoked theirs, but ours is there until we revoke it */
		if (CoCreateInstance(&clsid_local, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&u) != S_OK)
			return (void *)2;
		IUnknown_Release(u);
		if (CoRevokeClassObject(cookie) != S_OK)
			return (void *)3;
	}
	return NULL;
}

START_TEST(concurrent)
{
	new_factory(&shared_factory);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, com_worker, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *result;
		pthread_join(th[i], &result);
		ck_assert_msg(result == NULL, "worker %d failed at step %d", i, (int)(intptr_t)result);
	}
	ck_assert_int_eq(shared_factory.created, 4000);
	ck_assert_int_eq(shared_factory.refs, 1);
}
END_TEST

Suite *suite_com(void)
{
	Suite *s = suite_create("com");
	const struct xb_test_case cases[] = {
		{"CoInitializeEx", co_initialize_ex},
		{"CoRegisterClassObject", register_class_object},
		{"CoRevokeClassObject", revoke_class_object},
		{"CoGetClassObject", get_class_object},
		{"CoCreateInstance", create_instance},
		{"InprocServer32", inproc_server},
		{"InprocServer32_errors", inproc_errors},
		{"InprocServer32_expand_sz", inproc_expand_sz},
		{"CoFreeUnusedLibraries", free_unused_libraries},
		{"CLSIDFromProgID", clsid_from_progid},
		{"ProgIDFromCLSID", progid_from_clsid},
		{"concurrent", concurrent},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
