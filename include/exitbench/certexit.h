/*
 * ICertExit and ICertExit2 (implemented by the module; certexit.h in the
 * SDK) and the EXITEVENT_* bits. On Windows the SDK header is used and only
 * EXITEVENT_CERTIMPORTED, which mingw-w64 lacks, is added.
 */
#ifndef XB_INCLUDE_EXITBENCH_CERTEXIT_H
#define XB_INCLUDE_EXITBENCH_CERTEXIT_H

#include "exitbench/wintypes.h"
#include "exitbench/unknwn.h"
#include "exitbench/certmod.h"

#if defined(XB_WINDOWS)
# include <certexit.h>
#else

XB_BEGIN_DECLS

#define EXITEVENT_INVALID (0x0)
#define EXITEVENT_CERTISSUED (0x1)
#define EXITEVENT_CERTPENDING (0x2)
#define EXITEVENT_CERTDENIED (0x4)
#define EXITEVENT_CERTREVOKED (0x8)
#define EXITEVENT_CERTRETRIEVEPENDING (0x10)
#define EXITEVENT_CRLISSUED (0x20)
#define EXITEVENT_SHUTDOWN (0x40)
#define EXITEVENT_STARTUP (0x80)

typedef struct ICertExit ICertExit;
typedef struct ICertExit2 ICertExit2;

EXTERN_C const IID IID_ICertExit;
EXTERN_C const IID IID_ICertExit2;

/* Slots 0-6 IUnknown + IDispatch, 7 Initialize, 8 Notify, 9 GetDescription. */
typedef struct ICertExitVtbl {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(ICertExit *This, REFIID riid, void **ppvObject);
	ULONG(STDMETHODCALLTYPE *AddRef)(ICertExit *This);
	ULONG(STDMETHODCALLTYPE *Release)(ICertExit *This);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfoCount)(ICertExit *This, UINT *pctinfo);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfo)(ICertExit *This, UINT iTInfo, LCID lcid, ITypeInfo **ppTInfo);
	HRESULT(STDMETHODCALLTYPE *GetIDsOfNames)(ICertExit *This, REFIID riid, LPOLESTR *rgszNames,
						  UINT cNames, LCID lcid, DISPID *rgDispId);
	HRESULT(STDMETHODCALLTYPE *Invoke)(ICertExit *This, DISPID dispIdMember, REFIID riid, LCID lcid,
					   WORD wFlags, DISPPARAMS *pDispParams, VARIANT *pVarResult,
					   EXCEPINFO *pExcepInfo, UINT *puArgErr);
	HRESULT(STDMETHODCALLTYPE *Initialize)(ICertExit *This, const BSTR strConfig, LONG *pEventMask);
	HRESULT(STDMETHODCALLTYPE *Notify)(ICertExit *This, LONG ExitEvent, LONG Context);
	HRESULT(STDMETHODCALLTYPE *GetDescription)(ICertExit *This, BSTR *pstrDescription);
} ICertExitVtbl;

struct ICertExit {
	const struct ICertExitVtbl *lpVtbl;
};

#define ICertExit_QueryInterface(This, riid, ppvObject) (This)->lpVtbl->QueryInterface(This, riid, ppvObject)
#define ICertExit_AddRef(This) (This)->lpVtbl->AddRef(This)
#define ICertExit_Release(This) (This)->lpVtbl->Release(This)
#define ICertExit_GetTypeInfoCount(This, pctinfo) (This)->lpVtbl->GetTypeInfoCount(This, pctinfo)
#define ICertExit_GetTypeInfo(This, iTInfo, lcid, ppTInfo) (This)->lpVtbl->GetTypeInfo(This, iTInfo, lcid, ppTInfo)
#define ICertExit_GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId) \
	(This)->lpVtbl->GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId)
#define ICertExit_Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr) \
	(This)->lpVtbl->Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr)
#define ICertExit_Initialize(This, strConfig, pEventMask) (This)->lpVtbl->Initialize(This, strConfig, pEventMask)
#define ICertExit_Notify(This, ExitEvent, Context) (This)->lpVtbl->Notify(This, ExitEvent, Context)
#define ICertExit_GetDescription(This, pstrDescription) (This)->lpVtbl->GetDescription(This, pstrDescription)

/* ICertExit's slots 0-9, then 10 GetManageModule. */
typedef struct ICertExit2Vtbl {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(ICertExit2 *This, REFIID riid, void **ppvObject);
	ULONG(STDMETHODCALLTYPE *AddRef)(ICertExit2 *This);
	ULONG(STDMETHODCALLTYPE *Release)(ICertExit2 *This);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfoCount)(ICertExit2 *This, UINT *pctinfo);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfo)(ICertExit2 *This, UINT iTInfo, LCID lcid, ITypeInfo **ppTInfo);
	HRESULT(STDMETHODCALLTYPE *GetIDsOfNames)(ICertExit2 *This, REFIID riid, LPOLESTR *rgszNames,
						  UINT cNames, LCID lcid, DISPID *rgDispId);
	HRESULT(STDMETHODCALLTYPE *Invoke)(ICertExit2 *This, DISPID dispIdMember, REFIID riid, LCID lcid,
					   WORD wFlags, DISPPARAMS *pDispParams, VARIANT *pVarResult,
					   EXCEPINFO *pExcepInfo, UINT *puArgErr);
	HRESULT(STDMETHODCALLTYPE *Initialize)(ICertExit2 *This, const BSTR strConfig, LONG *pEventMask);
	HRESULT(STDMETHODCALLTYPE *Notify)(ICertExit2 *This, LONG ExitEvent, LONG Context);
	HRESULT(STDMETHODCALLTYPE *GetDescription)(ICertExit2 *This, BSTR *pstrDescription);
	HRESULT(STDMETHODCALLTYPE *GetManageModule)(ICertExit2 *This, ICertManageModule **ppManageModule);
} ICertExit2Vtbl;

struct ICertExit2 {
	const struct ICertExit2Vtbl *lpVtbl;
};

#define ICertExit2_QueryInterface(This, riid, ppvObject) (This)->lpVtbl->QueryInterface(This, riid, ppvObject)
#define ICertExit2_AddRef(This) (This)->lpVtbl->AddRef(This)
#define ICertExit2_Release(This) (This)->lpVtbl->Release(This)
#define ICertExit2_GetTypeInfoCount(This, pctinfo) (This)->lpVtbl->GetTypeInfoCount(This, pctinfo)
#define ICertExit2_GetTypeInfo(This, iTInfo, lcid, ppTInfo) (This)->lpVtbl->GetTypeInfo(This, iTInfo, lcid, ppTInfo)
#define ICertExit2_GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId) \
	(This)->lpVtbl->GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId)
#define ICertExit2_Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr) \
	(This)->lpVtbl->Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr)
#define ICertExit2_Initialize(This, strConfig, pEventMask) (This)->lpVtbl->Initialize(This, strConfig, pEventMask)
#define ICertExit2_Notify(This, ExitEvent, Context) (This)->lpVtbl->Notify(This, ExitEvent, Context)
#define ICertExit2_GetDescription(This, pstrDescription) (This)->lpVtbl->GetDescription(This, pstrDescription)
#define ICertExit2_GetManageModule(This, ppManageModule) (This)->lpVtbl->GetManageModule(This, ppManageModule)

XB_END_DECLS

#endif /* !XB_WINDOWS */

/* Newer SDKs only; the Windows Server 2008 R2 SDK sample subscribes to it. */
#ifndef EXITEVENT_CERTIMPORTED
# define EXITEVENT_CERTIMPORTED (0x200)
#endif

#endif
