/*
 * Certificate derivation at its edges, against OpenSSL's own reading of the
 * same certificate: certificates made here, in memory, with an empty
 * subject, a UTF-8 subject, multi-valued names, serial numbers of every
 * awkward shape (high bit set, 20 bytes, a single zero byte), times in the
 * forms OpenSSL reads, and keys of every type it knows; and malformed ones.
 */
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
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

/*
 * A certificate signed with key, with that serial (hex), subject entries ("CN", UTF-8 value; NULL ends),
 * public key (key when NULL), NotBefore (2026-11-24T07:43:37Z when NULL) and, unless NULL, an extension
 * of OID ext_oid (dotted) holding a NULL.
 */
static unsigned char *make_cert_with(const char *serial_hex, const char *const *subject, EVP_PKEY *pub,
				     const ASN1_TIME *not_before, const char *ext_oid, size_t *len)
{
	X509 *x = X509_new();
	if (ext_oid) {
		ASN1_OBJECT *oid = OBJ_txt2obj(ext_oid, 1);
		ASN1_OCTET_STRING *value = ASN1_OCTET_STRING_new();
		ck_assert(oid && value && ASN1_OCTET_STRING_set(value, (const unsigned char *)"\x05\x00", 2));
		X509_EXTENSION *ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, value);
		ck_assert(ext && X509_add_ext(x, ext, -1));
		X509_EXTENSION_free(ext);
		ASN1_OCTET_STRING_free(value);
		ASN1_OBJECT_free(oid);
	}
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
	if (not_before)
		ck_assert(X509_set1_notBefore(x, not_before));
	else
		ASN1_TIME_set_string(X509_getm_notBefore(x), "20261124074337Z");
	ASN1_TIME_set_string(X509_getm_notAfter(x), "20500101000000Z");
	X509_set_pubkey(x, pub ? pub : key);
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

