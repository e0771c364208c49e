/* Certificate properties from a DER certificate (cert_props.h), read with cert_parse.h. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "cert_parse.h"
#include "cert_props.h"
#include "der.h"
#include "der_walk.h"
#include "key_bits.h"
#include "name_props.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

static const char *const server_added[] = {
	"2.5.29.31",             /* CRL distribution points */
	"1.3.6.1.5.5.7.1.1",     /* authority information access */
	"2.5.29.35",             /* authority key identifier */
	"1.3.6.1.4.1.311.21.1",  /* CA version */
	"1.3.6.1.4.1.311.21.2",  /* previous CA certificate hash */
};

LONG xb_default_extension_origin(const char *oid)
{
	for (size_t i = 0; i < sizeof(server_added) / sizeof(server_added[0]); i++)
		if (!strcmp(oid, server_added[i]))
			return EXTENSION_ORIGIN_SERVER;
	return EXTENSION_ORIGIN_POLICY;
}

static char *hex(const unsigned char *p, size_t n, const char *sep)
{
	static const char digits[] = "0123456789abcdef";
	size_t step = 2 + strlen(sep);
	char *out = malloc(n * step + 1);
	if (!out)
		return NULL;
	char *q = out;
	for (size_t i = 0; i < n; i++) {
		if (i && *sep)
			*q++ = *sep;
		*q++ = digits[p[i] >> 4];
		*q++ = digits[p[i] & 0xF];
	}
	*q = 0;
	return out;
}

char *xb_spaced_hex(const unsigned char *p, size_t n)
{
	return hex(p, n, " ");
}

static HRESULT put_hex(struct xb_props *props, const char *name, const unsigned char *p, size_t n, const char *sep,
		       enum xb_put how)
{
	char *text = hex(p, n, sep);
	if (!text)
		return E_OUTOFMEMORY;
	HRESULT hr = xb_props_put_string(props, name, text, how);
	free(text);
	return hr;
}

HRESULT xb_cert_template_put(struct xb_props *props, const struct xb_exts *exts, enum xb_put how)
{
	const struct xb_ext *v2 = xb_exts_find(exts, "1.3.6.1.4.1.311.21.7");
	const struct xb_ext *v1 = xb_exts_find(exts, "1.3.6.1.4.1.311.20.2");
	struct der_tlv tlv, oid;
	size_t bad;
	if (v2) {
		struct der_cursor c = {v2->value, v2->len};
		char text[64];
		if (der_next(&c, &tlv, &bad) == 0 && tlv.tag == DER_SEQUENCE) {
			struct der_cursor inner = der_children(&tlv);
			if (der_next(&inner, &oid, &bad) == 0 && oid.tag == DER_OID &&
			    der_oid_text(oid.value, oid.length, text, sizeof(text)) == 0)
				return xb_props_put_string(props, "CertificateTemplate", text, how);
		}
	}
	if (v1) {
		struct der_cursor c = {v1->value, v1->len};
		if (der_next(&c, &tlv, &bad) == 0 && tlv.tag == 0x1E && tlv.length % 2 == 0) {
			OLECHAR *w = malloc(tlv.length + sizeof(OLECHAR));
			char *text = NULL;
			if (!w)
				return E_OUTOFMEMORY;
			for (size_t i = 0; i < tlv.length / 2; i++)
				w[i] = (OLECHAR)(tlv.value[2 * i] << 8 | tlv.value[2 * i + 1]);
			HRESULT hr = xb_utf16_to_utf8(w, tlv.length / 2, &text, NULL, NULL);
			free(w);
			if (SUCCEEDED(hr))
				hr = xb_props_put_string(props, "CertificateTemplate", text, how);
			free(text);
			return hr == E_OUTOFMEMORY ? hr : S_OK; /* a bad name is no template */
		}
	}
	return S_OK;
}

/* The certificate being derived, and what its messages need. */
struct derivation {
	const struct xb_cert *cert;
	struct der_walk at;
	struct xb_props *props;
	struct xb_exts *exts;
	enum xb_put how;
};

