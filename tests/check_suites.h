/* One Check suite per area; tests/check_main.c runs them all. */
#ifndef XB_TESTS_CHECK_SUITES_H
#define XB_TESTS_CHECK_SUITES_H

#include <check.h>

Suite *suite_abi(void);
Suite *suite_alloc(void);
Suite *suite_bstr(void);
Suite *suite_com(void);
Suite *suite_date(void);
Suite *suite_error(void);
Suite *suite_guid(void);
Suite *suite_hresult(void);
Suite *suite_registry(void);
Suite *suite_utf(void);
Suite *suite_variant(void);

#endif
