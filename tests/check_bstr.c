/* Tests of the bstr area: placeholder until written. */
#include "check_suites.h"

Suite *suite_bstr(void)
{
	return suite_create("bstr");
}
