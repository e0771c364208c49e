/*
 * Certificate properties derived from a real certificate
 * (tests/fixtures/leaf.der, made by tests/fixtures/make-fixtures.sh); the
 * expected values were read off it with the openssl command line, not with
 * the code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_props.h"
#include "check_suites.h"
#include "name_props.h"

static const char *string_of(const struct xb_props *p, const char *name)
{
	const struct xb_prop *prop = xb_props_find(p, name);
	ck_assert_msg(prop != NULL, "property %s missing", name);
	ck_assert_msg(prop->value.type == PROPTYPE_STRING, "property %s is not a string", name);
	return prop->value.text;
}

static void assert_date(const struct xb_props *p, const char *name, const char *expected)
{
	const struct xb_prop *prop = xb_props_find(p, name);
	ck_assert_msg(prop && prop->value.type == PROPTYPE_DATE, "%s missing or not a date", name);
	char text[XB_RFC3339_BUFSIZE];
	ck_assert_int_eq(xb_date_to_rfc3339(prop->value.date, text), S_OK);
	ck_assert_str_eq(text, expected);
}

START_TEST(derive_leaf)
{
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	struct xb_props p = {0};
	struct xb_exts e = {0};
	xb_error err;
	xb_error_init(&err, "leaf.der");
	ck_assert_int_eq(xb_cert_props_derive(der, len, &p, &e, XB_PUT_IF_ABSENT, &err), S_OK);

	ck_assert_str_eq(string_of(&p, "SerialNumber"), "4400000004b742b5daba3d4deb000000000004");
	ck_assert_str_eq(string_of(&p, "CertificateHash"),
			 "c6 53 a4 8e d9 0d 71 d8 9b 9a ce c9 fc 36 86 29 9c f8 23 78");
	ck_assert_str_eq(string_of(&p, "SubjectKeyIdentifier"),
			 "3c 80 51 f1 45 de 2d 4e fc 89 39 f3 e1 31 1e fd 82 e2 03 fc");
	assert_date(&p, "NotBefore", "2026-11-24T07:43:37Z");
	assert_date(&p, "NotAfter", "2027-11-24T07:43:37Z");
	ck_assert_str_eq(string_of(&p, "DistinguishedName"),
			 "E=alice@corp.local, CN=alice.smith, OU=Admins, OU=Users, DC=corp, DC=local");
	ck_assert_str_eq(string_of(&p, "OrgUnit"), "Users\nAdmins");
	ck_assert_str_eq(string_of(&p, "DomainComponent"), "local\ncorp");
	ck_assert_str_eq(string_of(&p, "CommonName"), "alice.smith");
	ck_assert_str_eq(string_of(&p, "EMail"), "alice@corp.local");
	ck_assert_ptr_null(xb_props_find(&p, "Organization"));
	ck_assert_str_eq(string_of(&p, "UPN"), "alice@corp.local");
	ck_assert_str_eq(string_of(&p, "CertificateTemplate"), "User");
	ck_assert_str_eq(string_of(&p, "PublicKeyAlgorithm"), "1.2.840.113549.1.1.1");

	const struct xb_prop *prop = xb_props_find(&p, "PublicKeyLength");
	ck_assert_int_eq(prop->value.l, 2048);
	prop = xb_props_find(&p, "RawPublicKeyAlgorithmParameters");
	ck_assert_uint_eq(prop->value.len, 2);
	ck_assert_int_eq(memcmp(prop->value.bytes, "\x05\x00", 2), 0);
	prop = xb_props_find(&p, "RawPublicKey");
	ck_assert_uint_eq(prop->value.len, 270);
	ck_assert_int_eq(memcmp(prop->value.bytes, "\x30\x82\x01\x0a\x02\x82\x01\x01\x00\x9f", 10), 0);
	prop = xb_props_find(&p, "rawcertificate");
	ck_assert_uint_eq(prop->value.len, len);
	prop = xb_props_find(&p, "RawName");
	ck_assert_int_eq(prop->value.bytes[0], 0x30);

	const struct xb_ext *ku = xb_exts_find(&e, "2.5.29.15");
	ck_assert_ptr_nonnull(ku);
	ck_assert_int_eq(ku->flags, EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG);
	ck_assert_int_eq(xb_exts_find(&e, "2.5.29.35")->flags, EXTENSION_ORIGIN_SERVER);
	ck_assert_int_eq(xb_exts_find(&e, "2.5.29.17")->flags, EXTENSION_ORIGIN_POLICY);
	ck_assert_uint_eq(e.n, 7);

	xb_props_free(&p);
	xb_exts_free(&e);
	free(der);
}
END_TEST

START_TEST(explicit_values_win)
{
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	struct xb_props p = {0};
	struct xb_exts e = {0};
	xb_props_put_string(&p, "serialnumber", "from the trace", XB_PUT_REPLACE);
	xb_exts_put(&e, "2.5.29.15", EXTENSION_ORIGIN_ADMIN, "\x03\x02\x05\xa0", 4, XB_PUT_REPLACE);
	ck_assert_int_eq(xb_cert_props_derive(der, len, &p, &e, XB_PUT_IF_ABSENT, NULL), S_OK);
	ck_assert_str_eq(string_of(&p, "SerialNumber"), "from the trace");
	ck_assert_int_eq(xb_exts_find(&e, "2.5.29.15")->flags, EXTENSION_ORIGIN_ADMIN);
	xb_props_free(&p);
	xb_exts_free(&e);
	free(der);
}
END_TEST

START_TEST(malformed_certificate)
{
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	struct xb_props p = {0};
	struct xb_exts e = {0};
	xb_error err;
	xb_error_init(&err, "trace.jsonl");
	ck_assert_int_eq(xb_cert_props_derive(der, len - 1, &p, &e, XB_PUT_IF_ABSENT, &err),
			 HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	ck_assert_msg(strstr(err.text, "RawCertificate") != NULL, "message: %s", err.text);
	der = realloc(der, len + 1); /* one trailing byte after the certificate */
	ck_assert_ptr_nonnull(der);
	der[len] = 0;
	xb_error_init(&err, "trace.jsonl");
	ck_assert_int_eq(xb_cert_props_derive(der, len + 1, &p, &e, XB_PUT_IF_ABSENT, &err),
			 HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	ck_assert_msg(strstr(err.text, "trailing") != NULL, "message: %s", err.text);
	xb_props_free(&p);
	xb_exts_free(&e);
	free(der);
}
END_TEST