static HRESULT put_time(struct derivation *d, const char *name, const struct der_tlv *t)
{
	xb_utc utc;
	DATE date;
	size_t pos = (size_t)(t->start - d->at.base);
	if (der_time_x509(t, &utc))
		return xb_error_set(d->at.err, INVALID_DATA, pos,
				    "RawCertificate: %s: not a valid UTCTime or GeneralizedTime (byte %zu of the certificate)",
				    name, pos);
	if (FAILED(xb_date_from_utc(&utc, &date)))
		return xb_error_set(d->at.err, INVALID_DATA, pos,
				    "RawCertificate: %s: %04d-%02d-%02dT%02d:%02d:%02dZ is outside the range of a DATE "
				    "(years 100 to 9999)",
				    name, utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second);
	return xb_props_put_date(d->props, name, date, d->how);
}

static HRESULT put_subject(struct derivation *d)
{
	const struct der_tlv *subject = &d->cert->subject;
	xb_error inner;
	xb_error_init(&inner, NULL);
	HRESULT hr = xb_name_props_derive(subject->start, subject->total, d->props, d->how, &inner);
	size_t pos = (size_t)(subject->start - d->at.base) + inner.position;
	if (hr == INVALID_DATA)
		xb_error_set(d->at.err, hr, pos, "RawCertificate: subject: %s (byte %zu of the certificate)", inner.text, pos);
	return hr;
}

/* Bits as OpenSSL keeps a BIT STRING: the unused bits of the last byte cleared. New copy in *out, or NULL. */
static HRESULT masked_bits(const unsigned char *bits, size_t len, unsigned unused, unsigned char **out)
{
	*out = NULL;
	if (!len || !(bits[len - 1] & ((1u << unused) - 1)))
		return S_OK;
	if (!(*out = malloc(len)))
		return E_OUTOFMEMORY;
	memcpy(*out, bits, len);
	(*out)[len - 1] &= (unsigned char)(0xFF << unused);
	return S_OK;
}

/*
 * The parameters as the encoded AlgorithmIdentifier holds them. A BIT STRING is the one DER value whose
 * re-encoding can differ (its unused bits cleared, and none counted when it is empty), and the derivation
 * always gave the re-encoding.
 */
static HRESULT put_parameters(struct derivation *d, const struct der_tlv *params)
{
	const unsigned char *bits;
	size_t len;
	unsigned unused;
	if (params->tag != DER_BIT_STRING || der_bit_string(params, &bits, &len, &unused) || (len && !unused))
		return xb_props_put_binary(d->props, "RawPublicKeyAlgorithmParameters", params->start, params->total,
					   d->how);
	unsigned char *copy = malloc(params->total);
	if (!copy)
		return E_OUTOFMEMORY;
	memcpy(copy, params->start, params->total);
	size_t header = params->total - params->length;
	copy[header] = len ? (unsigned char)unused : 0;
	if (len)
		copy[params->total - 1] &= (unsigned char)(0xFF << unused);
	HRESULT hr = xb_props_put_binary(d->props, "RawPublicKeyAlgorithmParameters", copy, params->total, d->how);
	free(copy);
	return hr;
}

static HRESULT put_public_key(struct derivation *d)
{
	const struct xb_spki *spki = &d->cert->public_key;
	char oid[XB_OID_TEXT_SIZE];
	unsigned char *masked;
	if (der_oid_text_any(spki->algorithm.value, spki->algorithm.length, oid, sizeof(oid)))
		return der_walk_fail(&d->at, INVALID_DATA, spki->algorithm.start,
				     "the public key's algorithm OID is longer than %d characters", XB_OID_TEXT_SIZE - 1);
	HRESULT hr = masked_bits(spki->key, spki->key_len, spki->unused_bits, &masked);
	if (SUCCEEDED(hr))
		hr = xb_props_put_binary(d->props, "RawPublicKey", masked ? masked : spki->key, spki->key_len, d->how);
	free(masked);
	if (SUCCEEDED(hr))
		hr = xb_props_put_string(d->props, "PublicKeyAlgorithm", oid, d->how);
	if (SUCCEEDED(hr))
		hr = put_parameters(d, &spki->parameters);
	long bits = SUCCEEDED(hr) ? xb_public_key_bits(spki) : -1;
	if (bits >= 0)
		hr = xb_props_put_long(d->props, "PublicKeyLength", (LONG)bits, d->how);
	return hr;
}

