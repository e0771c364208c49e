/* Tests of the guid area: placeholder until written. */
#include "check_suites.h"

Suite *suite_guid(void)
{
	return suite_create("guid");
}
