/*
 * ICertServerExit (implemented by the CA, called by the module; certif.h in
 * the SDK). It is ICertServerPolicy without SetCertificateProperty and
 * SetCertificateExtension, so its slots differ from the policy interface's
 * after slot 10 (reference §1.6): the two must never be confused.
 */
#ifndef XB_INCLUDE_EXITBENCH_CERTIF_H
#define XB_INCLUDE_EXITBENCH_CERTIF_H

#include "exitbench/wintypes.h"
#include "exitbench/unknwn.h"

#if defined(XB_WINDOWS)
# include <certif.h>
#else

XB_BEGIN_DECLS

#define ENUMEXT_OBJECTID (0x1)

typedef struct ICertServerExit ICertServerExit;

EXTERN_C const IID IID_ICertServerExit;

typedef struct ICertServerExitVtbl {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(ICertServerExit *This, REFIID riid, void **ppvObject);
	ULONG(STDMETHODCALLTYPE *AddRef)(ICertServerExit *This);
	ULONG(STDMETHODCALLTYPE *Release)(ICertServerExit *This);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfoCount)(ICertServerExit *This, UINT *pctinfo);
	HRESULT(STDMETHODCALLTYPE *GetTypeInfo)(ICertServerExit *This, UINT iTInfo, LCID lcid,
						ITypeInfo **ppTInfo);
	HRESULT(STDMETHODCALLTYPE *GetIDsOfNames)(ICertServerExit *This, REFIID riid, LPOLESTR *rgszNames,
						  UINT cNames, LCID lcid, DISPID *rgDispId);
	HRESULT(STDMETHODCALLTYPE *Invoke)(ICertServerExit *This, DISPID dispIdMember, REFIID riid,
					   LCID lcid, WORD wFlags, DISPPARAMS *pDispParams,
					   VARIANT *pVarResult, EXCEPINFO *pExcepInfo, UINT *puArgErr);
	/* slot 7 */
	HRESULT(STDMETHODCALLTYPE *SetContext)(ICertServerExit *This, LONG Context);
	HRESULT(STDMETHODCALLTYPE *GetRequestProperty)(ICertServerExit *This, const BSTR strPropertyName,
						       LONG PropertyType, VARIANT *pvarPropertyValue);
	HRESULT(STDMETHODCALLTYPE *GetRequestAttribute)(ICertServerExit *This, const BSTR strAttributeName,
							BSTR *pstrAttributeValue);
	HRESULT(STDMETHODCALLTYPE *GetCertificateProperty)(ICertServerExit *This, const BSTR strPropertyName,
							   LONG PropertyType, VARIANT *pvarPropertyValue);
	/* slot 11 */
	HRESULT(STDMETHODCALLTYPE *GetCertificateExtension)(ICertServerExit *This, const BSTR strExtensionName,
							    LONG Type, VARIANT *pvarValue);
	HRESULT(STDMETHODCALLTYPE *GetCertificateExtensionFlags)(ICertServerExit *This, LONG *pExtFlags);
	HRESULT(STDMETHODCALLTYPE *EnumerateExtensionsSetup)(ICertServerExit *This, LONG Flags);
	HRESULT(STDMETHODCALLTYPE *EnumerateExtensions)(ICertServerExit *This, BSTR *pstrExtensionName);
	HRESULT(STDMETHODCALLTYPE *EnumerateExtensionsClose)(ICertServerExit *This);
	/* slot 16 */
	HRESULT(STDMETHODCALLTYPE *EnumerateAttributesSetup)(ICertServerExit *This, LONG Flags);
	HRESULT(STDMETHODCALLTYPE *EnumerateAttributes)(ICertServerExit *This, BSTR *pstrAttributeName);
	HRESULT(STDMETHODCALLTYPE *EnumerateAttributesClose)(ICertServerExit *This);
} ICertServerExitVtbl;

struct ICertServerExit {
	const struct ICertServerExitVtbl *lpVtbl;
};

#define ICertServerExit_QueryInterface(This, riid, ppvObject) (This)->lpVtbl->QueryInterface(This, riid, ppvObject)
#define ICertServerExit_AddRef(This) (This)->lpVtbl->AddRef(This)
#define ICertServerExit_Release(This) (This)->lpVtbl->Release(This)
#define ICertServerExit_GetTypeInfoCount(This, pctinfo) (This)->lpVtbl->GetTypeInfoCount(This, pctinfo)
#define ICertServerExit_GetTypeInfo(This, iTInfo, lcid, ppTInfo) \
	(This)->lpVtbl->GetTypeInfo(This, iTInfo, lcid, ppTInfo)
#define ICertServerExit_GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId) \
	(This)->lpVtbl->GetIDsOfNames(This, riid, rgszNames, cNames, lcid, rgDispId)
#define ICertServerExit_Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr) \
	(This)->lpVtbl->Invoke(This, dispIdMember, riid, lcid, wFlags, pDispParams, pVarResult, pExcepInfo, puArgErr)
#define ICertServerExit_SetContext(This, Context) (This)->lpVtbl->SetContext(This, Context)
#define ICertServerExit_GetRequestProperty(This, strPropertyName, PropertyType, pvarPropertyValue) \
	(This)->lpVtbl->GetRequestProperty(This, strPropertyName, PropertyType, pvarPropertyValue)
#define ICertServerExit_GetRequestAttribute(This, strAttributeName, pstrAttributeValue) \
	(This)->lpVtbl->GetRequestAttribute(This, strAttributeName, pstrAttributeValue)
#define ICertServerExit_GetCertificateProperty(This, strPropertyName, PropertyType, pvarPropertyValue) \
	(This)->lpVtbl->GetCertificateProperty(This, strPropertyName, PropertyType, pvarPropertyValue)
#define ICertServerExit_GetCertificateExtension(This, strExtensionName, Type, pvarValue) \
	(This)->lpVtbl->GetCertificateExtension(This, strExtensionName, Type, pvarValue)
#define ICertServerExit_GetCertificateExtensionFlags(This, pExtFlags) \
	(This)->lpVtbl->GetCertificateExtensionFlags(This, pExtFlags)
#define ICertServerExit_EnumerateExtensionsSetup(This, Flags) (This)->lpVtbl->EnumerateExtensionsSetup(This, Flags)
#define ICertServerExit_EnumerateExtensions(This, pstrExtensionName) \
	(This)->lpVtbl->EnumerateExtensions(This, pstrExtensionName)
#define ICertServerExit_EnumerateExtensionsClose(This) (This)->lpVtbl->EnumerateExtensionsClose(This)
#define ICertServerExit_EnumerateAttributesSetup(This, Flags) (This)->lpVtbl->EnumerateAttributesSetup(This, Flags)
#define ICertServerExit_EnumerateAttributes(This, pstrAttributeName) \
	(This)->lpVtbl->EnumerateAttributes(This, pstrAttributeName)
#define ICertServerExit_EnumerateAttributesClose(This) (This)->lpVtbl->EnumerateAttributesClose(This)

XB_END_DECLS

#endif /* !XB_WINDOWS */

#endif
