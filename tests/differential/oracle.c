/*
 * The derivations before cert_parse.c and pkcs7_parse.c (oracle.h): the
 * body of emu/cert_props.c as it was, with its helpers that did not change
 * taken from the product (name properties, hex, extension origins,
 * template), and request_props.c's unwrapping of a PKCS#7.
 */
#include <openssl/cms.h>
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
#include "oracle.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

static HRESULT put_hex(struct xb_props *props, const char *name, const unsigned char *p, size_t n, int spaced)
{
	char *text = xb_spaced_hex(p, n);
	if (!text)
		return E_OUTOFMEMORY;
	if (!spaced) { /* "aa bb cc" -> "aabbcc" */
		size_t j = 0;
		for (size_t i = 0; text[i]; i++)
			if (text[i] != ' ')
				text[j++] = text[i];
		text[j] = 0;
	}
	HRESULT hr = xb_props_put_string(props, name, text, XB_PUT_REPLACE);
	free(text);
	return hr;
}

static HRESULT put_serial(struct xb_props *props, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &der);
	if (n <= 0)
		return E_OUTOFMEMORY;
	struct der_cursor c = {der, (size_t)n};
	struct der_tlv tlv;
	size_t bad;
	HRESULT hr = der_next(&c, &tlv, &bad) ? INVALID_DATA : put_hex(props, "SerialNumber", tlv.value, tlv.length, 0);
	OPENSSL_free(der);
	return hr;
}

static HRESULT put_time(struct xb_props *props, const char *name, const ASN1_TIME *t, xb_error *err)
{
	struct tm tm;
	if (!ASN1_TIME_to_tm(t, &tm))
		return xb_error_set(err, INVALID_DATA, 0, "RawCertificate: %s: not a valid UTCTime or GeneralizedTime",
				    name);
	xb_utc utc = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 0};
	DATE d;
	if (FAILED(xb_date_from_utc(&utc, &d)))
		return xb_error_set(err, INVALID_DATA, 0, "RawCertificate: %s: outside the range of a DATE", name);
	return xb_props_put_date(props, name, d, XB_PUT_REPLACE);
}

static int oid_text(char *buf, size_t size, const ASN1_OBJECT *oid)
{
	int n = OBJ_obj2txt(buf, (int)size, oid, 1);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static HRESULT put_public_key(struct xb_props *props, X509 *x)
{
	X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
	ASN1_OBJECT *alg_oid = NULL;
	X509_ALGOR *alg = NULL;
	const unsigned char *key = NULL;
	int key_len = 0;
	char oid[XB_OID_TEXT_SIZE];
	if (!pub || !X509_PUBKEY_get0_param(&alg_oid, &key, &key_len, &alg, pub) || oid_text(oid, sizeof(oid), alg_oid))
		return INVALID_DATA;
	HRESULT hr = xb_props_put_binary(props, "RawPublicKey", key, (size_t)key_len, XB_PUT_REPLACE);
	if (SUCCEEDED(hr))
		hr = xb_props_put_string(props, "PublicKeyAlgorithm", oid, XB_PUT_REPLACE);
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
							 XB_PUT_REPLACE);
		}
	}
	OPENSSL_free(der);
	EVP_PKEY *pkey = X509_get0_pubkey(x);
	if (SUCCEEDED(hr) && pkey)
		hr = xb_props_put_long(props, "PublicKeyLength", EVP_PKEY_get_bits(pkey), XB_PUT_REPLACE);
	return hr;
}

static HRESULT put_upn(struct xb_props *props, X509 *x)
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
		hr = text ? xb_props_put_string(props, "UPN", text, XB_PUT_REPLACE) : E_OUTOFMEMORY;
		free(text);
		break;
	}
	GENERAL_NAMES_free(names);
	return hr;
}

static HRESULT put_extensions(struct xb_exts *exts, X509 *x, xb_error *err)
{
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		char oid[XB_OID_TEXT_SIZE];
		if (oid_text(oid, sizeof(oid), X509_EXTENSION_get_object(ext)))
			return xb_error_set(err, INVALID_DATA, 0, "RawCertificate: extension %d: bad OID", i + 1);
		const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
		LONG flags = xb_default_extension_origin(oid) | (X509_EXTENSION_get_critical(ext) ? EXTENSION_CRITICAL_FLAG : 0);
		HRESULT hr = xb_exts_put(exts, oid, flags, ASN1_STRING_get0_data(data), (size_t)ASN1_STRING_length(data),
					 XB_PUT_REPLACE);
		if (FAILED(hr))
			return hr;
	}
	return S_OK;
}

