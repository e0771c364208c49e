/* VariantInit, VariantClear, VariantCopy (lib/variant.c). */
#include <stddef.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

/* A minimal IUnknown that counts its references. */
struct counted {
	IUnknown iface;
	LONG refs;
};

static HRESULT STDMETHODCALLTYPE counted_QueryInterface(IUnknown *This, REFIID riid, void **ppv)
{
	(void)riid;
	*ppv = This;
	return S_OK;
}

static ULONG STDMETHODCALLTYPE counted_AddRef(IUnknown *This)
{
	return (ULONG)++((struct counted *)This)->refs;
}

static ULONG STDMETHODCALLTYPE counted_Release(IUnknown *This)
{
	return (ULONG)--((struct counted *)This)->refs;
}

static const IUnknownVtbl counted_vtbl = {counted_QueryInterface, counted_AddRef, counted_Release};

START_TEST(init)
{
	VARIANT v;
	memset(&v, 0xAB, sizeof(v));
	VariantInit(&v);
	ck_assert_uint_eq(V_VT(&v), VT_EMPTY);
	ck_assert_uint_eq(v.wReserved1, 0);
	ck_assert_uint_eq(v.wReserved3, 0);
	VariantInit(NULL);
}
END_TEST

START_TEST(init_layout)
{
	/* the x64 layout of reference section 7.3, which a module's code assumes */
	ck_assert_uint_eq(sizeof(VARIANT), 24);
	ck_assert_uint_eq(offsetof(VARIANT, vt), 0);
	ck_assert_uint_eq(offsetof(VARIANT, wReserved1), 2);
	ck_assert_uint_eq(offsetof(VARIANT, wReserved3), 6);
	VARIANT v;
	memset(&v, 0xAB, sizeof(v));
	V_I4(&v) = 1234;
	VariantInit(&v);
	ck_assert_int_eq(V_I4(&v), 1234); /* the value is not touched */
	ck_assert_uint_eq((uintptr_t)&V_BSTR(&v) - (uintptr_t)&v, 8);
}
END_TEST

START_TEST(clear_bstr)
{
	xb_alloc_set_tracking(1);
	VARIANT v;
	VariantInit(&v);
	V_VT(&v) = VT_BSTR;
	V_BSTR(&v) = SysAllocString(u"owned");
	ck_assert_int_eq(VariantClear(&v), S_OK);
	ck_assert_uint_eq(V_VT(&v), VT_EMPTY);
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_int_eq(st.live, 0);
}
END_TEST

START_TEST(clear_unknown)
{
	struct counted obj = {{&counted_vtbl}, 1};
	VARIANT v;
	VariantInit(&v);
	V_VT(&v) = VT_UNKNOWN;
	V_UNKNOWN(&v) = &obj.iface;
	ck_assert_int_eq(VariantClear(&v), S_OK);
	ck_assert_int_eq(obj.refs, 0);
	V_VT(&v) = VT_UNKNOWN;
	V_UNKNOWN(&v) = NULL;
	ck_assert_int_eq(VariantClear(&v), S_OK);
}
END_TEST

START_TEST(clear_dispatch)
{
	/* IDispatch begins with IUnknown's slots, so the counting object stands in */
	struct counted obj = {{&counted_vtbl}, 2};
	VARIANT v;
	VariantInit(&v);
	V_VT(&v) = VT_DISPATCH;
	V_DISPATCH(&v) = (IDispatch *)(void *)&obj.iface;
	ck_assert_int_eq(VariantClear(&v), S_OK);
	ck_assert_int_eq(obj.refs, 1);
	ck_assert_uint_eq(V_VT(&v), VT_EMPTY);
	/* by reference: not released */
	IUnknown *punk = &obj.iface;
	V_VT(&v) = VT_UNKNOWN | VT_BYREF;
	V_UNION(&v, ppunkVal) = &punk;
	ck_assert_int_eq(VariantClear(&v), S_OK);
	ck_assert_int_eq(obj.refs, 1);
}
END_TEST

START_TEST(clear_bad_types)
{
	/* refused with DISP_E_BADVARTYPE, VARIANT left as it was, nothing freed */
	static const VARTYPE bad[] = {
		0x0FFF, VT_VARIANT, VT_EMPTY | VT_BYREF, VT_ARRAY | VT_I4, VT_ARRAY | VT_BSTR | VT_BYREF,
		VT_VECTOR | VT_I4, VT_RECORD, VT_RESERVED | VT_I4, VT_BSTR | VT_RESERVED,
	};
	xb_alloc_set_tracking(1);
	BSTR b = SysAllocString(u"stays");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		VARIANT v;
		VariantInit(&v);
		V_VT(&v) = bad[i];
		V_BSTR(&v) = b;
		HRESULT hr = VariantClear(&v);
		ck_assert_msg(hr == DISP_E_BADVARTYPE, "vt %#x: hr %#x", bad[i], (unsigned)hr);
		ck_assert_msg(V_VT(&v) == bad[i] && V_BSTR(&v) == b, "vt %#x: VARIANT changed", bad[i]);
	}
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	ck_assert_int_eq(st.frees, 0);
	SysFreeString(b);
	xb_alloc_set_tracking(0);
}
END_TEST

