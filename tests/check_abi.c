/* Tests of the abi area: placeholder until written. */
#include "check_suites.h"

Suite *suite_abi(void)
{
	return suite_create("abi");
}
