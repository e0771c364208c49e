/*
 * Names as Windows prints them (name.h). The rules were fixed against
 * Windows' own outputs (shared/testdata/dn-vectors.json, from the .NET
 * runtime's X500DistinguishedName tests run on Windows):
 * - string values are decoded per their type: T61String as UTF-8 when it is
 *   valid UTF-8, else ISO 8859-1; BMPString as UTF-16BE; UniversalString as
 *   UCS-4BE; the 7-bit types byte for byte;
 * - other values print as '#' and uppercase hex of their whole encoding, or
 *   of the content of an OCTET STRING (CryptoAPI strips that one wrapper);
 * - a string is quoted when it is empty, starts or ends with space, tab, CR
 *   or LF, or contains one of , + = < > # ; " LF (not CR); a quote inside is
 *   doubled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "der.h"
#include "name.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

/* The X.500 keys of CertNameToStr (CERT_X500_NAME_STR). */
static const struct {
	const char *oid;
	const char *key;
} keys[] = {
	{"2.5.4.3", "CN"},
	{"2.5.4.4", "SN"},
	{"2.5.4.5", "SERIALNUMBER"},
	{"2.5.4.6", "C"},
	{"2.5.4.7", "L"},
	{"2.5.4.8", "S"},
	{"2.5.4.9", "STREET"},
	{"2.5.4.10", "O"},
	{"2.5.4.11", "OU"},
	{"2.5.4.12", "T"},
	{"2.5.4.17", "PostalCode"},
	{"2.5.4.42", "G"},
	{"2.5.4.43", "I"},
	{"1.2.840.113549.1.9.1", "E"},
	{"0.9.2342.19200300.100.1.25", "DC"},
};

const char *xb_name_key(const char *oid)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].oid, oid))
			return keys[i].key;
	return NULL;
}

/* A growable UTF-8 buffer. */
struct buf {
	char *s;
	size_t len, cap;
	int oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *grown = realloc(b->s, cap);
		if (!grown) {
			b->oom = 1;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Appends one code point as UTF-8. */
static void put_cp(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put(b, u, n);
}

static int valid_utf8(const unsigned char *s, size_t n)
{
	OLECHAR *tmp = NULL;
	HRESULT hr = xb_utf8_to_utf16((const char *)s, n, &tmp, NULL, NULL);
	free(tmp);
	return SUCCEEDED(hr);
}

/* Decodes a string value into b; -1 when its bytes are not valid for its type. */
static int decode_string(const struct der_tlv *v, struct buf *b)
{
	const unsigned char *s = v->value;
	size_t n = v->length;
	switch (v->tag) {
	case 0x0C: /* UTF8String */
		if (!valid_utf8(s, n))
			return -1;
		put(b, (const char *)s, n);
		return 0;
	case 0x14: /* T61String: UTF-8 if it is, else ISO 8859-1 */
		if (valid_utf8(s, n)) {
			put(b, (const char *)s, n);
			return 0;
		}
		/* fall through */
	case 0x12: /* NumericString */
	case 0x13: /* PrintableString */
	case 0x15: /* VideotexString */
	case 0x16: /* IA5String */
	case 0x19: /* GraphicString */
	case 0x1A: /* VisibleString */
	case 0x1B: /* GeneralString */
		for (size_t i = 0; i < n; i++)
			put_cp(b, s[i]);
		return 0;
	case 0x1E: /* BMPString, UTF-16BE */
		if (n % 2)
			return -1;
		for (size_t i = 0; i < n; i += 2) {
			unsigned long u = (unsigned long)s[i] << 8 | s[i + 1];
			if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
				unsigned long lo = (unsigned long)s[i + 2] << 8 | s[i + 3];
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					put_cp(b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
					i += 2;
					continue;
				}
			}
			if (u >= 0xD800 && u <= 0xDFFF)
				return -1;
			put_cp(b, u);
		}
		return 0;
	case 0x1C: /* UniversalString, UCS-4BE */
		if (n % 4)
			return -1;
		for (size_t i = 0; i < n; i += 4) {
			unsigned long u = (unsigned long)s[i] << 24 | (unsigned long)s[i + 1] << 16 |
					  (unsigned long)s[i + 2] << 8 | s[i + 3];
			if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF))
				return -1;
			put_cp(b, u);
		}
		return 0;
	default:
		return -1;
	}
}

int xb_der_string_text(const struct der_tlv *v, char **out)
{
	struct buf b = {0};
	*out = NULL;
	if (decode_string(v, &b)) {
		free(b.s);
		return -1;
	}
	if (!b.s)
		put(&b, "", 0);
	if (b.oom) {
		free(b.s);
		return -2;
	}
	*out = b.s;
	return 0;
}

static void put_hex(struct buf *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	puts_(b, "#");
	for (size_t i = 0; i < n; i++) {
		char two[2] = {digits[p[i] >> 4], digits[p[i] & 0xF]};
		put(b, two, 2);
	}
}

static HRESULT fail(xb_error *err, const unsigned char *der, const unsigned char *at, const char *what)
{
	return xb_error_set(err, INVALID_DATA, (size_t)(at - der), "malformed Name: %s at byte %zu", what,
			    (size_t)(at - der));
}

