/*
 * VariantInit, VariantClear and VariantCopy for the types a module meets:
 * the scalars, BSTR (text or binary, copied byte-exact) and interface
 * pointers. SAFEARRAY and records are not supported on Linux; they are
 * refused with DISP_E_BADVARTYPE rather than mishandled.
 */
#include <string.h>

#include "exitbench.h"

/* Types VariantClear/VariantCopy can handle, with no indirection. */
static int vt_is_supported(VARTYPE vt)
{
	if (vt & VT_BYREF)
		return (vt & ~VT_BYREF) != VT_EMPTY && !(vt & (VT_ARRAY | VT_VECTOR | VT_RESERVED));
	switch (vt) {
	case VT_EMPTY: case VT_NULL: case VT_I2: case VT_I4: case VT_R4: case VT_R8: case VT_CY:
	case VT_DATE: case VT_BSTR: case VT_DISPATCH: case VT_ERROR: case VT_BOOL: case VT_UNKNOWN:
	case VT_DECIMAL: case VT_I1: case VT_UI1: case VT_UI2: case VT_UI4: case VT_I8: case VT_UI8:
	case VT_INT: case VT_UINT:
		return 1;
	default:
		return 0;
	}
}

XB_EXPORT void VariantInit(VARIANTARG *pvarg)
{
	if (!pvarg)
		return;
	pvarg->vt = VT_EMPTY;
	pvarg->wReserved1 = pvarg->wReserved2 = pvarg->wReserved3 = 0;
}

XB_EXPORT HRESULT VariantClear(VARIANTARG *pvarg)
{
	if (!pvarg)
		return E_INVALIDARG;
	if (!vt_is_supported(pvarg->vt))
		return DISP_E_BADVARTYPE;
	switch (pvarg->vt) {
	case VT_BSTR:
		SysFreeString(pvarg->bstrVal);
		break;
	case VT_UNKNOWN:
	case VT_DISPATCH:
		/* IDispatch starts with IUnknown's slots. */
		if (pvarg->punkVal)
			IUnknown_Release(pvarg->punkVal);
		break;
	default:
		break; /* scalars and VT_BYREF own nothing */
	}
	pvarg->vt = VT_EMPTY;
	return S_OK;
}

XB_EXPORT HRESULT VariantCopy(VARIANTARG *pvargDest, const VARIANTARG *pvargSrc)
{
	if (!pvargDest || !pvargSrc)
		return E_INVALIDARG;
	if (pvargDest == pvargSrc)
		return S_OK;
	if (!vt_is_supported(pvargSrc->vt))
		return DISP_E_BADVARTYPE;
	HRESULT hr = VariantClear(pvargDest);
	if (FAILED(hr))
		return hr;
	VARIANT copy = *pvargSrc;
	if (pvargSrc->vt == VT_BSTR && pvargSrc->bstrVal) {
		/* Byte-exact, so binary BSTRs keep odd lengths and embedded NULs. */
		copy.bstrVal = SysAllocStringByteLen((const char *)pvargSrc->bstrVal,
						     SysStringByteLen(pvargSrc->bstrVal));
		if (!copy.bstrVal)
			return E_OUTOFMEMORY;
	} else if ((pvargSrc->vt == VT_UNKNOWN || pvargSrc->vt == VT_DISPATCH) && pvargSrc->punkVal) {
		IUnknown_AddRef(pvargSrc->punkVal);
	}
	*pvargDest = copy;
	return S_OK;
}
