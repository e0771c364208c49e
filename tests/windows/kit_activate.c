/*
 * Activates the hello module DLL through real COM (under Wine), as certsrv
 * does after regsvr32: ProgID -> CLSID -> InprocServer32 -> DllGetClassObject
 * -> ICertExit2, then asks what the CA and the console ask. Prints one line
 * per answer; tests/windows/mingw-build.sh compares them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "exitbench.h"

static void print_bstr(const char *what, HRESULT hr, BSTR b)
{
	char *text = NULL;
	if (SUCCEEDED(hr) && b && SUCCEEDED(xb_utf8_from_bstr(b, &text, NULL)))
		printf("%s: 0x%08lx %s\n", what, (unsigned long)hr, text);
	else
		printf("%s: 0x%08lx\n", what, (unsigned long)hr);
	free(text);
}

int main(void)
{
	static const OLECHAR *const props[] = {wszCMM_PROP_NAME, wszCMM_PROP_DESCRIPTION, wszCMM_PROP_COPYRIGHT,
					       wszCMM_PROP_FILEVER, wszCMM_PROP_PRODUCTVER, OLESTR("HWND")};
	CLSID clsid;
	ICertExit2 *exit2 = NULL;
	ICertManageModule *manage = NULL;
	HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	if (FAILED(hr))
		return 2;
	hr = CLSIDFromProgID(OLESTR("Hello.Exit"), &clsid);
	printf("CLSIDFromProgID: 0x%08lx\n", (unsigned long)hr);
	if (SUCCEEDED(hr))
		hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertExit2, (void **)&exit2);
	printf("CoCreateInstance: 0x%08lx\n", (unsigned long)hr);
	if (FAILED(hr))
		return 1;

	BSTR text = NULL;
	hr = ICertExit2_GetDescription(exit2, &text);
	print_bstr("GetDescription", hr, text);
	SysFreeString(text);

	BSTR config = SysAllocString(OLESTR("Corp CA"));
	LONG mask = 0;
	hr = ICertExit2_Initialize(exit2, config, &mask);
	printf("Initialize: 0x%08lx mask 0x%lx\n", (unsigned long)hr, (unsigned long)mask);
	SysFreeString(config);
	printf("Notify(shutdown): 0x%08lx\n", (unsigned long)ICertExit2_Notify(exit2, EXITEVENT_SHUTDOWN, 0));
	/* No CA here: CCertServerExit is not registered. */
	printf("Notify(certissued): 0x%08lx\n", (unsigned long)ICertExit2_Notify(exit2, EXITEVENT_CERTISSUED, 1));

	hr = ICertExit2_GetManageModule(exit2, &manage);
	printf("GetManageModule: 0x%08lx\n", (unsigned long)hr);
	for (size_t i = 0; SUCCEEDED(hr) && i < sizeof(props) / sizeof(props[0]); i++) {
		BSTR name = SysAllocString(props[i]);
		VARIANT v;
		VariantInit(&v);
		HRESULT got = ICertManageModule_GetProperty(manage, NULL, NULL, name, 0, &v);
		char *name8 = NULL;
		xb_utf8_from_bstr(name, &name8, NULL);
		print_bstr(name8 ? name8 : "?", got, V_VT(&v) == VT_BSTR ? V_BSTR(&v) : NULL);
		free(name8);
		VariantClear(&v);
		SysFreeString(name);
	}
	if (manage)
		printf("Release(manage): %lu\n", (unsigned long)ICertManageModule_Release(manage));
	printf("Release(exit): %lu\n", (unsigned long)ICertExit2_Release(exit2));
	CoUninitialize();
	return 0;
}
