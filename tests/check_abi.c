/*
 * The binary layout module sources rely on: type sizes, VARIANT/GUID field
 * offsets, the BSTR prefix, and every vtable slot of the four interfaces
 * (reference §1 and §7; a slot's offset is slot × pointer size).
 */
#include <stddef.h>
#include <stdint.h>

#include "check_suites.h"
#include "exitbench.h"

#define SLOT(vtbl, method, slot) \
	ck_assert_msg(offsetof(vtbl, method) == (slot) * sizeof(void *), \
		      #vtbl "." #method ": offset %zu, expected slot %d", offsetof(vtbl, method), (slot))

/* Slots 0-6 are the same in every dual interface here. */
#define DISPATCH_SLOTS(vtbl) \
	do { \
		SLOT(vtbl, QueryInterface, 0); \
		SLOT(vtbl, AddRef, 1); \
		SLOT(vtbl, Release, 2); \
		SLOT(vtbl, GetTypeInfoCount, 3); \
		SLOT(vtbl, GetTypeInfo, 4); \
		SLOT(vtbl, GetIDsOfNames, 5); \
		SLOT(vtbl, Invoke, 6); \
	} while (0)

START_TEST(scalar_sizes)
{
	ck_assert_uint_eq(sizeof(LONG), 4);
	ck_assert_uint_eq(sizeof(ULONG), 4);
	ck_assert_uint_eq(sizeof(HRESULT), 4);
	ck_assert_uint_eq(sizeof(DWORD), 4);
	ck_assert_uint_eq(sizeof(UINT), 4);
	ck_assert_uint_eq(sizeof(WORD), 2);
	ck_assert_uint_eq(sizeof(VARTYPE), 2);
	ck_assert_uint_eq(sizeof(VARIANT_BOOL), 2);
	ck_assert_uint_eq(sizeof(OLECHAR), 2);
	ck_assert_uint_eq(sizeof(WCHAR), 2);
	ck_assert_uint_eq(sizeof(DATE), 8);
	ck_assert_uint_eq(sizeof(BSTR), sizeof(void *));
	ck_assert_uint_eq(sizeof(CY), 8);
	ck_assert_uint_eq(sizeof(DECIMAL), 16);
	/* LONG is signed, ULONG is not: (LONG)0xFFFFFFFF must be -1. */
	ck_assert_int_eq((LONG)0xFFFFFFFFu, -1);
	ck_assert_msg((ULONG)-1 > 0, "ULONG is unsigned");
	ck_assert_int_eq(VARIANT_TRUE, -1);
}
END_TEST

START_TEST(guid_layout)
{
	ck_assert_uint_eq(sizeof(GUID), 16);
	ck_assert_uint_eq(offsetof(GUID, Data1), 0);
	ck_assert_uint_eq(offsetof(GUID, Data2), 4);
	ck_assert_uint_eq(offsetof(GUID, Data3), 6);
	ck_assert_uint_eq(offsetof(GUID, Data4), 8);
}
END_TEST

START_TEST(variant_layout)
{
	ck_assert_uint_eq(sizeof(VARIANT), 8 + 2 * sizeof(void *));
	ck_assert_uint_eq(offsetof(VARIANT, vt), 0);
	ck_assert_uint_eq(offsetof(VARIANT, wReserved1), 2);
	ck_assert_uint_eq(offsetof(VARIANT, wReserved2), 4);
	ck_assert_uint_eq(offsetof(VARIANT, wReserved3), 6);
	ck_assert_uint_eq(offsetof(VARIANT, lVal), 8);
	ck_assert_uint_eq(offsetof(VARIANT, boolVal), 8);
	ck_assert_uint_eq(offsetof(VARIANT, date), 8);
	ck_assert_uint_eq(offsetof(VARIANT, bstrVal), 8);
	ck_assert_uint_eq(offsetof(VARIANT, punkVal), 8);
	ck_assert_uint_eq(offsetof(VARIANT, pvRecord), 8);
	ck_assert_uint_eq(offsetof(VARIANT, pRecInfo), 8 + sizeof(void *));
	ck_assert_uint_eq(offsetof(VARIANT, decVal), 0);
	ck_assert_uint_eq(_Alignof(VARIANT), _Alignof(double) > sizeof(void *) ? _Alignof(double) : sizeof(void *));
#if UINTPTR_MAX == UINT64_MAX
	ck_assert_uint_eq(sizeof(VARIANT), 24); /* the x64 figure of the reference */
#endif
}
END_TEST

START_TEST(dispatch_structs)
{
#if UINTPTR_MAX == UINT64_MAX
	ck_assert_uint_eq(sizeof(DISPPARAMS), 24);
	ck_assert_uint_eq(sizeof(EXCEPINFO), 64);
	ck_assert_uint_eq(offsetof(EXCEPINFO, bstrSource), 8);
	ck_assert_uint_eq(offsetof(EXCEPINFO, scode), 56);
#endif
	ck_assert_uint_eq(offsetof(DISPPARAMS, rgvarg), 0);
	ck_assert_uint_eq(offsetof(DISPPARAMS, cArgs), 2 * sizeof(void *));
}
END_TEST

START_TEST(bstr_prefix)
{
	BSTR b = SysAllocString(u"ab");
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(((uint32_t *)b)[-1], 4);
	ck_assert_uint_eq(b[2], 0);
	SysFreeString(b);

	b = SysAllocStringByteLen("abc", 3);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(((uint32_t *)b)[-1], 3);
	ck_assert_uint_eq(SysStringLen(b), 1);
	SysFreeString(b);
}
END_TEST

START_TEST(vtable_icertexit)
{
	DISPATCH_SLOTS(ICertExitVtbl);
	SLOT(ICertExitVtbl, Initialize, 7);
	SLOT(ICertExitVtbl, Notify, 8);
	SLOT(ICertExitVtbl, GetDescription, 9);
	ck_assert_uint_eq(sizeof(ICertExitVtbl), 10 * sizeof(void *));
}
END_TEST

START_TEST(vtable_icertexit2)
{
	DISPATCH_SLOTS(ICertExit2Vtbl);
	SLOT(ICertExit2Vtbl, Initialize, 7);
	SLOT(ICertExit2Vtbl, Notify, 8);
	SLOT(ICertExit2Vtbl, GetDescription, 9);
	SLOT(ICertExit2Vtbl, GetManageModule, 10);
	ck_assert_uint_eq(sizeof(ICertExit2Vtbl), 11 * sizeof(void *));
}
END_TEST

START_TEST(vtable_icertmanagemodule)
{
	DISPATCH_SLOTS(ICertManageModuleVtbl);
	SLOT(ICertManageModuleVtbl, GetProperty, 7);
	SLOT(ICertManageModuleVtbl, SetProperty, 8);
	SLOT(ICertManageModuleVtbl, Configure, 9);
	ck_assert_uint_eq(sizeof(ICertManageModuleVtbl), 10 * sizeof(void *));
}
END_TEST

START_TEST(vtable_icertserverexit)
{
	DISPATCH_SLOTS(ICertServerExitVtbl);
	SLOT(ICertServerExitVtbl, SetContext, 7);
	SLOT(ICertServerExitVtbl, GetRequestProperty, 8);
	SLOT(ICertServerExitVtbl, GetRequestAttribute, 9);
	SLOT(ICertServerExitVtbl, GetCertificateProperty, 10);
	SLOT(ICertServerExitVtbl, GetCertificateExtension, 11);
	SLOT(ICertServerExitVtbl, GetCertificateExtensionFlags, 12);
	SLOT(ICertServerExitVtbl, EnumerateExtensionsSetup, 13);
	SLOT(ICertServerExitVtbl, EnumerateExtensions, 14);
	SLOT(ICertServerExitVtbl, EnumerateExtensionsClose, 15);
	SLOT(ICertServerExitVtbl, EnumerateAttributesSetup, 16);
	SLOT(ICertServerExitVtbl, EnumerateAttributes, 17);
	SLOT(ICertServerExitVtbl, EnumerateAttributesClose, 18);
	ck_assert_uint_eq(sizeof(ICertServerExitVtbl), 19 * sizeof(void *));
}
END_TEST

START_TEST(vtable_base_interfaces)
{
	SLOT(IUnknownVtbl, QueryInterface, 0);
	SLOT(IUnknownVtbl, AddRef, 1);
	SLOT(IUnknownVtbl, Release, 2);
	DISPATCH_SLOTS(IDispatchVtbl);
	SLOT(IClassFactoryVtbl, CreateInstance, 3);
	SLOT(IClassFactoryVtbl, LockServer, 4);
}
END_TEST

/* A COBJMACROS call goes through the slot the reference names. */
static HRESULT STDMETHODCALLTYPE fake_get_cert_prop(ICertServerExit *This, const BSTR name, LONG type, VARIANT *v)
{
	(void)This;
	(void)name;
	V_VT(v) = VT_I4;
	V_I4(v) = type * 10;
	return S_FALSE;
}

START_TEST(call_macros)
{
	ICertServerExitVtbl vtbl = {0};
	vtbl.GetCertificateProperty = fake_get_cert_prop;
	ICertServerExit obj = {&vtbl};
	VARIANT v;
	HRESULT hr = ICertServerExit_GetCertificateProperty(&obj, NULL, PROPTYPE_STRING, &v);
	ck_assert_int_eq(hr, S_FALSE);
	ck_assert_int_eq(V_I4(&v), 40);
	/* slot 10 as raw memory: the function pointer sits at byte 80 on x64 */
	void **slots = (void **)&vtbl;
	ck_assert_ptr_eq(slots[10], (void *)fake_get_cert_prop);
}
END_TEST

START_TEST(literals)
{
	const OLECHAR *s = OLESTR("Caf\u00e9");
	ck_assert_uint_eq(s[3], 0xE9);
	ck_assert_uint_eq(sizeof(OLESTR("ab")), 3 * sizeof(OLECHAR));
	ck_assert_uint_eq(sizeof(wszPROPCERTIFICATESERIALNUMBER), sizeof(u"SerialNumber"));
	ck_assert_uint_eq(sizeof(wszPROPSUBJECTCOMMONNAME), sizeof(u"Subject.CommonName"));
}
END_TEST

Suite *suite_abi(void)
{
	Suite *s = suite_create("abi");
	const struct xb_test_case cases[] = {
		{"scalar_sizes", scalar_sizes},
		{"GUID", guid_layout},
		{"VARIANT", variant_layout},
		{"DISPPARAMS_EXCEPINFO", dispatch_structs},
		{"BSTR_prefix", bstr_prefix},
		{"ICertExit", vtable_icertexit},
		{"ICertExit2", vtable_icertexit2},
		{"ICertManageModule", vtable_icertmanagemodule},
		{"ICertServerExit", vtable_icertserverexit},
		{"IUnknown_IDispatch_IClassFactory", vtable_base_interfaces},
		{"COBJMACROS", call_macros},
		{"OLESTR", literals},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
