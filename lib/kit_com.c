/*
 * The COM plumbing the kit's objects share: QueryInterface over a list of
 * IIDs, the answers of an IDispatch that has no type information, and the
 * CLSID text of a declaration.
 */
#include <string.h>

#include "kit_private.h"

HRESULT xb_kit_query_interface(IUnknown *iface, const IID *const *iids, size_t count, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!riid)
		return E_INVALIDARG;
	for (size_t i = 0; i < count; i++) {
		if (IsEqualIID(riid, iids[i])) {
			/* Every interface of a kit object is its first member: one identity. */
			*ppv = iface;
			IUnknown_AddRef(iface);
			return S_OK;
		}
	}
	return E_NOINTERFACE;
}

/*
 * The interfaces are [dual], but a kit module supports direct vtable
 * calls, which is what certsrv uses when it can (reference §4.1); so
 * IDispatch says "no type information, no names" the way oleaut32 does.
 */
HRESULT xb_kit_dispatch_type_info_count(UINT *count)
{
	if (!count)
		return E_POINTER;
	*count = 0;
	return S_OK;
}

HRESULT xb_kit_dispatch_type_info(UINT index, ITypeInfo **info)
{
	(void)index;
	if (!info)
		return E_POINTER;
	*info = NULL;
	return DISP_E_BADINDEX; /* every index is at or above a count of 0 */
}

HRESULT xb_kit_dispatch_ids_of_names(REFIID riid, LPOLESTR *names, UINT count, DISPID *ids)
{
	if (!riid || !IsEqualIID(riid, &IID_NULL))
		return DISP_E_UNKNOWNINTERFACE;
	if (count == 0)
		return S_OK;
	if (!names || !ids)
		return E_POINTER;
	for (UINT i = 0; i < count; i++)
		ids[i] = DISPID_UNKNOWN;
	return DISP_E_UNKNOWNNAME;
}

HRESULT xb_kit_dispatch_invoke(REFIID riid)
{
	if (!riid || !IsEqualIID(riid, &IID_NULL))
		return DISP_E_UNKNOWNINTERFACE;
	return DISP_E_MEMBERNOTFOUND;
}

HRESULT xb_kit_parse_clsid(const char *text, CLSID *out)
{
	OLECHAR wide[39];
	memset(out, 0, sizeof(*out));
	if (!text || strlen(text) != 38)
		return E_INVALIDARG;
	for (size_t i = 0; i < 38; i++) {
		if ((unsigned char)text[i] >= 0x80)
			return E_INVALIDARG;
		wide[i] = (OLECHAR)text[i];
	}
	wide[38] = 0;
	/* IIDFromString takes only the braced form, where CLSIDFromString would also try a ProgID. */
	return SUCCEEDED(IIDFromString(wide, out)) ? S_OK : E_INVALIDARG;
}
