/* The DER reader (der.h). */
#include <stdint.h>
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

/* Appends sep (unless 0) and n digits (most significant first); -1 when that and a NUL do not fit. */
static int put_digits(char *buf, size_t size, size_t *used, char sep, const char *digits, size_t n)
{
	if (size - *used <= n + (sep != 0))
		return -1;
	if (sep)
		buf[(*used)++] = sep;
	memcpy(buf + *used, digits, n);
	*used += n;
	buf[*used] = 0;
	return 0;
}

/* Appends sep and v in decimal, as snprintf would but without its cost. */
static int put_arc(char *buf, size_t size, size_t *used, char sep, uint64_t v)
{
	char digits[20];
	size_t n = sizeof(digits);
	do
		digits[--n] = (char)('0' + v % 10);
	while (v /= 10);
	return put_digits(buf, size, used, sep, digits + n, sizeof(digits) - n);
}

/*
 * An arc beyond 64 bits (2.25.<UUID>...) from its base-128 bytes p[0..n), as put_arc appends one; the
 * first arc of an OID gives "2." and the rest after 80 is taken off. Limbs of 9 decimal digits, enough for
 * any text an OID buffer holds: -1 beyond that.
 */
static int put_big_arc(char *buf, size_t size, size_t *used, char sep, const unsigned char *p, size_t n,
		       int first)
{
	enum { LIMBS = 32, BASE = 1000000000 };
	uint32_t limb[LIMBS] = {0};
	size_t limbs = 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t carry = p[i] & 0x7F;
		for (size_t k = 0; k < limbs; k++) {
			uint64_t v = (uint64_t)limb[k] * 128 + carry;
			limb[k] = (uint32_t)(v % BASE);
			carry = v / BASE;
		}
		if (carry && limbs == LIMBS)
			return -1;
		if (carry)
			limb[limbs++] = (uint32_t)carry;
	}
	if (first) { /* beyond 64 bits, so at least 80: 2.(arc - 80) */
		uint32_t take = 80;
		for (size_t k = 0; take; k++) {
			uint32_t borrow = limb[k] < take;
			limb[k] = limb[k] + (borrow ? BASE : 0) - take;
			take = borrow;
		}
		while (limbs > 1 && !limb[limbs - 1])
			limbs--;
		if (put_arc(buf, size, used, 0, 2))
			return -1;
		sep = '.';
	}
	char digits[LIMBS * 9];
	size_t len = 0;
	for (size_t k = limbs; k-- > 0;) {
		char nine[9];
		for (int d = 8; d >= 0; d--, limb[k] /= 10)
			nine[d] = (char)('0' + limb[k] % 10);
		size_t skip = 0;
		while (k == limbs - 1 && skip < 8 && nine[skip] == '0')
			skip++; /* the leading limb is not padded */
		memcpy(digits + len, nine + skip, 9 - skip);
		len += 9 - skip;
	}
	return put_digits(buf, size, used, sep, digits, len);
}

/* The text of an OID; an arc beyond 64 bits is -1 unless any_size. */
static int oid_text(const unsigned char *content, size_t len, char *buf, size_t size, int any_size)
{
	size_t used = 0, start = 0;
	uint64_t arc = 0;
	int first = 1;
	if (len == 0 || content[len - 1] & 0x80 || size == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (arc == 0 && content[i] == 0x80)
			return -1; /* a non-minimal arc */
		if (arc > (UINT64_MAX >> 7)) {
			if (!any_size)
				return -1;
			size_t end = i;
			while (content[end] & 0x80)
				end++;
			if (put_big_arc(buf, size, &used, first ? 0 : '.', content + start, end + 1 - start, first))
				return -1;
			first = 0;
			arc = 0;
			i = start = end + 1;
			i--; /* the loop's i++ */
			continue;
		}
		arc = (arc << 7) | (content[i] & 0x7F);
		if (content[i] & 0x80)
			continue;
		if (first) {
			unsigned top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
			if (put_arc(buf, size, &used, 0, top) || put_arc(buf, size, &used, '.', arc - 40u * top))
				return -1;
			first = 0;
		} else if (put_arc(buf, size, &used, '.', arc)) {
			return -1;
		}
		arc = 0;
		start = i + 1;
	}
	return 0;
}

int der_oid_text(const unsigned char *content, size_t len, char *buf, size_t size)
{
	return oid_text(content, len, buf, size, 0);
}