/* A self-signed certificate with that serial (hex) and subject entries ("CN", UTF-8 value; NULL ends). */
static unsigned char *make_cert(const char *serial_hex, const char *const *subject, size_t *len)
{
	return make_cert_with(serial_hex, subject, NULL, NULL, NULL, len);
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

/*
 * Times as certificates are read in practice: whatever OpenSSL's ASN1_TIME_to_tm accepted (the
 * derivation's reader before it read certificates itself) gives the same DATE, and the rest is refused
 * with a message naming the property.
 */
START_TEST(dates_lenient_as_openssl)
{
	static const struct {
		int type;
		const char *text;
	} cases[] = {
		{V_ASN1_UTCTIME, "2601010000Z"},           /* no seconds */
		{V_ASN1_UTCTIME, "260101000000+0130"},     /* an offset */
		{V_ASN1_UTCTIME, "260101000000-1259"},
		{V_ASN1_UTCTIME, "2601010000-0001"},
		{V_ASN1_UTCTIME, "260101000000+1300"},     /* offset hours up to 12 */
		{V_ASN1_UTCTIME, "260101000060Z"},         /* no leap second */
		{V_ASN1_UTCTIME, "260230000000Z"},         /* no February 30 */
		{V_ASN1_UTCTIME, "20260101000000Z"},       /* a GeneralizedTime's text */
		{V_ASN1_UTCTIME, "260101000000z"},
		{V_ASN1_UTCTIME, "491231235959Z"},         /* 2049 */
		{V_ASN1_UTCTIME, "500101000000Z"},         /* 1950 */
		{V_ASN1_GENERALIZEDTIME, "20260101000000.5Z"},   /* fractions are dropped */
		{V_ASN1_GENERALIZEDTIME, "20260101000000.123+0100"},
		{V_ASN1_GENERALIZEDTIME, "20260101000000.Z"},
		{V_ASN1_GENERALIZEDTIME, "202601010000Z"},
		{V_ASN1_GENERALIZEDTIME, "20240229000000Z"},     /* a leap day */
		{V_ASN1_GENERALIZEDTIME, "21000229000000Z"},     /* not one */
		{V_ASN1_GENERALIZEDTIME, "18991231230000-0100"}, /* moved into 1900 */
		{V_ASN1_GENERALIZEDTIME, "18991231115959-1200"}, /* still in 1899 */
		{V_ASN1_GENERALIZEDTIME, "99991231230000-0100"}, /* moved past 9999 */
		{V_ASN1_GENERALIZEDTIME, "00991231000000Z"},     /* before a DATE's first year */
		{V_ASN1_GENERALIZEDTIME, "260101000000Z"},       /* a UTCTime's text */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASN1_TIME *t = ASN1_STRING_type_new(cases[i].type);
		ck_assert(ASN1_STRING_set(t, cases[i].text, (int)strlen(cases[i].text)));
		struct tm tm;
		xb_utc utc = {0};
		DATE expected = 0;
		int valid = ASN1_TIME_to_tm(t, &tm);
		if (valid) {
			utc = (xb_utc){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 0};
			valid = SUCCEEDED(xb_date_from_utc(&utc, &expected));
		}
		size_t len;
		unsigned char *der = make_cert_with("07", (const char *const[]){"CN", "x", NULL}, NULL, t, NULL, &len);
		struct xb_props p = {0};
		struct xb_exts e = {0};
		xb_error err;
		xb_error_init(&err, "edge");
		HRESULT hr = xb_cert_props_derive(der, len, &p, &e, XB_PUT_REPLACE, &err);
		if (valid) {
			ck_assert_msg(hr == S_OK, "%s: 0x%08X %s", cases[i].text, (unsigned)hr, err.text);
			ck_assert_msg(xb_props_find(&p, "NotBefore")->value.date == expected, "%s", cases[i].text);
		} else {
			ck_assert_msg(hr == HRESULT_FROM_WIN32(ERROR_INVALID_DATA), "%s: derived", cases[i].text);
			ck_assert_msg(strstr(err.text, "RawCertificate: NotBefore: ") == err.text, "%s: %s", cases[i].text,
				      err.text);
		}
		xb_props_free(&p);
		xb_exts_free(&e);
		free(der);
		ASN1_TIME_free(t);
	}
}
END_TEST

/* A new key of that type: RSA and RSA-PSS of param bits, EC on curve param. */
static EVP_PKEY *generate(const char *type, const char *param)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *out = NULL;
	int ok = ctx && EVP_PKEY_keygen_init(ctx) > 0;
	if (ok && param && !strncmp(type, "RSA", 3))
		ok = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, atoi(param)) > 0;
	else if (ok && param)
		ok = EVP_PKEY_CTX_set_group_name(ctx, param) > 0;
	if (ok)
		EVP_PKEY_keygen(ctx, &out);
	EVP_PKEY_CTX_free(ctx);
	return out;
}

/* PublicKeyLength: what OpenSSL gives the same key, read from the key where its form is simple, else by OpenSSL. */
START_TEST(key_lengths_as_openssl)
{
	static const struct {
		const char *type, *param;
	} keys[] = {
		{"RSA", "1024"}, {"RSA", "1025"}, {"EC", "P-384"}, {"EC", "P-521"}, {"EC", "secp256k1"},
		{"EC", "brainpoolP256r1"}, {"EC", "secp192k1"}, {"ED25519", NULL}, {"ED448", NULL}, {"X25519", NULL},
		{"X448", NULL}, {"RSA-PSS", "1024"}, {"SM2", NULL},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		EVP_PKEY *pub = generate(keys[i].type, keys[i].param);
		ck_assert_msg(pub != NULL, "%s %s", keys[i].type, keys[i].param ? keys[i].param : "");
		size_t len;
		unsigned char *der = make_cert_with("08", (const char *const[]){"CN", "x", NULL}, pub, NULL, NULL, &len);
		struct xb_props p = {0};
		struct xb_exts e = {0};
		derive(der, len, &p, &e);
		const struct xb_prop *bits = xb_props_find(&p, "PublicKeyLength");
		ck_assert_msg(bits && bits->value.l == EVP_PKEY_get_bits(pub), "%s %s: %ld, OpenSSL %d", keys[i].type,
			      keys[i].param ? keys[i].param : "", bits ? (long)bits->value.l : -1L, EVP_PKEY_get_bits(pub));
		/* A point off its curve: OpenSSL cannot decode the key, so there is no length, as before. */
		const struct xb_prop *raw = xb_props_find(&p, "RawPublicKey");
		if (!strcmp(keys[i].type, "EC")) {
			size_t at = 0;
			while (at + raw->value.len <= len && memcmp(der + at, raw->value.bytes, raw->value.len))
				at++;
			ck_assert_uint_le(at + raw->value.len, len);
			der[at + raw->value.len - 1] ^= 1; /* the last byte of y */
			xb_props_free(&p);
			xb_exts_free(&e);
			derive(der, len, &p, &e);
			ck_assert_msg(!xb_props_find(&p, "PublicKeyLength"), "%s %s: a length for a point off the curve",
				      keys[i].type, keys[i].param);
		}
		xb_props_free(&p);
		xb_exts_free(&e);
		free(der);
		EVP_PKEY_free(pub);
	}
}
END_TEST