START_TEST(clear_other)
{
	VARIANT v;
	VariantInit(&v);
	ck_assert_int_eq(VariantClear(&v), S_OK);
	V_VT(&v) = VT_I4;
	V_I4(&v) = 5;
	ck_assert_int_eq(VariantClear(&v), S_OK);
	ck_assert_uint_eq(V_VT(&v), VT_EMPTY);
	/* by reference: nothing is owned, nothing freed */
	BSTR b = SysAllocString(u"kept");
	V_VT(&v) = VT_BSTR | VT_BYREF;
	V_BSTRREF(&v) = &b;
	ck_assert_int_eq(VariantClear(&v), S_OK);
	ck_assert_uint_eq(SysStringLen(b), 4);
	SysFreeString(b);
	/* unknown or unsupported types are refused and left alone */
	V_VT(&v) = 0x0FFF;
	ck_assert_int_eq(VariantClear(&v), DISP_E_BADVARTYPE);
	ck_assert_uint_eq(V_VT(&v), 0x0FFF);
	V_VT(&v) = VT_ARRAY | VT_I4;
	ck_assert_int_eq(VariantClear(&v), DISP_E_BADVARTYPE);
	ck_assert_int_eq(VariantClear(NULL), E_INVALIDARG);
}
END_TEST

START_TEST(copy_bstr)
{
	VARIANT src, dst;
	VariantInit(&src);
	VariantInit(&dst);
	V_VT(&src) = VT_BSTR;
	V_BSTR(&src) = SysAllocStringByteLen("a\0b", 3); /* binary, odd, embedded NUL */
	ck_assert_int_eq(VariantCopy(&dst, &src), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_BSTR);
	ck_assert_ptr_ne(V_BSTR(&dst), V_BSTR(&src));
	ck_assert_uint_eq(SysStringByteLen(V_BSTR(&dst)), 3);
	ck_assert_int_eq(memcmp(V_BSTR(&dst), "a\0b", 3), 0);
	((char *)V_BSTR(&dst))[0] = 'z';
	ck_assert_int_eq(((char *)V_BSTR(&src))[0], 'a');
	/* copying over a VARIANT that owns a BSTR frees it first */
	xb_alloc_set_tracking(1);
	ck_assert_int_eq(VariantCopy(&dst, &src), S_OK);
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_int_eq(st.live, 0);
	ck_assert_uint_eq(st.frees, 1);
	VariantClear(&dst);
	VariantClear(&src);
}
END_TEST

START_TEST(copy_scalars_and_self)
{
	VARIANT src, dst;
	VariantInit(&src);
	VariantInit(&dst);
	V_VT(&src) = VT_DATE;
	V_DATE(&src) = 36526.5;
	ck_assert_int_eq(VariantCopy(&dst, &src), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_DATE);
	ck_assert(V_DATE(&dst) == 36526.5);
	V_VT(&src) = VT_BSTR;
	V_BSTR(&src) = SysAllocString(u"self");
	ck_assert_int_eq(VariantCopy(&src, &src), S_OK);
	ck_assert_uint_eq(SysStringLen(V_BSTR(&src)), 4);
	VariantClear(&src);
	ck_assert_int_eq(VariantCopy(NULL, &src), E_INVALIDARG);
	ck_assert_int_eq(VariantCopy(&dst, NULL), E_INVALIDARG);
	V_VT(&src) = 0x0FFF;
	ck_assert_int_eq(VariantCopy(&dst, &src), DISP_E_BADVARTYPE);
}
END_TEST

START_TEST(copy_bstr_null_and_text)
{
	VARIANT src, dst;
	VariantInit(&src);
	VariantInit(&dst);
	V_VT(&src) = VT_BSTR;
	V_BSTR(&src) = NULL; /* a NULL BSTR is a valid empty string */
	ck_assert_int_eq(VariantCopy(&dst, &src), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_BSTR);
	ck_assert_ptr_null(V_BSTR(&dst));
	V_BSTR(&src) = SysAllocString(u"text");
	ck_assert_int_eq(VariantCopy(&dst, &src), S_OK);
	ck_assert_uint_eq(SysStringLen(V_BSTR(&dst)), 4);
	ck_assert_int_eq(memcmp(V_BSTR(&dst), u"text", 5 * sizeof(OLECHAR)), 0);
	V_BSTR(&dst)[0] = u'n';
	ck_assert_uint_eq(V_BSTR(&src)[0], u't');
	VariantClear(&dst);
	VariantClear(&src);
}
END_TEST

