/* Tests of the error area: placeholder until written. */
#include "check_suites.h"

Suite *suite_error(void)
{
	return suite_create("error");
}
