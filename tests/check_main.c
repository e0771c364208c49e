/*
 * The Check runner. CK_RUN_SUITE=<name> and CK_RUN_CASE=<name> select what
 * runs; CK_FORK=no runs in-process for a debugger.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check_suites.h"

void xb_add_cases(Suite *s, const struct xb_test_case *cases, size_t n, SFun setup, SFun teardown)
{
	for (size_t i = 0; i < n; i++) {
		TCase *tc = tcase_create(cases[i].name);
		if (setup || teardown)
			tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, cases[i].test);
		suite_add_tcase(s, tc);
	}
}

unsigned char *xb_read_fixture(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", XB_FIXTURES_DIR, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	long size = ftell(f);
	ck_assert(size >= 0);
	rewind(f);
	unsigned char *buf = malloc(size ? (size_t)size : 1);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, (size_t)size, f);
	ck_assert_msg(*len == (size_t)size, "short read of %s", path);
	fclose(f);
	return buf;
}

int main(void)
{
	SRunner *sr = srunner_create(suite_abi());
	srunner_add_suite(sr, suite_alloc());
	srunner_add_suite(sr, suite_bridge());
	srunner_add_suite(sr, suite_bstr());
	srunner_add_suite(sr, suite_ca_props());
	srunner_add_suite(sr, suite_cert_props());
	srunner_add_suite(sr, suite_cert_edges());
	srunner_add_suite(sr, suite_checklib());
	srunner_add_suite(sr, suite_com());
	srunner_add_suite(sr, suite_date());
	srunner_add_suite(sr, suite_error());
	srunner_add_suite(sr, suite_filepublish());
	srunner_add_suite(sr, suite_guid());
	srunner_add_suite(sr, suite_hresult());
	srunner_add_suite(sr, suite_inject());
	srunner_add_suite(sr, suite_isolate());
	srunner_add_suite(sr, suite_kit());
	srunner_add_suite(sr, suite_loader());
	srunner_add_suite(sr, suite_name());
	srunner_add_suite(sr, suite_recorder());
	srunner_add_suite(sr, suite_registry());
	srunner_add_suite(sr, suite_replay());
	srunner_add_suite(sr, suite_request_props());
	srunner_add_suite(sr, suite_samples());
	srunner_add_suite(sr, suite_server());
	srunner_add_suite(sr, suite_trace());
	srunner_add_suite(sr, suite_utf());
	srunner_add_suite(sr, suite_variant());

	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
