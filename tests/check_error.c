/* Tests of the error record: init, first error wins, truncation. */
#include <string.h>

#include "exitbench.h"
#include "check_suites.h"

/* ---- xb_error_init ------------------------------------------------------ */

START_TEST(test_error_init_resets)
{
	xb_error err;

	memset(&err, 0x5a, sizeof(err));
	xb_error_init(&err, "trace.json");
	ck_assert_int_eq(err.code, S_OK);
	ck_assert_int_eq(err.line, 0);
	ck_assert_int_eq(err.column, 0);
	ck_assert_uint_eq(err.position, 0);
	ck_assert_str_eq(err.source, "trace.json");
	ck_assert_str_eq(err.text, "");
}
END_TEST

START_TEST(test_error_init_null_source)
{
	xb_error err;

	memset(&err, 0x5a, sizeof(err));
	xb_error_init(&err, NULL);
	ck_assert_str_eq(err.source, "");
	ck_assert_int_eq(err.code, S_OK);
	xb_error_init(NULL, "ignored"); /* must not crash */
}
END_TEST

START_TEST(test_error_init_long_source)
{
	char longname[300];
	xb_error err;

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname + sizeof(longname) - 13, "/trace.jsonl", 12);
	xb_error_init(&err, longname);
	/* The end of a long path survives: "..." and then its tail. */
	ck_assert_uint_eq(strlen(err.source), XB_ERROR_SOURCE_LENGTH - 1);
	ck_assert_msg(!strncmp(err.source, "...nnn", 6), "source starts with ...: %s", err.source);
	ck_assert_str_eq(err.source + strlen(err.source) - 12, "/trace.jsonl");
	/* One that just fits is kept whole. */
	longname[XB_ERROR_SOURCE_LENGTH - 1] = '\0';
	xb_error_set_source(&err, longname);
	ck_assert_str_eq(err.source, longname);
	xb_error_set_source(&err, NULL);
	ck_assert_str_eq(err.source, "");
}
END_TEST

START_TEST(test_error_init_clears_previous)
{
	xb_error err;

	xb_error_init(&err, "a");
	xb_error_set(&err, E_INVALIDARG, 5, "bad");
	xb_error_init(&err, "b");
	ck_assert_int_eq(err.code, S_OK);
	ck_assert_str_eq(err.text, "");
	ck_assert_uint_eq(err.position, 0);
	/* A new error can be recorded again. */
	xb_error_set(&err, E_FAIL, 1, "second");
	ck_assert_int_eq(err.code, E_FAIL);
}
END_TEST

/* ---- xb_error_set ------------------------------------------------------- */

START_TEST(test_error_set_records)
{
	xb_error err;
	HRESULT hr;

	xb_error_init(&err, "<string>");
	err.line = 3; /* stale values from the caller are reset */
	err.column = 4;
	hr = xb_error_set(&err, E_INVALIDARG, 17, "unexpected '%c' after %d items", '}', 2);
	ck_assert_int_eq(hr, E_INVALIDARG);
	ck_assert_int_eq(err.code, E_INVALIDARG);
	ck_assert_uint_eq(err.position, 17);
	ck_assert_int_eq(err.line, 0);
	ck_assert_int_eq(err.column, 0);
	ck_assert_str_eq(err.text, "unexpected '}' after 2 items");
	ck_assert_str_eq(err.source, "<string>");
}
END_TEST

START_TEST(test_error_set_first_wins)
{
	xb_error err;

	xb_error_init(&err, "f");
	xb_error_set(&err, E_INVALIDARG, 1, "first %s", "error");
	err.line = 7;
	err.column = 2;
	ck_assert_int_eq(xb_error_set(&err, E_OUTOFMEMORY, 99, "second"), E_OUTOFMEMORY);
	ck_assert_int_eq(err.code, E_INVALIDARG);
	ck_assert_uint_eq(err.position, 1);
	ck_assert_int_eq(err.line, 7);
	ck_assert_int_eq(err.column, 2);
	ck_assert_str_eq(err.text, "first error");
}
END_TEST

START_TEST(test_error_set_null_err)
{
	ck_assert_int_eq(xb_error_set(NULL, E_POINTER, 0, "nobody listens"), E_POINTER);
}
END_TEST

START_TEST(test_error_set_truncates)
{
	char longtext[500];
	xb_error err;

	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	xb_error_init(&err, NULL);
	xb_error_set(&err, E_FAIL, 0, "%s", longtext);
	ck_assert_uint_eq(strlen(err.text), XB_ERROR_TEXT_LENGTH - 1);
	ck_assert_int_eq(err.code, E_FAIL);
}
END_TEST

Suite *suite_error(void)
{
	Suite *s = suite_create("error");
	TCase *tc;

	tc = tcase_create("xb_error_init");
	tcase_add_test(tc, test_error_init_resets);
	tcase_add_test(tc, test_error_init_null_source);
	tcase_add_test(tc, test_error_init_long_source);
	tcase_add_test(tc, test_error_init_clears_previous);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_error_set");
	tcase_add_test(tc, test_error_set_records);
	tcase_add_test(tc, test_error_set_first_wins);
	tcase_add_test(tc, test_error_set_null_err);
	tcase_add_test(tc, test_error_set_truncates);
	suite_add_tcase(s, tc);

	return s;
}
