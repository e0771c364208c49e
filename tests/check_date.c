/* Tests of the date area: placeholder until written. */
#include "check_suites.h"

Suite *suite_date(void)
{
	return suite_create("date");
}
