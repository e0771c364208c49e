/*
 * The ICertManageModule object of a kit module: the five standard
 * properties (reference §4.8) from the declaration, or on Windows from the
 * DLL's version resource (kit_version.c), the module's own properties and
 * Configure when it declares them.
 */
#include <stdlib.h>

#include "kit_private.h"

struct manage_module {
	ICertManageModule ICertManageModule_iface;
	LONG refcount;
	const struct xb_exit_module_decl *decl;
};

static inline struct manage_module *manage_module_from_ICertManageModule(ICertManageModule *iface)
{
	return (struct manage_module *)((char *)iface - offsetof(struct manage_module, ICertManageModule_iface));
}

static const IID *const manage_module_iids[] = {&IID_IUnknown, &IID_IDispatch, &IID_ICertManageModule};

static HRESULT STDMETHODCALLTYPE manage_module_QueryInterface(ICertManageModule *iface, REFIID riid, void **ppv)
{
	return xb_kit_query_interface((IUnknown *)iface, manage_module_iids,
				      sizeof(manage_module_iids) / sizeof(manage_module_iids[0]), riid, ppv);
}

static ULONG STDMETHODCALLTYPE manage_module_AddRef(ICertManageModule *iface)
{
	struct manage_module *mm = manage_module_from_ICertManageModule(iface);
	return (ULONG)xb_kit_atomic_add(&mm->refcount, 1);
}