START_TEST(name_property_aliases)
{
	static const struct {
		const char *asked;
		const char *canonical;
	} cases[] = {
		{"CN", "CommonName"},        {"2.5.4.3", "CommonName"},      {"Subject.CommonName", "CommonName"},
		{"commonname", "CommonName"}, {"OU", "OrgUnit"},             {"OrganizationalUnit", "OrgUnit"},
		{"S", "State"},              {"ST", "State"},                {"E", "EMail"},
		{"DC", "DomainComponent"},   {"Org", "Organization"},        {"1.2.840.113549.1.9.2", "UnstructuredName"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = xb_name_property_canonical(cases[i].asked);
		ck_assert_msg(got && !strcmp(got, cases[i].canonical), "%s gave %s", cases[i].asked,
			      got ? got : "(null)");
	}
	/* aliases do not take the Subject. prefix; other properties are not name properties */
	ck_assert_ptr_null(xb_name_property_canonical("Subject.CN"));
	ck_assert_ptr_null(xb_name_property_canonical("SerialNumber"));
	ck_assert_ptr_null(xb_name_property_canonical("DistinguishedName"));
}
END_TEST

Suite *suite_cert_props(void)
{
	Suite *s = suite_create("cert_props");
	const struct xb_test_case cases[] = {
		{"xb_cert_props_derive", derive_leaf},
		{"xb_cert_props_derive_explicit", explicit_values_win},
		{"xb_cert_props_derive_malformed", malformed_certificate},
		{"xb_name_property_canonical", name_property_aliases},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
