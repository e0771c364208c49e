/*
 * A raw-COM in-process server for the COM suite: one class, IUnknown only,
 * with DllGetClassObject and DllCanUnloadNow, loaded by CoCreateInstance
 * through HKCR\CLSID\{...}\InprocServer32 as a real module would be.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "exitbench.h"

/* {6B1F2E3A-0C4D-4E5F-8A9B-1C2D3E4F5A6B} */
static const CLSID clsid_test = {0x6B1F2E3A, 0x0C4D, 0x4E5F, {0x8A, 0x9B, 0x1C, 0x2D, 0x3E, 0x4F, 0x5A, 0x6B}};

static atomic_long objects, locks;

struct thing {
	IUnknown IUnknown_iface;
	atomic_long refs;
};

static HRESULT STDMETHODCALLTYPE thing_QueryInterface(IUnknown *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown))
		return E_NOINTERFACE;
	*ppv = iface;
	IUnknown_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE thing_AddRef(IUnknown *iface)
{
	return (ULONG)atomic_fetch_add(&((struct thing *)iface)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE thing_Release(IUnknown *iface)
{
	struct thing *t = (struct thing *)iface;
	long left = atomic_fetch_sub(&t->refs, 1) - 1;
	if (!left) {
		free(t);
		atomic_fetch_sub(&objects, 1);
	}
	return (ULONG)left;
}

static const IUnknownVtbl thing_vtbl = {thing_QueryInterface, thing_AddRef, thing_Release};

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	return S_OK; /* static object: no reference counting */
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

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **ppv)
{
	(void)iface;
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	struct thing *t = malloc(sizeof(*t));
	if (!t)
		return E_OUTOFMEMORY;
	t->IUnknown_iface.lpVtbl = &thing_vtbl;
	atomic_init(&t->refs, 1);
	atomic_fetch_add(&objects, 1);
	HRESULT hr = IUnknown_QueryInterface(&t->IUnknown_iface, riid, ppv);
	IUnknown_Release(&t->IUnknown_iface);
	return hr;
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface;
	atomic_fetch_add(&locks, lock ? 1 : -1);
	return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {factory_QueryInterface, factory_AddRef, factory_Release,
					       factory_CreateInstance, factory_LockServer};
static IClassFactory factory = {&factory_vtbl};

__attribute__((visibility("default"))) HRESULT DllGetClassObject(REFCLSID rclsid, REFIID riid, void **ppv);
__attribute__((visibility("default"))) HRESULT DllCanUnloadNow(void);
/* How many objects are alive: lets the suite check that CoFreeUnusedLibraries waits for them. */
__attribute__((visibility("default"))) long xb_test_server_objects(void);

HRESULT DllGetClassObject(REFCLSID rclsid, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualCLSID(rclsid, &clsid_test))
		return CLASS_E_CLASSNOTAVAILABLE;
	return IClassFactory_QueryInterface(&factory, riid, ppv);
}

HRESULT DllCanUnloadNow(void)
{
	return atomic_load(&objects) == 0 && atomic_load(&locks) == 0 ? S_OK : S_FALSE;
}

long xb_test_server_objects(void)
{
	return atomic_load(&objects);
}
