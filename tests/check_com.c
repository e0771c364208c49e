/* Tests of the com area: placeholder until written. */
#include "check_suites.h"

Suite *suite_com(void)
{
	return suite_create("com");
}
