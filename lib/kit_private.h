/* The parts of the module kit shared between its files (lib/kit_*.c). */
#ifndef XB_LIB_KIT_PRIVATE_H
#define XB_LIB_KIT_PRIVATE_H

#include "exitbench.h"

/* The exit object: what the CA holds, and what the callbacks get as xb_kit_module. */
struct xb_kit_module {
	ICertExit2 ICertExit2_iface;
	LONG refcount;
	const struct xb_exit_module_decl *decl;
	void *state;
	/* ModuleRegistryLocation, fetched by the first configuration read and kept (set once, atomically). */
	OLECHAR *location;
};

/* A new exit object of decl, asked for riid (CreateInstance's rules). */
HRESULT xb_kit_exit_create(const struct xb_exit_module_decl *decl, REFIID riid, void **ppv);
/* A new ICertManageModule object of decl, asked for riid. */
HRESULT xb_kit_manage_create(const struct xb_exit_module_decl *decl, REFIID riid, void **ppv);

/* ---- atomics on LONG (the objects are free-threaded) ------------------- */

#if defined(_MSC_VER)
# define xb_kit_atomic_add(p, v) (InterlockedExchangeAdd((volatile LONG *)(p), (v)) + (v))
# define xb_kit_atomic_load(p) InterlockedCompareExchange((volatile LONG *)(p), 0, 0)
#else
# define xb_kit_atomic_add(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
# define xb_kit_atomic_load(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#endif

/* ---- the answers of an IDispatch without type information ------------- */

/* GetTypeInfoCount: 0 (E_POINTER for NULL). */
HRESULT xb_kit_dispatch_type_info_count(UINT *count);
/* GetTypeInfo: E_POINTER for NULL, else DISP_E_BADINDEX (no index is below 0). */
HRESULT xb_kit_dispatch_type_info(UINT index, ITypeInfo **info);
/* GetIDsOfNames: DISPID_UNKNOWN for every name and DISP_E_UNKNOWNNAME, after the argument checks. */
HRESULT xb_kit_dispatch_ids_of_names(REFIID riid, LPOLESTR *names, UINT count, DISPID *ids);
/* Invoke: DISP_E_UNKNOWNINTERFACE for a riid other than IID_NULL, else DISP_E_MEMBERNOTFOUND. */
HRESULT xb_kit_dispatch_invoke(REFIID riid);

/* ---- helpers ----------------------------------------------------------- */

/* Parses decl's braced CLSID text; E_INVALIDARG when it is NULL or malformed. */
HRESULT xb_kit_parse_clsid(const char *text, CLSID *out);
/* QueryInterface over a list of IIDs that all give iface: E_POINTER, E_NOINTERFACE, or S_OK with iface AddRef'd. */
HRESULT xb_kit_query_interface(IUnknown *iface, const IID *const *iids, size_t count, REFIID riid, void **ppv);

#if defined(XB_WINDOWS)
/*
 * The string `key` ("ProductName", "FileVersion", ...) of the version
 * resource of the DLL that holds decl, as GetFileVersionInfoW and
 * VerQueryValueW read it for Explorer: S_OK and a new BSTR; S_FALSE and
 * NULL when the DLL has no version resource or no such string;
 * E_OUTOFMEMORY.
 */
HRESULT xb_kit_version_string(const struct xb_exit_module_decl *decl, const OLECHAR *key, BSTR *out);
#endif

/* The module whose callback this thread is running, for the log; returns the previous one. */
const struct xb_exit_module_decl *xb_kit_enter(const struct xb_exit_module_decl *decl);
void xb_kit_leave(const struct xb_exit_module_decl *previous);

#endif
