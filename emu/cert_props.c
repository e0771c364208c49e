/* Certificate properties from a DER certificate (cert_props.h). */
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert_props.h"
#include "der.h"
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

/* DER INTEGER content bytes, sign byte included: "at most one leading zero". */
static HRESULT put_serial(struct xb_props *props, X509 *x, enum xb_put how)
{
	unsigned char *der = NULL;
	int n = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &der);
	if (n <= 0)
		return E_OUTOFMEMORY;
	struct der_cursor c = {der, (size_t)n};
	struct der_tlv tlv;
	size_t bad;
	HRESULT hr = der_next(&c, &tlv, &bad) ? INVALID_DATA
					      : put_hex(props, "SerialNumber", tlv.value, tlv.length, "", how);
	OPENSSL_free(der);
	return hr;
}

static HRESULT put_time(struct xb_props *props, const char *name, const ASN1_TIME *t, enum xb_put how,
		       xb_error *err)
{
	struct tm tm;
	if (!ASN1_TIME_to_tm(t, &tm))
		return xb_error_set(err, INVALID_DATA, 0, "RawCertificate: %s: not a valid UTCTime or GeneralizedTime",
				    name);
	xb_utc utc = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 0};
	DATE d;
	if (FAILED(xb_date_from_utc(&utc, &d)))
		return xb_error_set(err, INVALID_DATA, 0,
				    "RawCertificate: %s: %04d-%02d-%02dT%02d:%02d:%02dZ is outside the range of a DATE "
				    "(years 100 to 9999)",
				    name, utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second);
	return xb_props_put_date(props, name, d, how);
}

/* An OID's dotted text into buf: -1 when OpenSSL cannot write it or it does not fit (never cut short). */
static int oid_text(char *buf, size_t size, const ASN1_OBJECT *oid)
{
	int n = OBJ_obj2txt(buf, (int)size, oid, 1);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static HRESULT put_public_key(struct xb_props *props, X509 *x, enum xb_put how)
{
	X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
	ASN1_OBJECT *alg_oid = NULL;
	X509_ALGOR *alg = NULL;
	const unsigned char *key = NULL;
	int key_len = 0;
	char oid[XB_OID_TEXT_SIZE];
	if (!pub || !X509_PUBKEY_get0_param(&alg_oid, &key, &key_len, &alg, pub) || oid_text(oid, sizeof(oid), alg_oid))
		return INVALID_DATA;
	HRESULT hr = xb_props_put_binary(props, "RawPublicKey", key, (size_t)key_len, how);
	if (SUCCEEDED(hr))
		hr = xb_props_put_string(props, "PublicKeyAlgorithm", oid, how);
	/* The parameters as encoded: what follows the OID inside the AlgorithmIdentifier. */
	unsigned char *der = NULL;
	int n = i2d_X509_ALGOR(alg, &der);
	if (SUCCEEDED(hr) && n > 0) {
		struct der_cursor c = {der, (size_t)n};
		struct der_tlv seq, id;
		size_t bad;
		if (der_next(&c, &seq, &bad) == 0) {
			struct der_cursor inner = der_children(&seq);
			if (der_next(&inner, &id, &bad) == 0)
				hr = xb_props_put_binary(props, "RawPublicKeyAlgorithmParameters", inner.p, inner.left,
							 how);
		}
	}
	OPENSSL_free(der);
	EVP_PKEY *pkey = X509_get0_pubkey(x);
	if (SUCCEEDED(hr) && pkey)
		hr = xb_props_put_long(props, "PublicKeyLength", EVP_PKEY_get_bits(pkey), how);
	return hr;
}

/* The UPN of the first otherName 1.3.6.1.4.1.311.20.2.3 in the subject alternative name. */
static HRESULT put_upn(struct xb_props *props, X509 *x, enum xb_put how)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	HRESULT hr = S_OK;
	for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
		char oid[XB_OID_TEXT_SIZE];
		if (gn->type != GEN_OTHERNAME || oid_text(oid, sizeof(oid), gn->d.otherName->type_id) ||
		    strcmp(oid, "1.3.6.1.4.1.311.20.2.3") || gn->d.otherName->value->type != V_ASN1_UTF8STRING)
			continue;
		const ASN1_STRING *s = gn->d.otherName->value->value.utf8string;
		char *text = strndup((const char *)ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
		hr = text ? xb_props_put_string(props, "UPN", text, how) : E_OUTOFMEMORY;
		free(text);
		break;
	}
	GENERAL_NAMES_free(names);
	return hr;
}

