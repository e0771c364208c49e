/*
 * The exit object a kit module's class factory creates: IUnknown,
 * IDispatch, ICertExit and ICertExit2 on one vtable, calling the
 * declaration's callbacks for Initialize and Notify.
 */
#include <stdlib.h>

#include "kit_private.h"

static inline struct xb_kit_module *exit_module_from_ICertExit2(ICertExit2 *iface)
{
	return (struct xb_kit_module *)((char *)iface - offsetof(struct xb_kit_module, ICertExit2_iface));
}

static const IID *const exit_module_iids[] = {&IID_IUnknown, &IID_IDispatch, &IID_ICertExit, &IID_ICertExit2};

static HRESULT STDMETHODCALLTYPE exit_module_QueryInterface(ICertExit2 *iface, REFIID riid, void **ppv)
{
	return xb_kit_query_interface((IUnknown *)iface, exit_module_iids,
				      sizeof(exit_module_iids) / sizeof(exit_module_iids[0]), riid, ppv);
}

static ULONG STDMETHODCALLTYPE exit_module_AddRef(ICertExit2 *iface)
{
	struct xb_kit_module *m = exit_module_from_ICertExit2(iface);
	return (ULONG)xb_kit_atomic_add(&m->refcount, 1);
}

static void exit_module_destroy(struct xb_kit_module *m)
{
	const struct xb_exit_module_decl *decl = m->decl;
	if (decl->destroy) {
		const struct xb_exit_module_decl *previous = xb_kit_enter(decl);
		decl->destroy(m);
		xb_kit_leave(previous);
	}
	free(m->location);
	free(m);
	xb_kit_atomic_add(&decl->runtime->objects, -1);
}

static ULONG STDMETHODCALLTYPE exit_module_Release(ICertExit2 *iface)
{
	struct xb_kit_module *m = exit_module_from_ICertExit2(iface);
	LONG left = xb_kit_atomic_add(&m->refcount, -1);
	if (left == 0)
		exit_module_destroy(m);
	return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE exit_module_GetTypeInfoCount(ICertExit2 *iface, UINT *count)
{
	(void)iface;
	return xb_kit_dispatch_type_info_count(count);
}

static HRESULT STDMETHODCALLTYPE exit_module_GetTypeInfo(ICertExit2 *iface, UINT index, LCID lcid, ITypeInfo **info)
{
	(void)iface, (void)lcid;
	return xb_kit_dispatch_type_info(index, info);
}

static HRESULT STDMETHODCALLTYPE exit_module_GetIDsOfNames(ICertExit2 *iface, REFIID riid, LPOLESTR *names,
							    UINT count, LCID lcid, DISPID *ids)
{
	(void)iface, (void)lcid;
	return xb_kit_dispatch_ids_of_names(riid, names, count, ids);
}

static HRESULT STDMETHODCALLTYPE exit_module_Invoke(ICertExit2 *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
						     DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep,
						     UINT *arg_err)
{
	(void)iface, (void)id, (void)lcid, (void)flags, (void)params, (void)result, (void)excep, (void)arg_err;
	return xb_kit_dispatch_invoke(riid);
}

static HRESULT STDMETHODCALLTYPE exit_module_Initialize(ICertExit2 *iface, const BSTR config, LONG *mask)
{
	struct xb_kit_module *m = exit_module_from_ICertExit2(iface);
	const struct xb_exit_module_decl *decl = m->decl;
	if (!mask)
		return E_POINTER;
	*mask = decl->event_mask;
	if (!decl->initialize)
		return S_OK;
	char *ca_name = NULL;
	HRESULT hr = xb_utf8_from_bstr(config, &ca_name, NULL);
	if (FAILED(hr)) {
		*mask = 0;
		return hr;
	}
	const struct xb_exit_module_decl *previous = xb_kit_enter(decl);
	hr = decl->initialize(m, ca_name, mask);
	xb_kit_leave(previous);
	free(ca_name);
	return hr;
}

static HRESULT STDMETHODCALLTYPE exit_module_Notify(ICertExit2 *iface, LONG event, LONG context)
{
	struct xb_kit_module *m = exit_module_from_ICertExit2(iface);
	const struct xb_exit_module_decl *decl = m->decl;
	if (!decl->notify)
		return S_OK;
	const struct xb_exit_module_decl *previous = xb_kit_enter(decl);
	HRESULT hr = decl->notify(m, event, context);
	xb_kit_leave(previous);
	return hr;
}

static HRESULT STDMETHODCALLTYPE exit_module_GetDescription(ICertExit2 *iface, BSTR *description)
{
	struct xb_kit_module *m = exit_module_from_ICertExit2(iface);
	const char *text = m->decl->description ? m->decl->description : m->decl->name;
	if (!description)
		return E_POINTER;
	*description = NULL;
	return xb_bstr_from_utf8(text ? text : "", XB_NUL_TERMINATED, description, NULL);
}

static HRESULT STDMETHODCALLTYPE exit_module_GetManageModule(ICertExit2 *iface, ICertManageModule **manage)
{
	struct xb_kit_module *m = exit_module_from_ICertExit2(iface);
	if (!manage)
		return E_POINTER;
	return xb_kit_manage_create(m->decl, &IID_ICertManageModule, (void **)manage);
}

static const ICertExit2Vtbl exit_module_vtbl = {
	exit_module_QueryInterface,
	exit_module_AddRef,
	exit_module_Release,
	exit_module_GetTypeInfoCount,
	exit_module_GetTypeInfo,
	exit_module_GetIDsOfNames,
	exit_module_Invoke,
	exit_module_Initialize,
	exit_module_Notify,
	exit_module_GetDescription,
	exit_module_GetManageModule,
};

HRESULT xb_kit_exit_create(const struct xb_exit_module_decl *decl, REFIID riid, void **ppv)
{
	struct xb_kit_module *m = calloc(1, sizeof(*m));
	if (!m) {
		*ppv = NULL;
		return E_OUTOFMEMORY;
	}
	m->ICertExit2_iface.lpVtbl = &exit_module_vtbl;
	m->refcount = 1;
	m->decl = decl;
	xb_kit_atomic_add(&decl->runtime->objects, 1);
	/* The object's own reference ends here: a refused riid frees it. */
	HRESULT hr = exit_module_QueryInterface(&m->ICertExit2_iface, riid, ppv);
	exit_module_Release(&m->ICertExit2_iface);
	return hr;
}

XB_EXPORT void *xb_kit_get_state(const xb_kit_module *module)
{
	return module ? module->state : NULL;
}

XB_EXPORT void xb_kit_set_state(xb_kit_module *module, void *state)
{
	if (module)
		module->state = state;
}

XB_EXPORT const struct xb_exit_module_decl *xb_kit_get_decl(const xb_kit_module *module)
{
	return module ? module->decl : NULL;
}
