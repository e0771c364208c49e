/* HRESULT and Win32 error names, messages and parsing (lib/hresult.c). */
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

START_TEST(name_known)
{
	static const struct {
		uint32_t hr;
		const char *name;
	} known[] = {
		{0x00000000u, "S_OK"},
		{0x00000001u, "S_FALSE"},
		{0x80094004u, "CERTSRV_E_PROPERTY_EMPTY"},
		{0x8009400Fu, "CERTSRV_E_NO_DB_SESSIONS"},
		{0x80094814u, "CERTSRV_E_CERT_TYPE_OVERLAP"},
		{0x8007000Eu, "E_OUTOFMEMORY"},
		{0x80070057u, "E_INVALIDARG"},
		{0x80004002u, "E_NOINTERFACE"},
		{0x8000FFFFu, "E_UNEXPECTED"},
		{0x80040154u, "REGDB_E_CLASSNOTREG"},
		{0x80040110u, "CLASS_E_NOAGGREGATION"},
		{0x80020005u, "DISP_E_TYPEMISMATCH"},
		{0x8003001Du, "STG_E_WRITEFAULT"},
		{0x80070002u, "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)"},
		{0x800700EAu, "HRESULT_FROM_WIN32(ERROR_MORE_DATA)"},
		{0x80070490u, "HRESULT_FROM_WIN32(ERROR_NOT_FOUND)"},
		{0x800706BAu, "HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)"},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *name = xb_hresult_name((HRESULT)known[i].hr);
		ck_assert_msg(name && !strcmp(name, known[i].name), "0x%08X: got %s, expected %s",
			      (unsigned)known[i].hr, name ? name : "(null)", known[i].name);
	}
}
END_TEST

START_TEST(name_unknown)
{
	ck_assert_ptr_null(xb_hresult_name((HRESULT)0x80094FFFu));
	ck_assert_ptr_null(xb_hresult_name((HRESULT)0x00000002u));
	/* a Win32 facility code that is not in the table */
	ck_assert_ptr_null(xb_hresult_name(HRESULT_FROM_WIN32(9999)));
}
END_TEST

START_TEST(message)
{
	ck_assert_str_eq(xb_hresult_message(CERTSRV_E_PROPERTY_EMPTY), "The requested property value is empty.");
	ck_assert_str_eq(xb_hresult_message(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)),
			 "The system cannot find the file specified.");
	ck_assert_ptr_null(xb_hresult_message((HRESULT)0x80094FFFu));
}
END_TEST

START_TEST(format)
{
	char buf[XB_HRESULT_BUFSIZE];
	ck_assert_str_eq(xb_hresult_format(CERTSRV_E_PROPERTY_EMPTY, buf), "CERTSRV_E_PROPERTY_EMPTY (0x80094004)");
	ck_assert_str_eq(xb_hresult_format((HRESULT)0x80094FFFu, buf), "0x80094FFF");
	ck_assert_str_eq(xb_hresult_format(HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION), buf),
			 "HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION) (0x80070459)");
}
END_TEST

START_TEST(from_name)
{
	static const struct {
		const char *text;
		uint32_t hr;
	} cases[] = {
		{"CERTSRV_E_PROPERTY_EMPTY", 0x80094004u},
		{"certsrv_e_property_empty", 0x80094004u},
		{"E_OUTOFMEMORY", 0x8007000Eu},
		{"ERROR_FILE_NOT_FOUND", 0x80070002u},
		{"HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)", 0x80070002u},
		{"RPC_S_SERVER_UNAVAILABLE", 0x800706BAu},
		{"0x80094004", 0x80094004u},
		{"0X8007000e", 0x8007000Eu},
		{"-2147024882", 0x8007000Eu},
		{"2147942402", 0x80070002u},
		{"0", 0u},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		HRESULT hr = 12345;
		ck_assert_msg(xb_hresult_from_name(cases[i].text, &hr) == 0, "\"%s\" not parsed", cases[i].text);
		ck_assert_msg((uint32_t)hr == cases[i].hr, "\"%s\": 0x%08X, expected 0x%08X", cases[i].text,
			      (unsigned)hr, (unsigned)cases[i].hr);
	}
	static const char *const bad[] = {"", "E_NOSUCHTHING", "0x", "0x100000000", "12abc", "4294967296",
					  "-2147483649", "HRESULT_FROM_WIN32(E_FAIL)"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		HRESULT hr = 12345;
		ck_assert_msg(xb_hresult_from_name(bad[i], &hr) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_int_eq(hr, 12345);
	}
	ck_assert_int_eq(xb_hresult_from_name(NULL, NULL), -1);
}
END_TEST

START_TEST(win32_name)
{
	ck_assert_str_eq(xb_win32_error_name(ERROR_SUCCESS), "ERROR_SUCCESS");
	ck_assert_str_eq(xb_win32_error_name(2), "ERROR_FILE_NOT_FOUND");
	ck_assert_str_eq(xb_win32_error_name(234), "ERROR_MORE_DATA");
	ck_assert_str_eq(xb_win32_error_name(259), "ERROR_NO_MORE_ITEMS");
	ck_assert_str_eq(xb_win32_error_name(1018), "ERROR_KEY_DELETED");
	ck_assert_ptr_null(xb_win32_error_name(99999));
}
END_TEST

/* HRESULT_FROM_WIN32 and the other macros behave as the SDK's. */
START_TEST(macros)
{
	ck_assert_uint_eq((uint32_t)HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0x80070002u);
	ck_assert_int_eq(HRESULT_FROM_WIN32(0), S_OK);
	ck_assert_int_eq(HRESULT_FROM_WIN32(E_FAIL), E_FAIL); /* already an HRESULT */
	ck_assert(SUCCEEDED(S_FALSE));
	ck_assert(FAILED(E_FAIL));
	ck_assert_int_eq(HRESULT_CODE(CERTSRV_E_PROPERTY_EMPTY), 0x4004);
	ck_assert_int_eq(HRESULT_FACILITY(CERTSRV_E_PROPERTY_EMPTY), FACILITY_SECURITY);
	ck_assert_int_eq(HRESULT_SEVERITY(E_FAIL), 1);
	ck_assert_uint_eq((uint32_t)MAKE_HRESULT(1, FACILITY_ITF, 0x200), 0x80040200u);
}
END_TEST

Suite *suite_hresult(void)
{
	Suite *s = suite_create("hresult");
	TCase *tc = tcase_create("xb_hresult_name");
	tcase_add_test(tc, name_known);
	tcase_add_test(tc, name_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_hresult_message");
	tcase_add_test(tc, message);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_hresult_format");
	tcase_add_test(tc, format);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_hresult_from_name");
	tcase_add_test(tc, from_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_win32_error_name");
	tcase_add_test(tc, win32_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("HRESULT_macros");
	tcase_add_test(tc, macros);
	suite_add_tcase(s, tc);
	return s;
}
