/*
 * COM activation on Linux: an in-process class registry
 * (CoRegisterClassObject), CoCreateInstance and CoGetClassObject that fall
 * back to the emulated registry's CLSID\{...}\InprocServer32 (dlopen +
 * DllGetClassObject) exactly as COM does, ProgID lookups, GUID text, and
 * the task allocator. Thread-safe. On Windows: ole32 itself.
 */
#ifndef XB_INCLUDE_EXITBENCH_OBJBASE_H
#define XB_INCLUDE_EXITBENCH_OBJBASE_H

#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"
#include "exitbench/unknwn.h"

#if !defined(XB_WINDOWS)

XB_BEGIN_DECLS

/* Nothing to set up on Linux: S_OK, or S_FALSE when already initialised on this thread. */
XB_EXPORT HRESULT CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit);
XB_EXPORT HRESULT CoInitialize(LPVOID pvReserved);
XB_EXPORT void CoUninitialize(void);

/* Task allocator: CoTaskMemAlloc(0) returns a unique pointer; CoTaskMemFree(NULL) is a no-op. */
XB_EXPORT LPVOID CoTaskMemAlloc(SIZE_T cb);
XB_EXPORT LPVOID CoTaskMemRealloc(LPVOID pv, SIZE_T cb);
XB_EXPORT void CoTaskMemFree(LPVOID pv);

/*
 * Registers pUnk (AddRef'd) as the class object of rclsid; *lpdwRegister
 * receives the cookie for CoRevokeClassObject. A registered class object
 * wins over the registry's InprocServer32.
 */
XB_EXPORT HRESULT CoRegisterClassObject(REFCLSID rclsid, LPUNKNOWN pUnk, DWORD dwClsContext, DWORD flags,
					LPDWORD lpdwRegister);
/* Releases the registration; CO_E_OBJNOTREG for an unknown cookie. */
XB_EXPORT HRESULT CoRevokeClassObject(DWORD dwRegister);
/*
 * The class object of rclsid, asked for riid: a registered one, else the
 * DllGetClassObject of the library named by HKCR\CLSID\{rclsid}\InprocServer32
 * (loaded once, kept until CoFreeUnusedLibraries). REGDB_E_CLASSNOTREG when
 * neither exists, CO_E_DLLNOTFOUND / CO_E_ERRORINDLL when the library cannot
 * be loaded or lacks the export.
 */
XB_EXPORT HRESULT CoGetClassObject(REFCLSID rclsid, DWORD dwClsContext, LPVOID pvReserved, REFIID riid,
				   LPVOID *ppv);
/* CoGetClassObject(IClassFactory) + CreateInstance; *ppv is NULL on failure. */
XB_EXPORT HRESULT CoCreateInstance(REFCLSID rclsid, LPUNKNOWN pUnkOuter, DWORD dwClsContext, REFIID riid,
				   LPVOID *ppv);
/* Unloads the InprocServer32 libraries whose DllCanUnloadNow returns S_OK. */
XB_EXPORT void CoFreeUnusedLibraries(void);

/* HKCR\<ProgID>\CLSID, following CurVer; CO_E_CLASSSTRING when absent. */
XB_EXPORT HRESULT CLSIDFromProgID(LPCOLESTR lpszProgID, LPCLSID lpclsid);
/* HKCR\CLSID\{clsid}\ProgID as a new CoTaskMem string; REGDB_E_CLASSNOTREG when absent. */
XB_EXPORT HRESULT ProgIDFromCLSID(REFCLSID clsid, LPOLESTR *lplpszProgID);

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (uppercase); returns 39, or 0 if cchMax < 39. */
XB_EXPORT INT StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, INT cchMax);
/* The braced form as a new CoTaskMem string. */
XB_EXPORT HRESULT StringFromCLSID(REFCLSID rclsid, LPOLESTR *lplpsz);
/* Parses the braced form, or looks the text up as a ProgID; CO_E_CLASSSTRING if neither. */
XB_EXPORT HRESULT CLSIDFromString(LPCOLESTR lpsz, LPCLSID pclsid);
/* Parses the braced form; E_INVALIDARG when malformed. */
XB_EXPORT HRESULT IIDFromString(LPCOLESTR lpsz, LPIID lpiid);

XB_END_DECLS

#endif /* !XB_WINDOWS */

#endif
