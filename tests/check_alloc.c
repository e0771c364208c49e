/* Tests of the alloc area: placeholder until written. */
#include "check_suites.h"

Suite *suite_alloc(void)
{
	return suite_create("alloc");
}
