/* One Check suite per area; tests/check_main.c runs them all. */
#ifndef XB_TESTS_CHECK_SUITES_H
#define XB_TESTS_CHECK_SUITES_H

#include <check.h>
#include <stddef.h>

/* One named test: each becomes a TCase of its own, named after the API function it tests. */
struct xb_test_case {
	const char *name;
	const TTest *test;
};

/* Adds a TCase per entry to s, each with the checked fixture setup/teardown (either may be NULL). */
void xb_add_cases(Suite *s, const struct xb_test_case *cases, size_t n, SFun setup, SFun teardown);
#define XB_ADD_CASES(s, cases, setup, teardown) \
	xb_add_cases(s, cases, sizeof(cases) / sizeof((cases)[0]), setup, teardown)

/* The bytes of tests/fixtures/<name> (free() them); fails the test when it cannot be read. */
unsigned char *xb_read_fixture(const char *name, size_t *len);

Suite *suite_abi(void);
Suite *suite_alloc(void);
Suite *suite_bridge(void);
Suite *suite_bstr(void);
Suite *suite_ca_props(void);
Suite *suite_cert_props(void);
Suite *suite_cert_edges(void);
Suite *suite_checklib(void);
Suite *suite_com(void);
Suite *suite_date(void);
Suite *suite_error(void);
Suite *suite_filepublish(void);
Suite *suite_guid(void);
Suite *suite_hresult(void);
Suite *suite_inject(void);
Suite *suite_isolate(void);
Suite *suite_kit(void);
Suite *suite_loader(void);
Suite *suite_name(void);
Suite *suite_recorder(void);
Suite *suite_registry(void);
Suite *suite_replay(void);
Suite *suite_request_props(void);
Suite *suite_samples(void);
Suite *suite_server(void);
Suite *suite_trace(void);
Suite *suite_utf(void);
Suite *suite_variant(void);

#endif
