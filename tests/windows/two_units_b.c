/* The second unit of the two-unit link test (see two_units_a.c). */
#include "exitbench.h"

const OLECHAR *xb_unit_b_name(void);
const IID *xb_unit_b_iid(void);

const OLECHAR *xb_unit_b_name(void)
{
	return wszCMM_PROP_NAME;
}

const IID *xb_unit_b_iid(void)
{
	return &IID_ICertServerExit;
}

/* The call macros expand to the SDK's vtable slots. */
HRESULT xb_unit_b_serial(ICertServerExit *server, VARIANT *v);
HRESULT xb_unit_b_serial(ICertServerExit *server, VARIANT *v)
{
	BSTR name = SysAllocString(wszPROPCERTIFICATESERIALNUMBER);
	HRESULT hr = ICertServerExit_GetCertificateProperty(server, name, PROPTYPE_STRING, v);
	SysFreeString(name);
	return hr;
}
