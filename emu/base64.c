/* Strict base64 (base64.h). */
#include <stdlib.h>

#include "base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int xb_base64_decode(const char *text, size_t n, unsigned char **out, size_t *len, size_t *bad)
{
	*out = NULL;
	*len = 0;
	if (n % 4) {
		*bad = n;
		return -1;
	}
	unsigned char *buf = malloc(n / 4 * 3 + 1);
	if (!buf) {
		*bad = 0;
		return -1;
	}
	size_t used = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			char c = text[i + k];
			/* '=' only as the last one or two characters of the text */
			if (c == '=' && i + 4 == n && (k == 3 || (k == 2 && text[i + 3] == '='))) {
				pad++;
				v[k] = 0;
				continue;
			}
			v[k] = value_of(c);
			if (v[k] < 0 || pad) {
				free(buf);
				*bad = i + (size_t)k;
				return -1;
			}
		}
		unsigned triple = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
		buf[used++] = (unsigned char)(triple >> 16);
		if (pad < 2)
			buf[used++] = (unsigned char)(triple >> 8);
		if (pad < 1)
			buf[used++] = (unsigned char)triple;
	}
	*out = buf;
	*len = used;
	return 0;
}

char *xb_base64_encode(const unsigned char *p, size_t n)
{
	char *out = malloc((n + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	char *q = out;
	for (size_t i = 0; i < n; i += 3) {
		unsigned triple = (unsigned)p[i] << 16;
		if (i + 1 < n)
			triple |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			triple |= p[i + 2];
		*q++ = alphabet[triple >> 18 & 63];
		*q++ = alphabet[triple >> 12 & 63];
		*q++ = i + 1 < n ? alphabet[triple >> 6 & 63] : '=';
		*q++ = i + 2 < n ? alphabet[triple & 63] : '=';
	}
	*q = 0;
	return out;
}