int der_oid_text_any(const unsigned char *content, size_t len, char *buf, size_t size)
{
	return oid_text(content, len, buf, size, 1);
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

int der_oid_valid(const unsigned char *content, size_t len)
{
	if (len == 0 || content[len - 1] & 0x80)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (content[i] == 0x80 && (i == 0 || !(content[i - 1] & 0x80)))
			return -1; /* an arc padded with a leading zero group */
	return 0;
}

int der_integer_valid(const struct der_tlv *tlv)
{
	const unsigned char *v = tlv->value;
	if (tlv->length == 0)
		return -1;
	if (tlv->length > 1 && ((v[0] == 0 && !(v[1] & 0x80)) || (v[0] == 0xFF && (v[1] & 0x80))))
		return -1;
	return 0;
}

int der_bit_string(const struct der_tlv *tlv, const unsigned char **bits, size_t *len, unsigned *unused)
{
	if (tlv->tag != DER_BIT_STRING || tlv->length == 0 || tlv->value[0] > 7)
		return -1;
	*unused = tlv->value[0];
	*bits = tlv->value + 1;
	*len = tlv->length - 1;
	return 0;
}

int der_any_valid(const struct der_tlv *tlv)
{
	const unsigned char *bits;
	size_t n;
	unsigned unused;
	if (tlv->tag & 0xC0)
		return 0; /* context, application or private: opaque */
	switch (tlv->tag) {
	case DER_SEQUENCE:
	case DER_SET:
		return 0;
	case DER_NULL:
		return tlv->length ? -1 : 0;
	case DER_BOOLEAN:
		return tlv->length == 1 ? 0 : -1;
	case DER_INTEGER:
	case 0x0A: /* ENUMERATED */
		return der_integer_valid(tlv);
	case DER_OID:
		return der_oid_valid(tlv->value, tlv->length);
	case DER_BIT_STRING:
		return der_bit_string(tlv, &bits, &n, &unused);
	case 0x1E: /* BMPString */
		return tlv->length % 2 ? -1 : 0;
	case 0x1C: /* UniversalString */
		return tlv->length % 4 ? -1 : 0;
	case 0x00: /* 00 00 is an end-of-contents, not a value; with content it is read as any other type */
		return tlv->length ? 0 : -1;
	default:
		/* DER has no other constructed universal type (a BER string in pieces), nor a primitive SEQUENCE or SET */
		return tlv->tag & 0x20 || tlv->tag == 0x10 || tlv->tag == 0x11 ? -1 : 0;
	}
}

/* The next two digits at *p as a number in [min, max]; -1 otherwise. */
static int field(const unsigned char **p, const unsigned char *end, int min, int max)
{
	if (end - *p < 2)
		return -1;
	int v = digits(*p, 2);
	*p += 2;
	return v < min || v > max ? -1 : v;
}

static int days_in(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days[month - 1] + (month == 2 && leap);
}

/* Moves t by an offset in seconds; the result must fall in 1900-9999, as OpenSSL's OPENSSL_gmtime_adj says. */
static int adjust(xb_utc *t, int64_t seconds)
{
	DATE d;
	int64_t when;
	if (t->year < 1899 || FAILED(xb_date_from_utc(t, &d)) || FAILED(xb_date_to_time_t(d, &when)) ||
	    FAILED(xb_date_from_time_t(when + seconds, &d)) || FAILED(xb_date_to_utc(d, t)))
		return -1;
	return t->year < 1900 ? -1 : 0;
}

/*
 * The grammar of OpenSSL's ossl_asn1_time_to_tm without its RFC 5280 flag:
 * YY or YYYY, then MM DD HH MM, then SS unless the zone comes first, then
 * (GeneralizedTime only) .digits, then Z or +hhmm/-hhmm and nothing else.
 */
int der_time_x509(const struct der_tlv *tlv, xb_utc *out)
{
	const unsigned char *p = tlv->value, *end = tlv->value + tlv->length;
	int general = tlv->tag == DER_GENERALIZED_TIME;
	if ((!general && tlv->tag != DER_UTC_TIME) || tlv->length < (general ? 13u : 11u))
		return -1;
	memset(out, 0, sizeof(*out));
	int year = field(&p, end, 0, 99);
	if (general && year >= 0) {
		int low = field(&p, end, 0, 99);
		year = low < 0 ? -1 : year * 100 + low;
	} else if (year >= 0) {
		year += year < 50 ? 2000 : 1900;
	}
	if (year < 0 || (out->month = field(&p, end, 1, 12)) < 0 || (out->day = field(&p, end, 1, 31)) < 0 ||
	    out->day > days_in(year, out->month) || (out->hour = field(&p, end, 0, 23)) < 0 ||
	    (out->minute = field(&p, end, 0, 59)) < 0 || p == end)
		return -1;
	out->year = year;
	if (*p != 'Z' && *p != '+' && *p != '-' && (out->second = field(&p, end, 0, 59)) < 0)
		return -1;
	if (general && p < end && *p == '.') {
		const unsigned char *first = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == first)
			return -1;
	}
	if (p == end)
		return -1;
	if (*p == 'Z')
		return p + 1 == end ? 0 : -1;
	if ((*p != '+' && *p != '-') || end - p != 5)
		return -1;
	int sign = *p++ == '-' ? 1 : -1, hours = field(&p, end, 0, 12), minutes = field(&p, end, 0, 59);
	if (hours < 0 || minutes < 0)
		return -1;
	int64_t offset = (int64_t)hours * 3600 + minutes * 60;
	return offset ? adjust(out, sign * offset) : 0;
}
