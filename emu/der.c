/* The DER reader (der.h). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "der.h"

int der_next(struct der_cursor *cur, struct der_tlv *out, size_t *bad)
{
	const unsigned char *p = cur->p;
	size_t left = cur->left;
	*bad = 0;
	if (left < 2 || (p[0] & 0x1F) == 0x1F)
		return -1;
	size_t header = 2, length = p[1];
	if (length & 0x80) {
		size_t n = length & 0x7F;
		/* 0x80 is the indefinite form, which DER forbids; more than 4 length bytes is absurd here */
		if (n == 0 || n > 4 || left < 2 + n || p[2] == 0) {
			*bad = 1;
			return -1;
		}
		length = 0;
		for (size_t i = 0; i < n; i++)
			length = (length << 8) | p[2 + i];
		if (length < 0x80) { /* should have used the short form */
			*bad = 1;
			return -1;
		}
		header += n;
	}
	if (length > left - header) {
		*bad = 1;
		return -1;
	}
	out->tag = p[0];
	out->start = p;
	out->value = p + header;
	out->length = length;
	out->total = header + length;
	cur->p += out->total;
	cur->left -= out->total;
	return 0;
}

struct der_cursor der_children(const struct der_tlv *tlv)
{
	struct der_cursor c = {tlv->value, tlv->length};
	return c;
}

int der_oid_text(const unsigned char *content, size_t len, char *buf, size_t size)
{
	size_t used = 0;
	uint64_t arc = 0;
	int first = 1;
	if (len == 0 || content[len - 1] & 0x80)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (arc == 0 && content[i] == 0x80)
			return -1; /* a non-minimal arc */
		if (arc > (UINT64_MAX >> 7))
			return -1;
		arc = (arc << 7) | (content[i] & 0x7F);
		if (content[i] & 0x80)
			continue;
		int n;
		if (first) {
			unsigned top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
			n = snprintf(buf + used, size - used, "%u.%" PRIu64, top, arc - 40u * top);
			first = 0;
		} else {
			n = snprintf(buf + used, size - used, ".%" PRIu64, arc);
		}
		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
		arc = 0;
	}
	return 0;
}
