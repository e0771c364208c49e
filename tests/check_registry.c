/* Tests of the registry area: placeholder until written. */
#include "check_suites.h"

Suite *suite_registry(void)
{
	return suite_create("registry");
}
