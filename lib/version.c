/* The library's own version, for a program linked against another header version. */
#include "exitbench.h"

XB_EXPORT const char *xb_version(void)
{
	return XB_VERSION;
}
