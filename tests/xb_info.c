/*
 * xb-info: prints the library version and the ABI facts a module relies
 * on, as this build sees them. The quick start ends with it until the
 * engine exists; it is also the first thing to run when a module misbehaves
 * on a new platform.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "exitbench.h"

int main(void)
{
	OLECHAR iid[40];
	char *text = NULL;

	if (!StringFromGUID2(&IID_ICertServerExit, iid, 40) || FAILED(xb_utf16_to_utf8(iid, 38, &text, NULL, NULL))) {
		fprintf(stderr, "xb-info: cannot format IID_ICertServerExit\n");
		return EXIT_FAILURE;
	}
	printf("exitbench %s (headers %s)\n", xb_version(), XB_VERSION);
	printf("  sizeof(VARIANT) %zu, sizeof(LONG) %zu, sizeof(OLECHAR) %zu, sizeof(DATE) %zu\n", sizeof(VARIANT),
	       sizeof(LONG), sizeof(OLECHAR), sizeof(DATE));
	printf("  IID_ICertServerExit %s, GetCertificateProperty at vtable byte %zu\n", text,
	       offsetof(ICertServerExitVtbl, GetCertificateProperty));
	free(text);
	return EXIT_SUCCESS;
}
