/*
 * Two translation units of one module DLL that both include exitbench.h:
 * with mingw-w64's own certmod.h this fails to link ("multiple definition of
 * wszCMM_PROP_NAME", reference §1.9). Also proves the GUIDs that mingw's
 * libuuid lacks link from libexitbench.
 */
#include "exitbench.h"

const OLECHAR *xb_unit_b_name(void);
const IID *xb_unit_b_iid(void);

HRESULT WINAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv);
HRESULT WINAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
	static const LONG mask = EXITEVENT_CERTISSUED | EXITEVENT_CERTIMPORTED;
	*ppv = NULL;
	if (IsEqualIID(riid, &IID_ICertExit) || IsEqualIID(riid, &IID_ICertExit2) ||
	    IsEqualIID(riid, &IID_ICertManageModule) || IsEqualCLSID(rclsid, &CLSID_CCertServerExit) ||
	    IsEqualIID(riid, xb_unit_b_iid()))
		return mask == 0x201 && xb_unit_b_name()[0] == wszCMM_PROP_NAME[0] ? S_FALSE : E_FAIL;
	return CLASS_E_CLASSNOTAVAILABLE;
}
