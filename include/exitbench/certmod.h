/*
 * ICertManageModule (module side, certmod.h in the SDK), CMM_* flags and the
 * wszCMM_PROP_* names.
 *
 * This declaration is used on every platform. mingw-w64's own certmod.h
 * defines the wszCMM_PROP_* strings as non-static arrays, so two C files
 * that include it fail to link ("multiple definition", reference §1.9); we
 * define its include guard and declare the interface ourselves with the
 * same layout, and the names as literals.
 */
#ifndef XB_INCLUDE_EXITBENCH_CERTMOD_H
#define XB_INCLUDE_EXITBENCH_CERTMOD_H

#include "exitbench/wintypes.h"
#include "exitbench/unknwn.h"

#define __certmod_h__ /* keep the SDK's certmod.h out (see above) */

XB_BEGIN_DECLS

#define CMM_REFRESHONLY (0x1)
#define CMM_READONLY (0x2)

#define wszCMM_PROP_NAME OLESTR("Name")
#define wszCMM_PROP_DESCRIPTION OLESTR("Description")
#define wszCMM_PROP_COPYRIGHT OLESTR("Copyright")
#define wszCMM_PROP_FILEVER OLESTR("File Version")
#define wszCMM_PROP_PRODUCTVER OLESTR("Product Version")
#define wszCMM_PROP_DISPLAY_HWND OLESTR("HWND")
#define wszCMM_PROP_ISMULTITHREADED OLESTR("IsMultiThreaded")

#ifndef __ICertManageModule_FWD_DEFINED__
#define __ICertManageModule_FWD_DEFINED__
typedef struct ICertManageModule ICertManageModule;
#endif

#ifndef __ICertManageModule_INTERFACE_DEFINED__
#define __ICertManageModule_INTERFACE_DEFINED__

EXTERN_C const IID IID_ICertManageModule;

/* Slots 0-6 IUnknown + IDispatch, 7 GetProperty, 8 SetProperty, 9 Configure. */
typedef struct ICertManageModuleVtbl {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(ICertManageModule *This, REFIID riid, void **ppvObject);
	ULONG(STDMETHODCALLTYPE *AddRef)(ICertManageModule *This);
	ULONG(STDMETHODCALLTYPE *Release)(ICertManageModule *This);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfoCount)(ICertManageModule *This, UINT *pctinfo);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfo)(ICertManageModule *This, UINT iTInfo, LCID lcid,
						ITypeInfo **ppTInfo);
	HRESULT(STDMETHODCALLTYPE *GetIDsOfNames)(ICertManageModule *This, REFIID riid, LPOLESTR *rgszNames,
						  UINT cNames, LCID lcid, DISPID *rgDispId);
	HRESULT(STDMETHODCALLTYPE *Invoke)(ICertManageModule *This, DISPID dispIdMember, REFIID riid,
					   LCID lcid, WORD wFlags, DISPPARAMS *pDispParams,
					   VARIANT *pVarResult, EXCEPINFO *pExcepInfo, UINT *puArgErr);
	HRESULT(STDMETHODCALLTYPE *GetProperty)(ICertManageModule *This, const BSTR strConfig,
						BSTR strStorageLocation, BSTR strPropertyName, LONG Flags,
						VARIANT *pvarProperty);
	HRESULT(STDMETHODCALLTYPE *SetProperty)(ICertManageModule *This, const BSTR strConfig,
						BSTR strStorageLocation, BSTR strPropertyName, LONG Flags,
						const VARIANT *pvarProperty);
	HRESULT(STDMETHODCALLTYPE *Configure)(ICertManageModule *This, const BSTR strConfig,
					      BSTR strStorageLocation, LONG Flags);
} ICertManageModuleVtbl;

struct ICertManageModule {
	const struct ICertManageModuleVtbl *lpVtbl;
};

#define ICertManageModule_QueryInterface(This, riid, ppvObject) \
	(This)->lpVtbl->QueryInterface(This, riid, ppvObject)
#define ICertManageModule_AddRef(This) (This)->lpVtbl->AddRef(This)
#define ICertManageModule_Release(This) (This)->lpVtbl->Release(This)
#define ICertManageModule_GetTypeInfoCount(This, pctinfo) (This)->lpVtbl->GetTypeInfoCount(This, pctinfo)
#define ICertManageModule_GetTypeInfo(This, iTInfo, lcid, ppTInfo) \
	(This)->lpVtbl->GetTypeInfo(This, iTInfo, lcid, ppTInfo)
#define ICertManageModule_GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId) \
	(This)->lpVtbl->GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId)
#define ICertManageModule_Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr) \
	(This)->lpVtbl->Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr)
#define ICertManageModule_GetProperty(This, strConfig, strStorageLocation, strPropertyName, Flags, pvarProperty) \
	(This)->lpVtbl->GetProperty(This, strConfig, strStorageLocation, strPropertyName, Flags, pvarProperty)
#define ICertManageModule_SetProperty(This, strConfig, strStorageLocation, strPropertyName, Flags, pvarProperty) \
	(This)->lpVtbl->SetProperty(This, strConfig, strStorageLocation, strPropertyName, Flags, pvarProperty)
#define ICertManageModule_Configure(This, strConfig, strStorageLocation, Flags) \
	(This)->lpVtbl->Configure(This, strConfig, strStorageLocation, Flags)

#endif /* __ICertManageModule_INTERFACE_DEFINED__ */

XB_END_DECLS

#endif
