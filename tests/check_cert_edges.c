/*
 * Certificate derivation at its edges, against OpenSSL's own reading of the
 * same certificate: certificates made here, in memory, with an empty
 * subject, a UTF-8 subject, multi-valued names, and serial numbers of every
 * awkward shape (high bit set, 20 bytes, a single zero byte).
 */
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "cert_props.h"
#include "check_suites.h"

static EVP_PKEY *key;

static void make_key(void)
{
	key = EVP_EC_gen("P-256");
	ck_assert_ptr_nonnull(key);
}

static void free_key(void)
{
	EVP_PKEY_free(key);
}

/* A self-signed certificate with that serial (hex) and subject entries ("CN", UTF-8 value; NULL ends). */
static unsigned char *make_cert(const char *serial_hex, const char *const *subject, size_t *len)
{
	X509 *x = X509_new();
	BIGNUM *bn = NULL;
	ck_assert(BN_hex2bn(&bn, serial_hex) > 0);
	ck_assert_ptr_nonnull(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
	BN_free(bn);
	X509_set_version(x, 2);
	X509_NAME *name = X509_get_subject_name(x);
	for (size_t i = 0; subject && subject[i]; i += 2)
		ck_assert(X509_NAME_add_entry_by_txt(name, subject[i], MBSTRING_UTF8,
						     (const unsigned char *)subject[i + 1], -1, -1, 0));
	X509_set_issuer_name(x, name);
	ASN1_TIME_set_string(X509_getm_notBefore(x), "20261124074337Z");
	ASN1_TIME_set_string(X509_getm_notAfter(x), "20500101000000Z");
	X509_set_pubkey(x, key);
	ck_assert(X509_sign(x, key, EVP_sha256()) > 0);
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	ck_assert_int_gt(n, 0);
	X509_free(x);
	*len = (size_t)n;
	unsigned char *copy = malloc(*len);
	memcpy(copy, der, *len);
	OPENSSL_free(der);
	return copy;
}

static const char *text_of(const struct xb_props *p, const char *name)
{
	const struct xb_prop *prop = xb_props_find(p, name);
	ck_assert_msg(prop && prop->value.type == PROPTYPE_STRING, "%s missing", name);
	return prop->value.text;
}

/* OpenSSL's SHA-1 of the DER, in AD CS's spaced lowercase form. */
static char *openssl_hash(const unsigned char *der, size_t len)
{
	unsigned char md[20];
	unsigned int mdlen;
	ck_assert(EVP_Digest(der, len, md, &mdlen, EVP_sha1(), NULL));
	return xb_spaced_hex(md, mdlen);
}

static void derive(const unsigned char *der, size_t len, struct xb_props *p, struct xb_exts *e)
{
	xb_error err;
	xb_error_init(&err, "edge");
	HRESULT hr = xb_cert_props_derive(der, len, p, e, XB_PUT_REPLACE, &err);
	ck_assert_msg(hr == S_OK, "0x%08X %s", (unsigned)hr, err.text);
}

START_TEST(serial_shapes)
{
	static const struct {
		const char *serial, *expected;
	} cases[] = {
		{"01", "01"},
		{"00", "00"},
		{"80", "0080"},                                           /* high bit: DER adds a zero byte */
		{"7FFFFFFF", "7fffffff"},
		{"FF00000000000000000000000000000000000001", "00ff00000000000000000000000000000000000001"},
		{"4400000004B742B5DABA3D4DEB000000000004", "4400000004b742b5daba3d4deb000000000004"},
		{"123", "0123"},                                          /* an odd digit count gets one zero */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		unsigned char *der = make_cert(cases[i].serial, (const char *const[]){"CN", "x", NULL}, &len);
		struct xb_props p = {0};
		struct xb_exts e = {0};
		derive(der, len, &p, &e);
		ck_assert_str_eq(text_of(&p, "SerialNumber"), cases[i].expected);
		char *hash = openssl_hash(der, len);
		ck_assert_str_eq(text_of(&p, "CertificateHash"), hash);
		free(hash);
		xb_props_free(&p);
		xb_exts_free(&e);
		free(der);
	}
}
END_TEST

START_TEST(empty_subject)
{
	size_t len;
	unsigned char *der = make_cert("2A", NULL, &len);
	struct xb_props p = {0};
	struct xb_exts e = {0};
	derive(der, len, &p, &e);
	/* No name property, no DistinguishedName; RawName is the empty SEQUENCE. */
	ck_assert_ptr_null(xb_props_find(&p, "CommonName"));
	const struct xb_prop *dn = xb_props_find(&p, "DistinguishedName");
	ck_assert_msg(!dn || !dn->value.text[0], "DistinguishedName: %s", dn ? dn->value.text : "");
	const struct xb_prop *raw = xb_props_find(&p, "RawName");
	ck_assert_ptr_nonnull(raw);
	ck_assert_uint_eq(raw->value.len, 2);
	ck_assert(!memcmp(raw->value.bytes, "\x30\x00", 2));
	xb_props_free(&p);
	xb_exts_free(&e);
	free(der);
}
END_TEST

START_TEST(utf8_and_multi_valued_subject)
{
	static const char *const subject[] = {"DC", "local", "DC", "corp", "OU", "Zoë's Team", "OU", "日本",
					      "CN", "Zoë Ünïcode, Jr.", NULL};
	size_t len;
	unsigned char *der = make_cert("05", subject, &len);
	struct xb_props p = {0};
	struct xb_exts e = {0};
	derive(der, len, &p, &e);
	ck_assert_str_eq(text_of(&p, "CommonName"), "Zoë Ünïcode, Jr.");
	ck_assert_str_eq(text_of(&p, "OrgUnit"), "Zoë's Team\n日本");
	ck_assert_str_eq(text_of(&p, "DomainComponent"), "local\ncorp");
	/* Reverse order, quoted where a comma needs it, as CertNameToStr writes. */
	ck_assert_str_eq(text_of(&p, "DistinguishedName"), "CN=\"Zoë Ünïcode, Jr.\", OU=日本, OU=Zoë's Team, DC=corp, DC=local");
	xb_props_free(&p);
	xb_exts_free(&e);
	free(der);
}
END_TEST

START_TEST(dates_match_openssl)
{
	size_t len;
	unsigned char *der = make_cert("06", (const char *const[]){"CN", "x", NULL}, &len);
	struct xb_props p = {0};
	struct xb_exts e = {0};
	derive(der, len, &p, &e);
	char text[XB_RFC3339_BUFSIZE];
	ck_assert_int_eq(xb_date_to_rfc3339(xb_props_find(&p, "NotBefore")->value.date, text), S_OK);
	ck_assert_str_eq(text, "2026-11-24T07:43:37Z");
	/* 2050 and later are GeneralizedTime in the certificate. */
	ck_assert_int_eq(xb_date_to_rfc3339(xb_props_find(&p, "NotAfter")->value.date, text), S_OK);
	ck_assert_str_eq(text, "2050-01-01T00:00:00Z");
	ck_assert_str_eq(text_of(&p, "PublicKeyAlgorithm"), "1.2.840.10045.2.1");
	ck_assert_int_eq(xb_props_find(&p, "PublicKeyLength")->value.l, 256);
	xb_props_free(&p);
	xb_exts_free(&e);
	free(der);
}
END_TEST

Suite *suite_cert_edges(void)
{
	Suite *s = suite_create("cert_edges");
	const struct xb_test_case cases[] = {
		{"SerialNumber", serial_shapes},
		{"RawName_empty", empty_subject},
		{"DistinguishedName_utf8", utf8_and_multi_valued_subject},
		{"NotBefore_NotAfter", dates_match_openssl},
	};
	XB_ADD_CASES(s, cases, make_key, free_key);
	return s;
}
