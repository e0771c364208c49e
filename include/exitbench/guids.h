/*
 * The interface and class identifiers of this API (reference §1). The
 * values are defined once, in lib/guids.c, on both platforms: mingw-w64's
 * headers declare the Certificate Services GUIDs but its libuuid supplies
 * none of them (reference §1.9).
 */
#ifndef XB_INCLUDE_EXITBENCH_GUIDS_H
#define XB_INCLUDE_EXITBENCH_GUIDS_H

#include "exitbench/wintypes.h"

XB_BEGIN_DECLS

#if !defined(XB_WINDOWS)
/* On Windows these come from libuuid. */
EXTERN_C const IID IID_IUnknown;
EXTERN_C const IID IID_IDispatch;
EXTERN_C const IID IID_IClassFactory;
EXTERN_C const IID IID_ISupportErrorInfo;
EXTERN_C const GUID GUID_NULL;
#define CLSID_NULL GUID_NULL
#define IID_NULL GUID_NULL
#endif

/* Declared by the SDK headers on Windows as well; the same declaration again is harmless. */
EXTERN_C const IID IID_ICertExit;
EXTERN_C const IID IID_ICertExit2;
EXTERN_C const IID IID_ICertManageModule;
EXTERN_C const IID IID_ICertServerExit;
EXTERN_C const IID IID_ICertServerPolicy;
EXTERN_C const CLSID CLSID_CCertServerExit;
EXTERN_C const CLSID CLSID_CCertServerPolicy;
EXTERN_C const CLSID CLSID_CCertGetConfig;
EXTERN_C const CLSID CLSID_CCertConfig;
EXTERN_C const CLSID CLSID_CCertRequest;

XB_END_DECLS

#endif
