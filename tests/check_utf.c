/* Tests of the utf area: placeholder until written. */
#include "check_suites.h"

Suite *suite_utf(void)
{
	return suite_create("utf");
}