static HRESULT parse_attr(const unsigned char *der, const struct der_tlv *atv, size_t rdn, struct xb_name_attr *a,
			  xb_error *err)
{
	struct der_cursor c = der_children(atv);
	struct der_tlv type, value;
	size_t bad;
	if (der_next(&c, &type, &bad) || type.tag != DER_OID)
		return fail(err, der, atv->value, "attribute type is not an OID");
	if (der_oid_text(type.value, type.length, a->oid, sizeof(a->oid)))
		return fail(err, der, type.start, "bad OID");
	if (der_next(&c, &value, &bad))
		return fail(err, der, c.p + bad, "bad attribute value");
	if (c.left)
		return fail(err, der, c.p, "extra data after the attribute value");
	struct buf b = {0};
	a->rdn = rdn;
	a->is_string = decode_string(&value, &b) == 0;
	if (!a->is_string) {
		b.len = 0;
		if (b.s)
			b.s[0] = 0;
		b.oom = 0;
		if (value.tag == DER_OCTET_STRING)
			put_hex(&b, value.value, value.length);
		else
			put_hex(&b, value.start, value.total);
	}
	if (!b.s)
		put(&b, "", 0);
	if (b.oom) {
		free(b.s);
		return E_OUTOFMEMORY;
	}
	a->text = b.s;
	return S_OK;
}

HRESULT xb_name_parse(const unsigned char *der, size_t len, struct xb_name *out, xb_error *err)
{
	memset(out, 0, sizeof(*out));
	struct der_cursor top = {der, len};
	struct der_tlv name;
	size_t bad;
	if (der_next(&top, &name, &bad) || name.tag != DER_SEQUENCE)
		return fail(err, der, der + bad, "not a SEQUENCE");
	if (top.left)
		return fail(err, der, top.p, "extra data after the Name");
	size_t cap = 0;
	struct der_cursor rdns = der_children(&name);
	while (rdns.left) {
		struct der_tlv rdn;
		if (der_next(&rdns, &rdn, &bad) || rdn.tag != DER_SET)
			goto bad_rdn;
		struct der_cursor atvs = der_children(&rdn);
		if (!atvs.left) {
			xb_name_free(out);
			return fail(err, der, rdn.start, "empty RDN");
		}
		while (atvs.left) {
			struct der_tlv atv;
			if (der_next(&atvs, &atv, &bad) || atv.tag != DER_SEQUENCE) {
				xb_name_free(out);
				return fail(err, der, atvs.p, "RDN member is not a SEQUENCE");
			}
			if (out->n == cap) {
				cap = cap ? 2 * cap : 8;
				struct xb_name_attr *grown = realloc(out->attrs, cap * sizeof(*grown));
				if (!grown) {
					xb_name_free(out);
					return E_OUTOFMEMORY;
				}
				out->attrs = grown;
			}
			HRESULT hr = parse_attr(der, &atv, out->rdns, &out->attrs[out->n], err);
			if (FAILED(hr)) {
				xb_name_free(out);
				return hr;
			}
			out->n++;
		}
		out->rdns++;
	}
	return S_OK;
bad_rdn:
	xb_name_free(out);
	return fail(err, der, rdns.p, "RDN is not a SET");
}

void xb_name_free(struct xb_name *name)
{
	for (size_t i = 0; i < name->n; i++)
		free(name->attrs[i].text);
	free(name->attrs);
	memset(name, 0, sizeof(*name));
}

static int needs_quotes(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return 1;
	if (strchr(" \t\r\n", s[0]) || strchr(" \t\r\n", s[n - 1]))
		return 1;
	return strpbrk(s, ",+=<>#;\"\n") != NULL;
}

static void put_attr(struct buf *b, const struct xb_name_attr *a)
{
	const char *key = xb_name_key(a->oid);
	if (key)
		puts_(b, key);
	else {
		puts_(b, "OID.");
		puts_(b, a->oid);
	}
	puts_(b, "=");
	if (!a->is_string || !needs_quotes(a->text)) {
		puts_(b, a->text);
		return;
	}
	puts_(b, "\"");
	for (const char *p = a->text; *p; p++) {
		put(b, p, 1);
		if (*p == '"')
			put(b, "\"", 1); /* doubled inside quotes */
	}
	puts_(b, "\"");
}

char *xb_name_format(const struct xb_name *name, int reverse)
{
	struct buf b = {0};
	put(&b, "", 0);
	for (size_t r = 0; r < name->rdns; r++) {
		size_t rdn = reverse ? name->rdns - 1 - r : r;
		if (r)
			puts_(&b, ", ");
		int first = 1;
		for (size_t i = 0; i < name->n; i++) {
			if (name->attrs[i].rdn != rdn)
				continue;
			if (!first)
				puts_(&b, " + ");
			first = 0;
			put_attr(&b, &name->attrs[i]);
		}
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *xb_name_values(const struct xb_name *name, const char *oid, int *oom)
{
	struct buf b = {0};
	int any = 0;
	*oom = 0;
	for (size_t i = 0; i < name->n; i++) {
		if (strcmp(name->attrs[i].oid, oid))
			continue;
		if (any)
			puts_(&b, "\n");
		puts_(&b, name->attrs[i].text);
		any = 1;
	}
	if (!any)
		return NULL;
	if (!b.s)
		put(&b, "", 0);
	if (b.oom) {
		free(b.s);
		*oom = 1;
		return NULL;
	}
	return b.s;
}
