/*
 * IUnknown, IDispatch and IClassFactory as C vtables with the SDK's slot
 * order and COBJMACROS-style call macros. On Windows: the SDK's own.
 */
#ifndef XB_INCLUDE_EXITBENCH_UNKNWN_H
#define XB_INCLUDE_EXITBENCH_UNKNWN_H

#include "exitbench/wintypes.h"

#if !defined(XB_WINDOWS)

XB_BEGIN_DECLS

typedef struct IUnknown IUnknown;
typedef IUnknown *LPUNKNOWN;
typedef struct IDispatch IDispatch;
typedef IDispatch *LPDISPATCH;
typedef struct IClassFactory IClassFactory;
typedef IClassFactory *LPCLASSFACTORY;
/* Type information is never provided on Linux: GetTypeInfo has nothing to return. */
typedef struct ITypeInfo ITypeInfo;

/* ---- IUnknown: slots 0-2 --------------------------------------------- */

typedef struct IUnknownVtbl {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject);
	ULONG(STDMETHODCALLTYPE *AddRef)(IUnknown *This);
	ULONG(STDMETHODCALLTYPE *Release)(IUnknown *This);
} IUnknownVtbl;

struct IUnknown {
	const IUnknownVtbl *lpVtbl;
};

#define IUnknown_QueryInterface(This, riid, ppvObject) \
	(This)->lpVtbl->QueryInterface(This, riid, ppvObject)
#define IUnknown_AddRef(This) (This)->lpVtbl->AddRef(This)
#define IUnknown_Release(This) (This)->lpVtbl->Release(This)

/* ---- IDispatch: slots 3-6 -------------------------------------------- */

typedef struct IDispatchVtbl {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(IDispatch *This, REFIID riid, void **ppvObject);
	ULONG(STDMETHODCALLTYPE *AddRef)(IDispatch *This);
	ULONG(STDMETHODCALLTYPE *Release)(IDispatch *This);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfoCount)(IDispatch *This, UINT *pctinfo);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfo)(IDispatch *This, UINT iTInfo, LCID lcid, ITypeInfo **ppTInfo);
	HRESULT(STDMETHODCALLTYPE *GetIDsOfNames)(IDispatch *This, REFIID riid, LPOLESTR *rgszNames,
						  UINT cNames, LCID lcid, DISPID *rgDispId);
	HRESULT(STDMETHODCALLTYPE *Invoke)(IDispatch *This, DISPID dispIdMember, REFIID riid, LCID lcid,
					   WORD wFlags, DISPPARAMS *pDispParams, VARIANT *pVarResult,
					   EXCEPINFO *pExcepInfo, UINT *puArgErr);
} IDispatchVtbl;

struct IDispatch {
	const IDispatchVtbl *lpVtbl;
};

#define IDispatch_QueryInterface(This, riid, ppvObject) \
	(This)->lpVtbl->QueryInterface(This, riid, ppvObject)
#define IDispatch_AddRef(This) (This)->lpVtbl->AddRef(This)
#define IDispatch_Release(This) (This)->lpVtbl->Release(This)
#define IDispatch_GetTypeInfoCount(This, pctinfo) (This)->lpVtbl->GetTypeInfoCount(This, pctinfo)
#define IDispatch_GetTypeInfo(This, iTInfo, lcid, ppTInfo) \
	(This)->lpVtbl->GetTypeInfo(This, iTInfo, lcid, ppTInfo)
#define IDispatch_GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId) \
	(This)->lpVtbl->GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId)
#define IDispatch_Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr) \
	(This)->lpVtbl->Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr)

/* ---- IClassFactory: slots 3-4 after IUnknown -------------------------- */

typedef struct IClassFactoryVtbl {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(IClassFactory *This, REFIID riid, void **ppvObject);
	ULONG(STDMETHODCALLTYPE *AddRef)(IClassFactory *This);
	ULONG(STDMETHODCALLTYPE *Release)(IClassFactory *This);
	HRESULT(STDMETHODCALLTYPE *CreateInstance)(IClassFactory *This, IUnknown *pUnkOuter, REFIID riid,
						   void **ppvObject);
	HRESULT(STDMETHODCALLTYPE *LockServer)(IClassFactory *This, BOOL fLock);
} IClassFactoryVtbl;

struct IClassFactory {
	const IClassFactoryVtbl *lpVtbl;
};

#define IClassFactory_QueryInterface(This, riid, ppvObject) \
	(This)->lpVtbl->QueryInterface(This, riid, ppvObject)
#define IClassFactory_AddRef(This) (This)->lpVtbl->AddRef(This)
#define IClassFactory_Release(This) (This)->lpVtbl->Release(This)
#define IClassFactory_CreateInstance(This, pUnkOuter, riid, ppvObject) \
	(This)->lpVtbl->CreateInstance(This, pUnkOuter, riid, ppvObject)
#define IClassFactory_LockServer(This, fLock) (This)->lpVtbl->LockServer(This, fLock)

/* The exports every in-process COM server has (resolved with dlsym). */
typedef HRESULT(STDAPICALLTYPE *LPFNGETCLASSOBJECT)(REFCLSID rclsid, REFIID riid, void **ppv);
typedef HRESULT(STDAPICALLTYPE *LPFNCANUNLOADNOW)(void);

XB_END_DECLS

#endif /* !XB_WINDOWS */

#endif
