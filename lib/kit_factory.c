/*
 * The class factories of a kit module and the DllGetClassObject and
 * DllCanUnloadNow behind its exports. The factories are static objects in
 * the module (struct xb_kit_runtime, made by XB_EXIT_MODULE); the
 * references handed out are counted so that DllCanUnloadNow keeps the
 * module loaded while a client holds one, as ATL's cached factories do.
 */
#include "kit_private.h"

static inline struct xb_kit_factory *factory_from_IClassFactory(IClassFactory *iface)
{
	return (struct xb_kit_factory *)((char *)iface - offsetof(struct xb_kit_factory, IClassFactory_iface));
}

static const IID *const factory_iids[] = {&IID_IUnknown, &IID_IClassFactory};

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	return xb_kit_query_interface((IUnknown *)iface, factory_iids, sizeof(factory_iids) / sizeof(factory_iids[0]),
				      riid, ppv);
}

static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
	struct xb_kit_factory *f = factory_from_IClassFactory(iface);
	return (ULONG)xb_kit_atomic_add(&f->refcount, 1);
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
	struct xb_kit_factory *f = factory_from_IClassFactory(iface);
	/* A static object: one Release too many must not wrap the count. */
	if (xb_kit_atomic_load(&f->refcount) <= 0)
		return 0;
	return (ULONG)xb_kit_atomic_add(&f->refcount, -1);
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
							void **ppv)
{
	struct xb_kit_factory *f = factory_from_IClassFactory(iface);
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	if (!riid)
		return E_INVALIDARG;
	return f->manage ? xb_kit_manage_create(f->decl, riid, ppv) : xb_kit_exit_create(f->decl, riid, ppv);
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
	struct xb_kit_factory *f = factory_from_IClassFactory(iface);
	xb_kit_atomic_add(&f->decl->runtime->locks, lock ? 1 : -1);
	return S_OK;
}

XB_EXPORT const IClassFactoryVtbl xb_kit_factory_vtbl = {
	factory_QueryInterface, factory_AddRef, factory_Release, factory_CreateInstance, factory_LockServer,
};

XB_EXPORT HRESULT xb_kit_get_class_object(const struct xb_exit_module_decl *decl, REFCLSID rclsid, REFIID riid,
					  LPVOID *ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!decl || !rclsid || !riid)
		return E_INVALIDARG;
	const char *texts[2] = {decl->clsid, decl->manage_clsid};
	for (int i = 0; i < 2; i++) {
		CLSID clsid;
		if (FAILED(xb_kit_parse_clsid(texts[i], &clsid)) || !IsEqualCLSID(rclsid, &clsid))
			continue;
		IClassFactory *factory = &decl->runtime->factories[i].IClassFactory_iface;
		return IClassFactory_QueryInterface(factory, riid, ppv);
	}
	return CLASS_E_CLASSNOTAVAILABLE;
}

XB_EXPORT HRESULT xb_kit_can_unload_now(const struct xb_exit_module_decl *decl)
{
	const struct xb_kit_runtime *r = decl->runtime;
	/* Each count on its own: an unbalanced LockServer(FALSE) must not cancel a live object. */
	int busy = xb_kit_atomic_load(&r->objects) > 0 || xb_kit_atomic_load(&r->locks) > 0 ||
		   xb_kit_atomic_load(&r->factories[0].refcount) > 0 || xb_kit_atomic_load(&r->factories[1].refcount) > 0;
	return busy ? S_FALSE : S_OK;
}