static ULONG STDMETHODCALLTYPE manage_module_Release(ICertManageModule *iface)
{
	struct manage_module *mm = manage_module_from_ICertManageModule(iface);
	LONG left = xb_kit_atomic_add(&mm->refcount, -1);
	if (left == 0) {
		struct xb_kit_runtime *runtime = mm->decl->runtime;
		free(mm);
		xb_kit_atomic_add(&runtime->objects, -1);
	}
	return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE manage_module_GetTypeInfoCount(ICertManageModule *iface, UINT *count)
{
	(void)iface;
	return xb_kit_dispatch_type_info_count(count);
}

static HRESULT STDMETHODCALLTYPE manage_module_GetTypeInfo(ICertManageModule *iface, UINT index, LCID lcid,
							   ITypeInfo **info)
{
	(void)iface, (void)lcid;
	return xb_kit_dispatch_type_info(index, info);
}

static HRESULT STDMETHODCALLTYPE manage_module_GetIDsOfNames(ICertManageModule *iface, REFIID riid, LPOLESTR *names,
							     UINT count, LCID lcid, DISPID *ids)
{
	(void)iface, (void)lcid;
	return xb_kit_dispatch_ids_of_names(riid, names, count, ids);
}

static HRESULT STDMETHODCALLTYPE manage_module_Invoke(ICertManageModule *iface, DISPID id, REFIID riid, LCID lcid,
						      WORD flags, DISPPARAMS *params, VARIANT *result,
						      EXCEPINFO *excep, UINT *arg_err)
{
	(void)iface, (void)id, (void)lcid, (void)flags, (void)params, (void)result, (void)excep, (void)arg_err;
	return xb_kit_dispatch_invoke(riid);
}

/*
 * The standard properties, compared ignoring case as the SDK sample does
 * (_wcsicmp), with the declaration's field and the version-resource string
 * (exitbench/kit_version.rc) that says the same on Windows.
 */
static const struct standard_property {
	const OLECHAR *name;
	size_t offset;
	const OLECHAR *resource_key;
	int defaults_to_name; /* Name and Description fall back to the application name; the others are optional */
} standard_properties[] = {
	{wszCMM_PROP_NAME, offsetof(struct xb_exit_module_decl, display_name), OLESTR("ProductName"), 1},
	{wszCMM_PROP_DESCRIPTION, offsetof(struct xb_exit_module_decl, description), OLESTR("FileDescription"), 1},
	{wszCMM_PROP_COPYRIGHT, offsetof(struct xb_exit_module_decl, copyright), OLESTR("LegalCopyright"), 0},
	{wszCMM_PROP_FILEVER, offsetof(struct xb_exit_module_decl, file_version), OLESTR("FileVersion"), 0},
	{wszCMM_PROP_PRODUCTVER, offsetof(struct xb_exit_module_decl, product_version), OLESTR("ProductVersion"), 0},
};

static const struct standard_property *standard_property(const OLECHAR *name)
{
	for (size_t i = 0; i < sizeof(standard_properties) / sizeof(standard_properties[0]); i++) {
		if (!xb_utf16_icmp(name, standard_properties[i].name))
			return &standard_properties[i];
	}
	return NULL;
}

/* The declaration's value of a standard property, NULL when it does not answer it. */
static const char *declared_value(const struct xb_exit_module_decl *decl, const struct standard_property *prop)
{
	const char *value = *(const char *const *)((const char *)decl + prop->offset);
	return !value && prop->defaults_to_name ? decl->name : value;
}

static HRESULT STDMETHODCALLTYPE manage_module_GetProperty(ICertManageModule *iface, const BSTR config,
							   BSTR storage, BSTR name, LONG flags, VARIANT *value)
{
	struct manage_module *mm = manage_module_from_ICertManageModule(iface);
	const struct xb_exit_module_decl *decl = mm->decl;
	(void)config, (void)storage, (void)flags;
	if (!value)
		return E_POINTER;
	VariantInit(value);
	/* A NULL BSTR is the empty string, which names no property: S_FALSE, as for any unknown name. */
	if (decl->get_property) {
		char *utf8 = NULL;
		HRESULT hr = xb_utf8_from_bstr(name, &utf8, NULL);
		if (FAILED(hr))
			return hr;
		const struct xb_exit_module_decl *previous = xb_kit_enter(decl);
		hr = decl->get_property(utf8, value);
		xb_kit_leave(previous);
		free(utf8);
		if (hr != S_FALSE)
			return hr;
		VariantClear(value); /* S_FALSE must not carry a value */
	}
	const struct standard_property *prop = name ? standard_property(name) : NULL;
	if (!prop)
		return S_FALSE;
	BSTR bstr = NULL;
	HRESULT hr;
#if defined(XB_WINDOWS)
	/*
	 * The DLL's own version resource first, so that the CA console shows
	 * what Explorer shows for the file; the declaration when the DLL has
	 * no such string (built without a .rc).
	 */
	hr = xb_kit_version_string(decl, prop->resource_key, &bstr);
	if (FAILED(hr))
		return hr;
	if (hr == S_OK) {
		V_VT(value) = VT_BSTR;
		V_BSTR(value) = bstr;
		return S_OK;
	}
#endif
	const char *text = declared_value(decl, prop);
	if (!text)
		return S_FALSE;
	hr = xb_bstr_from_utf8(text, XB_NUL_TERMINATED, &bstr, NULL);
	if (FAILED(hr))
		return hr;
	V_VT(value) = VT_BSTR;
	V_BSTR(value) = bstr;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE manage_module_SetProperty(ICertManageModule *iface, const BSTR config,
							   BSTR storage, BSTR name, LONG flags,
							   const VARIANT *value)
{
	(void)iface, (void)config, (void)storage, (void)name, (void)flags;
	if (!value)
		return E_POINTER;
	return S_FALSE; /* "for future use": nothing is stored, as in the SDK sample */
}

static HRESULT STDMETHODCALLTYPE manage_module_Configure(ICertManageModule *iface, const BSTR config, BSTR storage,
							 LONG flags)
{
	struct manage_module *mm = manage_module_from_ICertManageModule(iface);
	const struct xb_exit_module_decl *decl = mm->decl;
	if (!decl->configure)
		return S_OK; /* nothing to configure, nothing to refresh */
	char *config8 = NULL, *storage8 = NULL;
	HRESULT hr = xb_utf8_from_bstr(config, &config8, NULL);
	if (SUCCEEDED(hr))
		hr = xb_utf8_from_bstr(storage, &storage8, NULL);
	if (SUCCEEDED(hr)) {
		const struct xb_exit_module_decl *previous = xb_kit_enter(decl);
		hr = decl->configure(config8, storage8, flags);
		xb_kit_leave(previous);
	}
	free(config8);
	free(storage8);
	return hr;
}

static const ICertManageModuleVtbl manage_module_vtbl = {
	manage_module_QueryInterface,
	manage_module_AddRef,
	manage_module_Release,
	manage_module_GetTypeInfoCount,
	manage_module_GetTypeInfo,
	manage_module_GetIDsOfNames,
	manage_module_Invoke,
	manage_module_GetProperty,
	manage_module_SetProperty,
	manage_module_Configure,
};

HRESULT xb_kit_manage_create(const struct xb_exit_module_decl *decl, REFIID riid, void **ppv)
{
	struct manage_module *mm = calloc(1, sizeof(*mm));
	if (!mm) {
		*ppv = NULL;
		return E_OUTOFMEMORY;
	}
	mm->ICertManageModule_iface.lpVtbl = &manage_module_vtbl;
	mm->refcount = 1;
	mm->decl = decl;
	xb_kit_atomic_add(&decl->runtime->objects, 1);
	HRESULT hr = manage_module_QueryInterface(&mm->ICertManageModule_iface, riid, ppv);
	manage_module_Release(&mm->ICertManageModule_iface);
	return hr;
}
