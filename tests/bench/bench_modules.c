/*
 * The benchmark's exit modules: raw COM, no kit, as small as the contract
 * allows, so that what the benchmark measures is the engine. Built twice
 * (tests/Makemodule.am), loaded by CLSID (no registration code):
 *
 *   BENCH_MODULE_READS 0   libxbbenchnull.so    Initialize sets the mask 0x2FF
 *                                               (every event); Notify returns S_OK
 *   BENCH_MODULE_READS 20  libxbbenchread20.so  Notify creates a CCertServerExit,
 *                                               SetContext, reads the 20 properties
 *                                               of props[] and frees every VARIANT
 *
 * bench_module_stats() says how the reads went, so the benchmark can check
 * that the 20 reads really reached derived values.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#include "exitbench.h"

#ifndef BENCH_MODULE_READS
# define BENCH_MODULE_READS 0
#endif

#define EXPORT __attribute__((visibility("default")))

#if BENCH_MODULE_READS == 0
/* {5A0E1B2C-3D4E-4F60-8172-93A4B5C6DB01} */
static const CLSID clsid_exit = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xDB, 0x01}};
#else
/* {5A0E1B2C-3D4E-4F60-8172-93A4B5C6DB20} */
static const CLSID clsid_exit = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xDB, 0x20}};
#endif

static atomic_long objects;
static atomic_long reads_ok, reads_empty, reads_failed;

EXPORT void bench_module_stats(long *ok, long *empty, long *failed);
EXPORT void bench_module_reset(void);

void bench_module_stats(long *ok, long *empty, long *failed)
{
	*ok = atomic_load(&reads_ok);
	*empty = atomic_load(&reads_empty);
	*failed = atomic_load(&reads_failed);
}

void bench_module_reset(void)
{
	atomic_store(&reads_ok, 0);
	atomic_store(&reads_empty, 0);
	atomic_store(&reads_failed, 0);
}

/*
 * What a typical module reads about an event: request values, the
 * requested subject (derived from RawRequest), and the certificate's
 * values (derived from RawCertificate). 20 different properties; on a
 * pending or denied event the certificate side is empty, as on a CA.
 */
static const struct {
	const OLECHAR *name;
	LONG type;
	int certificate; /* GetCertificateProperty, else GetRequestProperty */
} props[] = {
	{u"RequestID", PROPTYPE_LONG, 0},
	{u"Disposition", PROPTYPE_LONG, 0},
	{u"RequestType", PROPTYPE_LONG, 0},
	{u"RequesterName", PROPTYPE_STRING, 0},
	{u"SubmittedWhen", PROPTYPE_DATE, 0},
	{u"ResolvedWhen", PROPTYPE_DATE, 0},
	{u"RawRequest", PROPTYPE_BINARY, 0},
	{u"Request.CommonName", PROPTYPE_STRING, 0},
	{u"SerialNumber", PROPTYPE_STRING, 1},
	{u"CertificateHash", PROPTYPE_STRING, 1},
	{u"NotBefore", PROPTYPE_DATE, 1},
	{u"NotAfter", PROPTYPE_DATE, 1},
	{u"DistinguishedName", PROPTYPE_STRING, 1},
	{u"EMail", PROPTYPE_STRING, 1},
	{u"RawCertificate", PROPTYPE_BINARY, 1},
	{u"RawPublicKey", PROPTYPE_BINARY, 1},
	{u"PublicKeyLength", PROPTYPE_LONG, 1},
	{u"PublicKeyAlgorithm", PROPTYPE_STRING, 1},
	{u"SubjectKeyIdentifier", PROPTYPE_STRING, 1},
	{u"UPN", PROPTYPE_STRING, 1},
};

_Static_assert(BENCH_MODULE_READS <= sizeof(props) / sizeof(props[0]), "props[] has fewer reads than asked");

/* ---- ICertExit2 --------------------------------------------------------- */

struct exit_module {
	ICertExit2 ICertExit2_iface;
	atomic_long refcount;
};

static inline struct exit_module *exit_module_from_ICertExit2(ICertExit2 *iface)
{
	return (struct exit_module *)((char *)iface - offsetof(struct exit_module, ICertExit2_iface));
}

static HRESULT STDMETHODCALLTYPE exit_module_QueryInterface(ICertExit2 *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
	    !IsEqualIID(riid, &IID_ICertExit) && !IsEqualIID(riid, &IID_ICertExit2))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertExit2_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE exit_module_AddRef(ICertExit2 *iface)
{
	return (ULONG)atomic_fetch_add(&exit_module_from_ICertExit2(iface)->refcount, 1) + 1;
}

static ULONG STDMETHODCALLTYPE exit_module_Release(ICertExit2 *iface)
{
	struct exit_module *m = exit_module_from_ICertExit2(iface);
	long left = atomic_fetch_sub(&m->refcount, 1) - 1;
	if (!left) {
		free(m);
		atomic_fetch_sub(&objects, 1);
	}
	return (ULONG)left;
}

