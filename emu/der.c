/* The DER reader (der.h). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

int der_integer_long(const struct der_tlv *tlv, int32_t *out)
{
	const unsigned char *v = tlv->value;
	size_t n = tlv->length;
	if (tlv->tag != DER_INTEGER || n == 0 || n > 4)
		return -1;
	/* Minimal: no leading 00 before a clear top bit, no leading FF before a set one. */
	if (n > 1 && ((v[0] == 0 && !(v[1] & 0x80)) || (v[0] == 0xFF && (v[1] & 0x80))))
		return -1;
	uint32_t u = (v[0] & 0x80) ? UINT32_MAX : 0;
	for (size_t i = 0; i < n; i++)
		u = (u << 8) | v[i];
	*out = (int32_t)u;
	return 0;
}

/* n decimal digits at p as a number, or -1. */
static int digits(const unsigned char *p, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int der_time_utc(const struct der_tlv *tlv, xb_utc *out)
{
	const unsigned char *p = tlv->value;
	size_t n = tlv->length, year_digits;
	if (tlv->tag == DER_UTC_TIME && n == 13)
		year_digits = 2;
	else if (tlv->tag == DER_GENERALIZED_TIME && n >= 15)
		year_digits = 4;
	else
		return -1;
	if (p[n - 1] != 'Z')
		return -1;
	int year = digits(p, year_digits);
	if (year < 0)
		return -1;
	if (year_digits == 2)
		year += year >= 50 ? 1900 : 2000;
	const unsigned char *q = p + year_digits;
	memset(out, 0, sizeof(*out));
	out->year = year;
	out->month = digits(q, 2);
	out->day = digits(q + 2, 2);
	out->hour = digits(q + 4, 2);
	out->minute = digits(q + 6, 2);
	out->second = digits(q + 8, 2);
	size_t used = year_digits + 10;
	if (out->month < 0 || out->day < 0 || out->hour < 0 || out->minute < 0 || out->second < 0)
		return -1;
	/* GeneralizedTime fractions: DER has no trailing zeros; keep milliseconds. */
	if (used < n - 1) {
		size_t frac = n - 1 - used - 1;
		if (p[used] != '.' || frac == 0 || p[n - 2] == '0' || digits(p + used + 1, frac) < 0 ||
		    year_digits == 2)
			return -1;
		int ms = 0;
		for (size_t i = 0; i < 3; i++)
			ms = ms * 10 + (i < frac ? p[used + 1 + i] - '0' : 0);
		out->millisecond = ms;
	}
	return 0;
}
