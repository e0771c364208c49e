/*
 * value_verdicts: whether the trace reader's own parsers accept each value,
 * for tests/schema/validate.py to compare with the schema's patterns.
 *
 * Reads records from standard input, each "KIND\tVALUE" ended by a NUL
 * byte, KIND being "date" (xb_date_from_rfc3339), "base64"
 * (xb_base64_decode) or "pem" (xb_pem_decode); writes one character per
 * record, '1' accepted or '0' refused, then a newline. Exit 2 for a
 * record of an unknown kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "pem.h"

static int accepts(const char *kind, const char *value, size_t len)
{
	if (!strcmp(kind, "date")) {
		DATE d;
		return SUCCEEDED(xb_date_from_rfc3339(value, len, &d, NULL));
	}
	unsigned char *bytes = NULL;
	size_t n;
	int ok;
	if (!strcmp(kind, "base64")) {
		size_t bad;
		ok = !xb_base64_decode(value, len, &bytes, &n, &bad);
	} else if (!strcmp(kind, "pem")) {
		char label[XB_PEM_LABEL_SIZE];
		ok = SUCCEEDED(xb_pem_decode(value, len, label, &bytes, &n, NULL));
	} else {
		return -1;
	}
	free(bytes);
	return ok;
}

int main(void)
{
	char *record = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getdelim(&record, &cap, '\0', stdin)) > 0) {
		if (record[n - 1] == '\0')
			n--;
		char *tab = memchr(record, '\t', (size_t)n);
		if (!tab) {
			fputs("value_verdicts: a record without KIND\\t\n", stderr);
			free(record);
			return 2;
		}
		*tab = '\0';
		int ok = accepts(record, tab + 1, (size_t)(record + n - tab - 1));
		if (ok < 0) {
			fprintf(stderr, "value_verdicts: unknown kind \"%s\"\n", record);
			free(record);
			return 2;
		}
		putchar(ok ? '1' : '0');
	}
	putchar('\n');
	free(record);
	return 0;
}