/* An extension OID with an arc beyond 64 bits (a UUID OID) reads as OpenSSL's OBJ_obj2txt writes it. */
START_TEST(extension_oid_beyond_64_bits)
{
	static const char *const oids[] = {"2.25.329800735698586629295641978511506172918", "1.3.18446744073709551616.7",
					   "2.999999999999999999999999999.1"};
	for (size_t i = 0; i < sizeof(oids) / sizeof(oids[0]); i++) {
		size_t len;
		unsigned char *der = make_cert_with("09", (const char *const[]){"CN", "x", NULL}, NULL, NULL, oids[i], &len);
		struct xb_props p = {0};
		struct xb_exts e = {0};
		derive(der, len, &p, &e);
		ck_assert_msg(xb_exts_find(&e, oids[i]) != NULL, "%s not found (first: %s)", oids[i],
			      e.n ? e.items[0].oid : "none");
		xb_props_free(&p);
		xb_exts_free(&e);
		free(der);
	}
}
END_TEST

/* Malformed certificates: a message naming RawCertificate, what is wrong and where. */
START_TEST(malformed_parts)
{
	size_t len;
	unsigned char *leaf = xb_read_fixture("leaf.der", &len);
	/* leaf.der: the serial's content starts at 15, the signature algorithm's NULL is at 47, NotBefore at 124 */
	static const struct {
		size_t at;
		unsigned char byte;
		const char *message;
	} cases[] = {
		{15, 0x00, "RawCertificate: the serial number is not a DER INTEGER at byte 13 of the certificate"},
		{47, 0x01, "RawCertificate: an algorithm's parameters (tag 0x01) are not valid for their type at byte 47"},
		{128, 'X', "RawCertificate: NotBefore: not a valid UTCTime or GeneralizedTime (byte 124 of the certificate)"},
		{1, 0x84, "RawCertificate: the certificate is malformed or truncated at byte 1 of the certificate"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *der = malloc(len);
		memcpy(der, leaf, len);
		der[cases[i].at] = cases[i].byte;
		struct xb_props p = {0};
		struct xb_exts e = {0};
		xb_error err;
		xb_error_init(&err, "edge");
		ck_assert_int_eq(xb_cert_props_derive(der, len, &p, &e, XB_PUT_REPLACE, &err),
				 HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
		ck_assert_msg(strstr(err.text, cases[i].message) == err.text, "byte %zu: %s", cases[i].at, err.text);
		xb_props_free(&p);
		xb_exts_free(&e);
		free(der);
	}
	free(leaf);
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
		{"NotBefore_lenient", dates_lenient_as_openssl},
		{"PublicKeyLength", key_lengths_as_openssl},
		{"extension_oid", extension_oid_beyond_64_bits},
		{"malformed", malformed_parts},
	};
	XB_ADD_CASES(s, cases, make_key, free_key);
	return s;
}