static const unsigned char oid_ski[] = {0x55, 0x1D, 0x0E};                                           /* 2.5.29.14 */
static const unsigned char oid_san[] = {0x55, 0x1D, 0x11};                                           /* 2.5.29.17 */
static const unsigned char oid_upn[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03}; /* 1.3.6.1.4.1.311.20.2.3 */

static int oid_is(const struct der_tlv *oid, const unsigned char *bytes, size_t len)
{
	return oid->length == len && !memcmp(oid->value, bytes, len);
}

/*
 * The value of the certificate's one extension of that OID, parsed up to its first element (what follows
 * is not read); 0 when there is none, more than one, or it is not an element.
 */
static int sole_extension(const struct xb_cert *cert, const unsigned char *oid, size_t oid_len, struct der_tlv *out)
{
	struct der_cursor c = cert->extensions;
	struct xb_cert_ext ext;
	int found = 0;
	while (xb_cert_next_extension(&c, &ext)) {
		if (!oid_is(&ext.oid, oid, oid_len))
			continue;
		struct der_cursor value = {ext.value, ext.len};
		size_t bad;
		if (found++ || der_next(&value, out, &bad))
			return 0;
	}
	return found;
}

static HRESULT put_key_identifier(struct derivation *d)
{
	struct der_tlv ski;
	if (!sole_extension(d->cert, oid_ski, sizeof(oid_ski), &ski) || ski.tag != DER_OCTET_STRING)
		return S_OK;
	return put_hex(d->props, "SubjectKeyIdentifier", ski.value, ski.length, " ", d->how);
}

/* An explicitly tagged element: exactly one element inside. */
static int explicit_one(const struct der_tlv *tagged, struct der_tlv *inner)
{
	struct der_cursor c = der_children(tagged);
	size_t bad;
	return (tagged->tag & 0x20) && !der_next(&c, inner, &bad) && !c.left;
}

/*
 * GeneralName ::= CHOICE { otherName [0] { type-id OID, value [0] EXPLICIT ANY }, rfc822Name [1], dNSName [2],
 * x400Address [3], directoryName [4] EXPLICIT Name, ediPartyName [5], uniformResourceIdentifier [6],
 * iPAddress [7], registeredID [8] OID }: whether it is one. otherName's value and type-id go to *value and
 * *type when it is one.
 */
static int general_name(const struct der_tlv *gn, struct der_tlv *type, struct der_tlv *value)
{
	static const struct der_walk unreported = {NULL, "", "", NULL}; /* a bad name only spoils the UPN */
	struct der_cursor c = der_children(gn);
	struct der_tlv tagged, name;
	size_t bad;
	type->length = 0;
	switch (gn->tag) {
	case 0xA0:
		return !der_next(&c, type, &bad) && type->tag == DER_OID && !der_oid_valid(type->value, type->length) &&
		       !der_next(&c, &tagged, &bad) && !c.left && tagged.tag == 0xA0 && explicit_one(&tagged, value) &&
		       !der_any_valid(value);
	case 0x81:
	case 0x82:
	case 0x86:
	case 0x87:
		return 1;
	case 0x88:
		return !der_oid_valid(gn->value, gn->length);
	case 0xA3:
	case 0xA5:
		return 1;
	case 0xA4:
		return explicit_one(gn, &name) && name.tag == DER_SEQUENCE && SUCCEEDED(xb_x509_check_name(&unreported, &name, ""));
	default:
		return 0;
	}
}