/* The whole input as one certificate, or NULL. */
static X509 *decode(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

HRESULT oracle_cert_props_derive(const unsigned char *der, size_t len, struct xb_props *props, struct xb_exts *exts,
				 xb_error *err)
{
	X509 *x = decode(der, len);
	if (!x)
		return xb_error_set(err, INVALID_DATA, 0, "RawCertificate: not a DER X.509 certificate");
	unsigned char sha1[EVP_MAX_MD_SIZE];
	unsigned int sha1_len = 0;
	unsigned char *subject = NULL;
	HRESULT hr = xb_props_put_binary(props, "RawCertificate", der, len, XB_PUT_REPLACE);
	if (SUCCEEDED(hr))
		hr = put_serial(props, x);
	if (SUCCEEDED(hr))
		hr = EVP_Digest(der, len, sha1, &sha1_len, EVP_sha1(), NULL)
			     ? put_hex(props, "CertificateHash", sha1, sha1_len, 1)
			     : E_FAIL;
	if (SUCCEEDED(hr))
		hr = put_time(props, "NotBefore", X509_get0_notBefore(x), err);
	if (SUCCEEDED(hr))
		hr = put_time(props, "NotAfter", X509_get0_notAfter(x), err);
	if (SUCCEEDED(hr)) {
		int n = i2d_X509_NAME(X509_get_subject_name(x), &subject);
		hr = n > 0 ? xb_name_props_derive(subject, (size_t)n, props, XB_PUT_REPLACE, err) : INVALID_DATA;
	}
	if (SUCCEEDED(hr))
		hr = put_public_key(props, x);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
	if (SUCCEEDED(hr) && ski)
		hr = put_hex(props, "SubjectKeyIdentifier", ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski), 1);
	if (SUCCEEDED(hr))
		hr = put_upn(props, x);
	if (SUCCEEDED(hr))
		hr = put_extensions(exts, x, err);
	if (SUCCEEDED(hr))
		hr = xb_cert_template_put(props, exts, XB_PUT_REPLACE);
	OPENSSL_free(subject);
	X509_free(x);
	if (hr == INVALID_DATA)
		xb_error_set(err, hr, 0, "RawCertificate: the public key or subject alternative name cannot be read");
	return hr;
}

int oracle_name_decodes(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)len);
	X509_NAME_free(name);
	return name && p == der + len;
}

int oracle_x509_decodes(const unsigned char *der, size_t len)
{
	X509 *x = decode(der, len);
	X509_free(x);
	return x != NULL;
}

void oracle_cert_facts(const unsigned char *der, size_t len, const unsigned char *issuer, size_t issuer_len,
		       const unsigned char *subject, size_t subject_len, struct oracle_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->names_decode = (!issuer || oracle_name_decodes(issuer, issuer_len)) &&
			      (!subject || oracle_name_decodes(subject, subject_len));
	X509 *x = decode(der, len);
	if (!x)
		return;
	facts->decoded = 1;
	facts->extensions_valid = X509_check_purpose(x, -1, -1) == 1;
	int crit;
	ASN1_OCTET_STRING *ski = X509_get_ext_d2i(x, NID_subject_key_identifier, &crit, NULL);
	if (ski)
		facts->key_identifier = xb_spaced_hex(ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski));
	ASN1_OCTET_STRING_free(ski);
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	facts->san_decodes = names || crit == -1;
	GENERAL_NAMES_free(names);
	X509_free(x);
}

void oracle_facts_free(struct oracle_facts *facts)
{
	free(facts->key_identifier);
	facts->key_identifier = NULL;
}

int oracle_pkcs7_content(const unsigned char *der, size_t len, enum xb_pkcs7_content *type, unsigned char **content,
			 size_t *content_len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	ASN1_OCTET_STRING **data = cms && p == der + len && OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed
					   ? CMS_get0_content(cms)
					   : NULL;
	int nid = data && *data ? OBJ_obj2nid(CMS_get0_eContentType(cms)) : NID_undef;
	int status = -1;
	if (nid == NID_pkcs7_data || nid == NID_id_cct_PKIData) {
		*type = nid == NID_pkcs7_data ? XB_PKCS7_DATA : XB_PKCS7_PKIDATA;
		*content_len = (size_t)ASN1_STRING_length(*data);
		*content = malloc(*content_len + 1);
		if (*content) {
			memcpy(*content, ASN1_STRING_get0_data(*data), *content_len);
			status = 0;
		}
	}
	CMS_ContentInfo_free(cms);
	return status;
}
