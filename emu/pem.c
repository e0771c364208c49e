/* PEM decoding (pem.h), with the strict base64 of base64.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "pem.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

static const char *find(const char *text, size_t n, const char *what)
{
	size_t w = strlen(what);
	for (size_t i = 0; i + w <= n; i++)
		if (!memcmp(text + i, what, w))
			return text + i;
	return NULL;
}

int xb_pem_detect(const char *text, size_t n)
{
	return find(text, n, "-----BEGIN ") != NULL;
}

HRESULT xb_pem_decode(const char *text, size_t n, char label[XB_PEM_LABEL_SIZE], unsigned char **der, size_t *len,
		      xb_error *err)
{
	*der = NULL;
	*len = 0;
	const char *begin = find(text, n, "-----BEGIN ");
	if (!begin)
		return xb_error_set(err, INVALID_DATA, 0, "no PEM block (-----BEGIN ...-----)");
	const char *name = begin + 11, *end = text + n;
	const char *dashes = find(name, (size_t)(end - name), "-----");
	if (!dashes || dashes - name >= XB_PEM_LABEL_SIZE || memchr(name, '\n', (size_t)(dashes - name)))
		return xb_error_set(err, INVALID_DATA, (size_t)(begin - text), "malformed PEM BEGIN line");
	size_t label_len = (size_t)(dashes - name);
	memcpy(label, name, label_len);
	label[label_len] = '\0';
	const char *body = dashes + 5;
	char end_line[XB_PEM_LABEL_SIZE + 16];
	snprintf(end_line, sizeof(end_line), "-----END %s-----", label);
	const char *stop = find(body, (size_t)(end - body), end_line);
	if (!stop)
		return xb_error_set(err, INVALID_DATA, (size_t)(begin - text), "the PEM block has no \"%s\" line",
				    end_line);
	/* The body without its line breaks and white space, with offsets back into text for errors. */
	size_t cap = (size_t)(stop - body);
	char *clean = malloc(cap + 1);
	size_t *where = malloc((cap + 1) * sizeof(*where));
	if (!clean || !where) {
		free(clean);
		free(where);
		return E_OUTOFMEMORY;
	}
	size_t m = 0;
	for (const char *p = body; p < stop; p++) {
		if (*p == '\r' || *p == '\n' || *p == ' ' || *p == '\t')
			continue;
		where[m] = (size_t)(p - text);
		clean[m++] = *p;
	}
	where[m] = (size_t)(stop - text);
	size_t bad;
	HRESULT hr = S_OK;
	if (xb_base64_decode(clean, m, der, len, &bad))
		hr = xb_error_set(err, INVALID_DATA, where[bad < m ? bad : m], "bad base64 in the PEM block at byte %zu",
				  where[bad < m ? bad : m]);
	free(clean);
	free(where);
	return hr;
}