/* The UPN of the first otherName 1.3.6.1.4.1.311.20.2.3 in the subject alternative name, when that reads. */
static HRESULT put_upn(struct derivation *d)
{
	struct der_tlv names, gn, type, value, upn = {0};
	size_t bad;
	if (!sole_extension(d->cert, oid_san, sizeof(oid_san), &names) || names.tag != DER_SEQUENCE)
		return S_OK;
	for (struct der_cursor c = der_children(&names); c.left;) {
		if (der_next(&c, &gn, &bad) || !general_name(&gn, &type, &value))
			return S_OK; /* one bad name spoils the extension */
		if (!upn.start && gn.tag == 0xA0 && oid_is(&type, oid_upn, sizeof(oid_upn)) && value.tag == 0x0C)
			upn = value;
	}
	if (!upn.start)
		return S_OK;
	/* As a C string: an embedded NUL ends it. */
	char *text = strndup((const char *)upn.value, upn.length);
	HRESULT hr = text ? xb_props_put_string(d->props, "UPN", text, d->how) : E_OUTOFMEMORY;
	free(text);
	return hr;
}

static HRESULT put_extensions(struct derivation *d)
{
	struct der_cursor c = d->cert->extensions;
	struct xb_cert_ext ext;
	for (int i = 1; xb_cert_next_extension(&c, &ext); i++) {
		char oid[XB_OID_TEXT_SIZE];
		if (der_oid_text_any(ext.oid.value, ext.oid.length, oid, sizeof(oid)))
			return xb_error_set(d->at.err, INVALID_DATA, (size_t)(ext.oid.start - d->at.base),
					    "RawCertificate: extension %d: its OID is malformed or longer than %d characters",
					    i, XB_OID_TEXT_SIZE - 1);
		LONG flags = xb_default_extension_origin(oid) | (ext.critical ? EXTENSION_CRITICAL_FLAG : 0);
		HRESULT hr = xb_exts_put(d->exts, oid, flags, ext.value, ext.len, d->how);
		if (FAILED(hr))
			return hr;
	}
	return S_OK;
}

HRESULT xb_cert_props_derive(const unsigned char *der, size_t len, struct xb_props *props, struct xb_exts *exts,
			     enum xb_put how, xb_error *err)
{
	struct xb_cert cert;
	HRESULT hr = xb_cert_parse(der, len, "RawCertificate", &cert, err);
	if (FAILED(hr))
		return hr;
	struct derivation d = {&cert, {der, "RawCertificate", " of the certificate", err}, props, exts, how};
	unsigned char sha1[EVP_MAX_MD_SIZE];
	unsigned int sha1_len = 0;
	hr = xb_props_put_binary(props, "RawCertificate", der, len, how);
	if (SUCCEEDED(hr))
		hr = put_hex(props, "SerialNumber", cert.serial.value, cert.serial.length, "", how);
	if (SUCCEEDED(hr))
		hr = EVP_Digest(der, len, sha1, &sha1_len, EVP_sha1(), NULL)
			     ? put_hex(props, "CertificateHash", sha1, sha1_len, " ", how)
			     : E_FAIL;
	if (SUCCEEDED(hr))
		hr = put_time(&d, "NotBefore", &cert.not_before);
	if (SUCCEEDED(hr))
		hr = put_time(&d, "NotAfter", &cert.not_after);
	if (SUCCEEDED(hr))
		hr = put_subject(&d);
	if (SUCCEEDED(hr))
		hr = put_public_key(&d);
	if (SUCCEEDED(hr))
		hr = put_key_identifier(&d);
	if (SUCCEEDED(hr))
		hr = put_upn(&d);
	if (SUCCEEDED(hr))
		hr = put_extensions(&d);
	if (SUCCEEDED(hr))
		hr = xb_cert_template_put(props, exts, how);
	return hr;
}