/* No type information: a C module is called through its vtable. */
static HRESULT STDMETHODCALLTYPE exit_module_GetTypeInfoCount(ICertExit2 *iface, UINT *count)
{
	(void)iface;
	if (!count)
		return E_POINTER;
	*count = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE exit_module_GetTypeInfo(ICertExit2 *iface, UINT index, LCID lcid, ITypeInfo **info)
{
	(void)iface, (void)index, (void)lcid;
	if (!info)
		return E_POINTER;
	*info = NULL;
	return DISP_E_BADINDEX;
}

static HRESULT STDMETHODCALLTYPE exit_module_GetIDsOfNames(ICertExit2 *iface, REFIID riid, LPOLESTR *names, UINT n,
							   LCID lcid, DISPID *ids)
{
	(void)iface, (void)riid, (void)names, (void)lcid;
	for (UINT i = 0; ids && i < n; i++)
		ids[i] = -1; /* DISPID_UNKNOWN */
	return DISP_E_UNKNOWNNAME;
}

static HRESULT STDMETHODCALLTYPE exit_module_Invoke(ICertExit2 *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
						    DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep,
						    UINT *arg_err)
{
	(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result, (void)excep;
	(void)arg_err;
	return DISP_E_MEMBERNOTFOUND;
}

static HRESULT STDMETHODCALLTYPE exit_module_Initialize(ICertExit2 *iface, const BSTR config, LONG *mask)
{
	(void)iface, (void)config;
	if (!mask)
		return E_POINTER;
	*mask = 0x2FF; /* every EXITEVENT_* a CA sends */
	return S_OK;
}

#if BENCH_MODULE_READS
/* Reads props[0..BENCH_MODULE_READS) through the CA's server object, as a module does in Notify. */
static void read_properties(LONG context)
{
	ICertServerExit *server = NULL;
	if (FAILED(CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit,
				    (void **)&server))) {
		atomic_fetch_add(&reads_failed, BENCH_MODULE_READS);
		return;
	}
	if (FAILED(ICertServerExit_SetContext(server, context))) {
		atomic_fetch_add(&reads_failed, BENCH_MODULE_READS);
		ICertServerExit_Release(server);
		return;
	}
	for (size_t i = 0; i < BENCH_MODULE_READS; i++) {
		BSTR name = SysAllocString(props[i].name);
		VARIANT v;
		VariantInit(&v);
		HRESULT hr = props[i].certificate ? ICertServerExit_GetCertificateProperty(server, name, props[i].type, &v)
						  : ICertServerExit_GetRequestProperty(server, name, props[i].type, &v);
		atomic_fetch_add(SUCCEEDED(hr) ? &reads_ok : hr == CERTSRV_E_PROPERTY_EMPTY ? &reads_empty : &reads_failed,
				 1);
		VariantClear(&v);
		SysFreeString(name);
	}
	ICertServerExit_Release(server);
}
#endif

static HRESULT STDMETHODCALLTYPE exit_module_Notify(ICertExit2 *iface, LONG event, LONG context)
{
	(void)iface, (void)event, (void)context;
#if BENCH_MODULE_READS
	/* Only events with a request have properties to read (crlissued and shutdown have context 0). */
	if (context)
		read_properties(context);
#endif
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE exit_module_GetDescription(ICertExit2 *iface, BSTR *description)
{
	(void)iface;
	if (!description)
		return E_POINTER;
	*description = SysAllocString(BENCH_MODULE_READS ? u"Benchmark: reads 20 properties" : u"Benchmark: does nothing");
	return *description ? S_OK : E_OUTOFMEMORY;
}

static HRESULT STDMETHODCALLTYPE exit_module_GetManageModule(ICertExit2 *iface, ICertManageModule **manage)
{
	(void)iface;
	if (!manage)
		return E_POINTER;
	*manage = NULL;
	return S_OK; /* nothing to manage: S_OK and NULL, which the CA accepts without a word */
}

static const ICertExit2Vtbl exit_module_vtbl = {
	exit_module_QueryInterface, exit_module_AddRef,        exit_module_Release,
	exit_module_GetTypeInfoCount, exit_module_GetTypeInfo, exit_module_GetIDsOfNames,
	exit_module_Invoke,         exit_module_Initialize,    exit_module_Notify,
	exit_module_GetDescription, exit_module_GetManageModule,
};

static HRESULT exit_module_create(REFIID riid, void **ppv)
{
	struct exit_module *m = calloc(1, sizeof(*m));
	if (!m)
		return E_OUTOFMEMORY;
	m->ICertExit2_iface.lpVtbl = &exit_module_vtbl;
	atomic_init(&m->refcount, 1);
	atomic_fetch_add(&objects, 1);
	HRESULT hr = ICertExit2_QueryInterface(&m->ICertExit2_iface, riid, ppv);
	ICertExit2_Release(&m->ICertExit2_iface);
	return hr;
}

/* ---- class factory (static: no reference counting) ----------------------- */

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	return S_OK;
}

static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
	(void)iface;
	return 2;
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
	(void)iface;
	return 1;
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
							void **ppv)
{
	(void)iface;
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	return exit_module_create(riid, ppv);
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface;
	atomic_fetch_add(&objects, lock ? 1 : -1);
	return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {factory_QueryInterface, factory_AddRef, factory_Release,
					       factory_CreateInstance, factory_LockServer};
static IClassFactory factory = {&factory_vtbl};

/* ---- exports ------------------------------------------------------------ */

EXPORT HRESULT DllGetClassObject(REFCLSID rclsid, REFIID riid, void **ppv);
EXPORT HRESULT DllCanUnloadNow(void);

HRESULT DllGetClassObject(REFCLSID rclsid, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualCLSID(rclsid, &clsid_exit))
		return CLASS_E_CLASSNOTAVAILABLE;
	return IClassFactory_QueryInterface(&factory, riid, ppv);
}

HRESULT DllCanUnloadNow(void)
{
	return atomic_load(&objects) == 0 ? S_OK : S_FALSE;
}
