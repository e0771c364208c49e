/* A whole file into memory (read_all.h). */
#include <stdio.h>
#include <stdlib.h>

#include "read_all.h"

unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap + 1);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap) {
			unsigned char *grown = realloc(buf, (cap *= 2) + 1);
			if (!grown)
				free(buf);
			buf = grown;
		}
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}
