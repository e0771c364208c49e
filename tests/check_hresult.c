/* Tests of the hresult area: placeholder until written. */
#include "check_suites.h"

Suite *suite_hresult(void)
{
	return suite_create("hresult");
}
