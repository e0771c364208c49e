/* GUID values and text (lib/guids.c, lib/guid_text.c). */
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

static const GUID sample = {0x0ABF484B, 0xD049, 0x464D, {0xA7, 0xED, 0x55, 0x2E, 0x75, 0x29, 0xB0, 0xFF}};

/* The braced text of a GUID, as UTF-8 in a static buffer. */
static const char *text_of(const GUID *g)
{
	static char out[40];
	OLECHAR w[40];
	ck_assert_int_eq(StringFromGUID2(g, w, 40), 39);
	for (int i = 0; i < 39; i++)
		out[i] = (char)w[i];
	return out;
}

START_TEST(known_values)
{
	static const struct {
		const GUID *guid;
		const char *text;
	} known[] = {
		{&IID_ICertExit, "{E19AE1A0-7364-11D0-8816-00A0C903B83C}"},
		{&IID_ICertExit2, "{0ABF484B-D049-464D-A7ED-552E7529B0FF}"},
		{&IID_ICertManageModule, "{E7D7AD42-BD3D-11D1-9A4D-00C04FC297EB}"},
		{&IID_ICertServerExit, "{4BA9EB90-732C-11D0-8816-00A0C903B83C}"},
		{&CLSID_CCertServerExit, "{4C4A5E40-732C-11D0-8816-00A0C903B83C}"},
		{&IID_ICertServerPolicy, "{AA000922-FFBE-11CF-8800-00A0C903B83C}"},
		{&CLSID_CCertServerPolicy, "{AA000926-FFBE-11CF-8800-00A0C903B83C}"},
		{&CLSID_CCertGetConfig, "{C6CC49B0-CE17-11D0-8833-00A0C903B83C}"},
		{&CLSID_CCertConfig, "{372FCE38-4324-11D0-8810-00A0C903B83C}"},
		{&CLSID_CCertRequest, "{98AFF3F0-5524-11D0-8812-00A0C903B83C}"},
		{&IID_IUnknown, "{00000000-0000-0000-C000-000000000046}"},
		{&IID_IDispatch, "{00020400-0000-0000-C000-000000000046}"},
		{&IID_IClassFactory, "{00000001-0000-0000-C000-000000000046}"},
		{&IID_ISupportErrorInfo, "{DF0B3D60-548F-101B-8E65-08002B2BD119}"},
		{&GUID_NULL, "{00000000-0000-0000-0000-000000000000}"},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		ck_assert_msg(!strcmp(text_of(known[i].guid), known[i].text), "%s, expected %s",
			      text_of(known[i].guid), known[i].text);
}
END_TEST

START_TEST(string_from_guid2)
{
	OLECHAR w[40];
	ck_assert_int_eq(StringFromGUID2(&sample, w, 40), 39);
	ck_assert_int_eq(memcmp(w, u"{0ABF484B-D049-464D-A7ED-552E7529B0FF}", 39 * sizeof(OLECHAR)), 0);
	ck_assert_int_eq(StringFromGUID2(&sample, w, 39), 39);
	ck_assert_int_eq(StringFromGUID2(&sample, w, 38), 0);
	ck_assert_int_eq(StringFromGUID2(&sample, NULL, 40), 0);
}
END_TEST

START_TEST(string_from_clsid)
{
	LPOLESTR s = NULL;
	ck_assert_int_eq(StringFromCLSID(&CLSID_CCertServerExit, &s), S_OK);
	ck_assert_int_eq(memcmp(s, u"{4C4A5E40-732C-11D0-8816-00A0C903B83C}", 39 * sizeof(OLECHAR)), 0);
	CoTaskMemFree(s);
	ck_assert_int_eq(StringFromCLSID(&sample, NULL), E_INVALIDARG);
}
END_TEST

START_TEST(clsid_from_string)
{
	CLSID c;
	ck_assert_int_eq(CLSIDFromString(u"{0abf484b-d049-464d-a7ed-552e7529b0ff}", &c), S_OK);
	ck_assert(IsEqualCLSID(&c, &sample));
	static const OLECHAR *const bad[] = {
		u"0ABF484B-D049-464D-A7ED-552E7529B0FF",     /* no braces: not a ProgID either */
		u"{0ABF484B-D049-464D-A7ED-552E7529B0F}",    /* short */
		u"{0ABF484B-D049-464D-A7ED-552E7529B0FFF}",  /* long */
		u"{0ABF484G-D049-464D-A7ED-552E7529B0FF}",   /* bad hex */
		u"{0ABF484B0D049-464D-A7ED-552E7529B0FF}",   /* dash missing */
		u"{0ABF484B-D049-464D-A7ED552E-7529B0FF}",   /* dash moved */
		u"{0ABF484B-D049-464D-A7ED-552E7529B0FF}x",  /* trailing junk */
		u"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(CLSIDFromString(bad[i], &c) == CO_E_CLASSSTRING, "bad string %zu accepted", i);
	ck_assert_int_eq(CLSIDFromString(NULL, &c), S_OK);
	ck_assert(IsEqualCLSID(&c, &GUID_NULL));
	ck_assert_int_eq(CLSIDFromString(u"{0ABF484B-D049-464D-A7ED-552E7529B0FF}", NULL), E_INVALIDARG);
	/* a ProgID is looked up */
	xb_registry_clear();
	xb_registry_set_string(HKEY_CLASSES_ROOT, "Sample.Exit\\CLSID", NULL, "{0ABF484B-D049-464D-A7ED-552E7529B0FF}");
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(CLSIDFromString(u"Sample.Exit", &c), S_OK);
	ck_assert(IsEqualCLSID(&c, &sample));
	xb_registry_clear();
}
END_TEST

START_TEST(iid_from_string)
{
	IID iid;
	ck_assert_int_eq(IIDFromString(u"{E19AE1A0-7364-11D0-8816-00A0C903B83C}", &iid), S_OK);
	ck_assert(IsEqualIID(&iid, &IID_ICertExit));
	ck_assert_int_eq(IIDFromString(u"E19AE1A0-7364-11D0-8816-00A0C903B83C", &iid), E_INVALIDARG);
	ck_assert_int_eq(IIDFromString(u"{E19AE1A0-7364-11D0-8816-00A0C903B83}", &iid), E_INVALIDARG);
	ck_assert_int_eq(IIDFromString(u"Sample.Exit", &iid), E_INVALIDARG);
	ck_assert_int_eq(IIDFromString(NULL, &iid), S_OK);
	ck_assert(IsEqualIID(&iid, &GUID_NULL));
}
END_TEST

START_TEST(is_equal_guid)
{
	GUID copy = sample;
	ck_assert(IsEqualGUID(&copy, &sample));
	copy.Data4[7] ^= 1;
	ck_assert(!IsEqualGUID(&copy, &sample));
	ck_assert(!IsEqualIID(&IID_ICertExit, &IID_ICertExit2));
	ck_assert(IsEqualCLSID(&CLSID_CCertServerExit, &CLSID_CCertServerExit));
}
END_TEST

Suite *suite_guid(void)
{
	Suite *s = suite_create("guid");
	const struct xb_test_case cases[] = {
		{"values", known_values},
		{"StringFromGUID2", string_from_guid2},
		{"StringFromCLSID", string_from_clsid},
		{"CLSIDFromString", clsid_from_string},
		{"IIDFromString", iid_from_string},
		{"IsEqualGUID", is_equal_guid},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