START_TEST(copy_byref_is_shallow)
{
	LONG value = 7;
	VARIANT src, dst;
	VariantInit(&src);
	VariantInit(&dst);
	V_VT(&src) = VT_I4 | VT_BYREF;
	V_UNION(&src, plVal) = &value;
	ck_assert_int_eq(VariantCopy(&dst, &src), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_I4 | VT_BYREF);
	ck_assert_ptr_eq(V_UNION(&dst, plVal), &value);
	ck_assert_int_eq(VariantClear(&dst), S_OK);
	ck_assert_int_eq(value, 7);
}
END_TEST

START_TEST(copy_dest_not_clearable)
{
	/* a destination VariantClear refuses: its error, dest unchanged, no copy made */
	VARIANT src, dst;
	VariantInit(&src);
	VariantInit(&dst);
	V_VT(&src) = VT_BSTR;
	V_BSTR(&src) = SysAllocString(u"src");
	V_VT(&dst) = VT_ARRAY | VT_I4;
	V_BYREF(&dst) = &dst;
	xb_alloc_set_tracking(1);
	ck_assert_int_eq(VariantCopy(&dst, &src), DISP_E_BADVARTYPE);
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_uint_eq(st.allocs, 0);
	ck_assert_uint_eq(V_VT(&dst), VT_ARRAY | VT_I4);
	ck_assert_ptr_eq(V_BYREF(&dst), &dst);
	/* a bad source: refused before dest is cleared */
	VARIANT bad;
	VariantInit(&bad);
	V_VT(&bad) = VT_VARIANT;
	ck_assert_int_eq(VariantCopy(&src, &bad), DISP_E_BADVARTYPE);
	ck_assert_uint_eq(V_VT(&src), VT_BSTR);
	ck_assert_uint_eq(SysStringLen(V_BSTR(&src)), 3);
	VariantClear(&src);
}
END_TEST

START_TEST(copy_unknown_self)
{
	struct counted obj = {{&counted_vtbl}, 1};
	VARIANT v;
	VariantInit(&v);
	V_VT(&v) = VT_UNKNOWN;
	V_UNKNOWN(&v) = &obj.iface;
	ck_assert_int_eq(VariantCopy(&v, &v), S_OK);
	ck_assert_int_eq(obj.refs, 1); /* no AddRef, no Release */
	ck_assert_ptr_eq(V_UNKNOWN(&v), &obj.iface);
	VARIANT none;
	VariantInit(&none);
	V_VT(&none) = VT_DISPATCH;
	V_DISPATCH(&none) = NULL;
	VARIANT dst;
	VariantInit(&dst);
	ck_assert_int_eq(VariantCopy(&dst, &none), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_DISPATCH);
	ck_assert_ptr_null(V_DISPATCH(&dst));
}
END_TEST

START_TEST(copy_unknown)
{
	struct counted obj = {{&counted_vtbl}, 1};
	VARIANT src, dst;
	VariantInit(&src);
	VariantInit(&dst);
	V_VT(&src) = VT_UNKNOWN;
	V_UNKNOWN(&src) = &obj.iface;
	ck_assert_int_eq(VariantCopy(&dst, &src), S_OK);
	ck_assert_int_eq(obj.refs, 2);
	ck_assert_ptr_eq(V_UNKNOWN(&dst), &obj.iface);
	VariantClear(&dst);
	ck_assert_int_eq(obj.refs, 1);
}
END_TEST

Suite *suite_variant(void)
{
	Suite *s = suite_create("variant");
	TCase *tc = tcase_create("VariantInit");
	tcase_add_test(tc, init);
	tcase_add_test(tc, init_layout);
	suite_add_tcase(s, tc);
	tc = tcase_create("VariantClear");
	tcase_add_test(tc, clear_bstr);
	tcase_add_test(tc, clear_unknown);
	tcase_add_test(tc, clear_dispatch);
	tcase_add_test(tc, clear_bad_types);
	tcase_add_test(tc, clear_other);
	suite_add_tcase(s, tc);
	tc = tcase_create("VariantCopy");
	tcase_add_test(tc, copy_bstr);
	tcase_add_test(tc, copy_scalars_and_self);
	tcase_add_test(tc, copy_unknown);
	tcase_add_test(tc, copy_bstr_null_and_text);
	tcase_add_test(tc, copy_byref_is_shallow);
	tcase_add_test(tc, copy_dest_not_clearable);
	tcase_add_test(tc, copy_unknown_self);
	suite_add_tcase(s, tc);
	return s;
}