/*
 * CertificateTemplate: the template OID of the v2 extension
 * (1.3.6.1.4.1.311.21.7, SEQUENCE { OID, major, minor }) when present,
 * else the name in the v1 extension (1.3.6.1.4.1.311.20.2, a BMPString).
 */
static HRESULT put_template(struct xb_props *props, const struct xb_exts *exts, enum xb_put how)
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

static HRESULT put_extensions(struct xb_exts *exts, X509 *x, enum xb_put how, xb_error *err)
{
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		char oid[XB_OID_TEXT_SIZE];
		if (oid_text(oid, sizeof(oid), X509_EXTENSION_get_object(ext)))
			return xb_error_set(err, INVALID_DATA, 0,
					    "RawCertificate: extension %d: its OID is malformed or longer than %d characters",
					    i + 1, XB_OID_TEXT_SIZE - 1);
		const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
		LONG flags = xb_default_extension_origin(oid) | (X509_EXTENSION_get_critical(ext) ? EXTENSION_CRITICAL_FLAG : 0);
		HRESULT hr = xb_exts_put(exts, oid, flags, ASN1_STRING_get0_data(data), (size_t)ASN1_STRING_length(data),
					 how);
		if (FAILED(hr))
			return hr;
	}
	return S_OK;
}

HRESULT xb_cert_props_derive(const unsigned char *der, size_t len, struct xb_props *props, struct xb_exts *exts,
			     enum xb_put how, xb_error *err)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		return xb_error_set(err, INVALID_DATA, x ? (size_t)(p - der) : 0,
				    "RawCertificate: not a DER X.509 certificate%s", x ? " (trailing data)" : "");
	}
	unsigned char sha1[EVP_MAX_MD_SIZE];
	unsigned int sha1_len = 0;
	unsigned char *subject = NULL;
	HRESULT hr = xb_props_put_binary(props, "RawCertificate", der, len, how);
	if (SUCCEEDED(hr))
		hr = put_serial(props, x, how);
	if (SUCCEEDED(hr))
		hr = EVP_Digest(der, len, sha1, &sha1_len, EVP_sha1(), NULL)
			     ? put_hex(props, "CertificateHash", sha1, sha1_len, " ", how)
			     : E_FAIL;
	if (SUCCEEDED(hr))
		hr = put_time(props, "NotBefore", X509_get0_notBefore(x), how, err);
	if (SUCCEEDED(hr))
		hr = put_time(props, "NotAfter", X509_get0_notAfter(x), how, err);
	if (SUCCEEDED(hr)) {
		int n = i2d_X509_NAME(X509_get_subject_name(x), &subject);
		xb_error inner;
		xb_error_init(&inner, NULL);
		hr = n > 0 ? xb_name_props_derive(subject, (size_t)n, props, how, &inner) : INVALID_DATA;
		if (hr == INVALID_DATA)
			xb_error_set(err, hr, 0, "RawCertificate: subject: %s", inner.text[0] ? inner.text : "cannot be encoded");
	}
	if (SUCCEEDED(hr))
		hr = put_public_key(props, x, how);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
	if (SUCCEEDED(hr) && ski)
		hr = put_hex(props, "SubjectKeyIdentifier", ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski),
			     " ", how);
	if (SUCCEEDED(hr))
		hr = put_upn(props, x, how);
	if (SUCCEEDED(hr))
		hr = put_extensions(exts, x, how, err);
	if (SUCCEEDED(hr))
		hr = put_template(props, exts, how);
	OPENSSL_free(subject);
	X509_free(x);
	if (hr == INVALID_DATA)
		xb_error_set(err, hr, 0, "RawCertificate: the public key or subject alternative name cannot be read");
	return hr;
}
