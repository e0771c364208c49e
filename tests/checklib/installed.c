/*
 * A module author's test, built against the installed tree only (`make
 * installcheck`: pkg-config exitbench-check, the installed headers and
 * libraries) and run against the installed hello module, given as the
 * only argument.
 */
#include <stdlib.h>

#include <exitbench/check.h>

static const char *module_path;

START_TEST(hello_takes_a_crl)
{
	xb_check_ca *ca = xb_check_ca_new("Installed CA");
	ck_assert_ptr_nonnull(ca);
	xb_check_module *m = xb_check_module_load(ca, module_path, NULL);
	ck_assert_initialize_ok(m);
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CRLISSUED);
	ck_assert_notify_ok(m, ev);
	ck_assert_property_read(m, "CertCount");
	xb_check_module_unload(m);
	ck_assert_no_violations(m);
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

int main(int argc, char **argv)
{
	if (argc != 2)
		return EXIT_FAILURE;
	module_path = argv[1];
	Suite *s = suite_create("installed");
	TCase *tc = tcase_create("hello");
	tcase_add_test(tc, hello_takes_a_crl);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
