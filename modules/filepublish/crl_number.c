/* The CRL Number of a DER CRL (crl_number.h), with just enough of a DER reader. */
#include <stdio.h>
#include <string.h>

#include "crl_number.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

struct tlv {
	unsigned tag;
	const unsigned char *value;
	size_t len;
};

/* The next element of [*p, end): 0, or -1 for anything that is not a definite-length DER element. */
static int next(const unsigned char **p, const unsigned char *end, struct tlv *t)
{
	const unsigned char *q = *p;
	if (end - q < 2 || (q[0] & 0x1F) == 0x1F)
		return -1; /* truncated, or a high tag number (no CRL field has one) */
	t->tag = q[0];
	size_t n = q[1];
	q += 2;
	if (n & 0x80) {
		size_t bytes = n & 0x7F;
		if (bytes == 0 || bytes > sizeof(size_t) || (size_t)(end - q) < bytes || q[0] == 0)
			return -1; /* indefinite, too long, or not minimal */
		n = 0;
		for (size_t i = 0; i < bytes; i++)
			n = (n << 8) | *q++;
		if (n < 0x80)
			return -1;
	}
	if ((size_t)(end - q) < n)
		return -1;
	t->value = q;
	t->len = n;
	*p = q + n;
	return 0;
}

/* 2.5.29.20 */
static const unsigned char crl_number_oid[] = {0x55, 0x1D, 0x14};

/* Looks through Extensions (a SEQUENCE OF Extension) for the CRL Number. */
static HRESULT find_number(const struct tlv *extensions, const unsigned char **number, size_t *number_len)
{
	const unsigned char *p = extensions->value, *end = p + extensions->len;
	while (p < end) {
		struct tlv ext, oid, field;
		if (next(&p, end, &ext) || ext.tag != 0x30)
			return INVALID_DATA;
		const unsigned char *q = ext.value, *qend = q + ext.len;
		if (next(&q, qend, &oid) || oid.tag != 0x06 || next(&q, qend, &field))
			return INVALID_DATA;
		if (field.tag == 0x01 && next(&q, qend, &field)) /* critical BOOLEAN */
			return INVALID_DATA;
		if (field.tag != 0x04 || q != qend)
			return INVALID_DATA;
		if (oid.len != sizeof(crl_number_oid) || memcmp(oid.value, crl_number_oid, oid.len))
			continue;
		/* extnValue holds one INTEGER, non-negative. */
		const unsigned char *v = field.value, *vend = v + field.len;
		struct tlv integer;
		if (next(&v, vend, &integer) || integer.tag != 0x02 || v != vend || integer.len == 0 ||
		    (integer.value[0] & 0x80))
			return INVALID_DATA;
		while (integer.len && integer.value[0] == 0) {
			integer.value++;
			integer.len--;
		}
		*number = integer.value;
		*number_len = integer.len;
		return S_OK;
	}
	return S_FALSE;
}

HRESULT fp_crl_number(const unsigned char *der, size_t len, const unsigned char **number, size_t *number_len)
{
	*number = NULL;
	*number_len = 0;
	const unsigned char *p = der, *end = der + len;
	struct tlv crl, tbs, field;
	if (!der || next(&p, end, &crl) || crl.tag != 0x30 || p != end)
		return INVALID_DATA;
	p = crl.value;
	end = crl.value + crl.len;
	if (next(&p, end, &tbs) || tbs.tag != 0x30)
		return INVALID_DATA;
	/* version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] crlExtensions? */
	p = tbs.value;
	end = tbs.value + tbs.len;
	int fields = 0;
	while (p < end) {
		if (next(&p, end, &field))
			return INVALID_DATA;
		fields++;
		if (field.tag == 0xA0) {
			const unsigned char *q = field.value;
			struct tlv extensions;
			if (p != end || next(&q, field.value + field.len, &extensions) || extensions.tag != 0x30 ||
			    q != field.value + field.len)
				return INVALID_DATA;
			return find_number(&extensions, number, number_len);
		}
	}
	return fields >= 3 ? S_FALSE : INVALID_DATA;
}

int fp_crl_number_cmp(const unsigned char *a, size_t a_len, const unsigned char *b, size_t b_len)
{
	if (a_len != b_len)
		return a_len < b_len ? -1 : 1;
	return a_len ? memcmp(a, b, a_len) : 0;
}

void fp_crl_number_text(const unsigned char *number, size_t len, char *buf, size_t size)
{
	size_t used = (size_t)snprintf(buf, size, "0x%s", len ? "" : "0");
	for (size_t i = 0; i < len && used < size; i++) {
		if (used + 2 + 4 > size && i + 1 < len) {
			snprintf(buf + used, size - used, "...");
			return;
		}
		used += (size_t)snprintf(buf + used, size - used, "%02x", number[i]);
	}
}
