/* Tests of the variant area: placeholder until written. */
#include "check_suites.h"

Suite *suite_variant(void)
{
	return suite_create("variant");
}
