/* The CA's derived context-0 properties (emu/ca_props.c). */
#include <stdlib.h>
#include <string.h>

#include "ca_props.h"
#include "check_suites.h"

static void put_fixture(struct xb_props *ca, const char *name, const char *file)
{
	size_t len;
	unsigned char *der = xb_read_fixture(file, &len);
	ck_assert_int_eq(xb_props_put_binary(ca, name, der, len, XB_PUT_REPLACE), S_OK);
	free(der);
}

static LONG long_of(const struct xb_props *ca, const char *name)
{
	const struct xb_prop *p = xb_props_find(ca, name);
	ck_assert_msg(p && p->value.type == PROPTYPE_LONG, "%s missing", name);
	return p->value.l;
}

static const char *text_of(const struct xb_props *ca, const char *name)
{
	const struct xb_prop *p = xb_props_find(ca, name);
	ck_assert_msg(p && p->value.type == PROPTYPE_STRING, "%s missing", name);
	return p->value.text;
}

START_TEST(derive_from_ca_certificates)
{
	struct xb_props ca = {0};
	/* Index 0: the original certificate and key; index 2: renewed on key 1. */
	put_fixture(&ca, "RawCACertificate.0", "demo-ca.der");
	put_fixture(&ca, "RawCACertificate.2", "ca-renewed.der");
	put_fixture(&ca, "RawCRL.0", "demo-crl.der");
	ck_assert_int_eq(xb_props_put_long(&ca, "CertState.2", 2, XB_PUT_REPLACE), S_OK); /* given: wins */
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_ca_props_derive(&ca, "Corp #1 CA", &err), S_OK);
	ck_assert_int_eq(long_of(&ca, "CertCount"), 3);
	ck_assert_str_eq(text_of(&ca, "CertSuffix.0"), "");
	ck_assert_str_eq(text_of(&ca, "CertSuffix.2"), "(2)");
	ck_assert_int_eq(long_of(&ca, "CRLIndex.0"), 0);
	ck_assert_int_eq(long_of(&ca, "CRLIndex.2"), 1);
	ck_assert_int_eq(long_of(&ca, "CRLState.0"), 3);
	ck_assert_int_eq(long_of(&ca, "CRLState.2"), 1); /* its CRL is key 1's */
	ck_assert_int_eq(long_of(&ca, "CertState.0"), 3);
	ck_assert_int_eq(long_of(&ca, "CertState.2"), 2);
	ck_assert_str_eq(text_of(&ca, "CRLSuffix.1"), "(1)");
	ck_assert_ptr_null(xb_props_find(&ca, "CertSuffix.1")); /* no certificate 1 given */
	ck_assert_str_eq(text_of(&ca, "SanitizedCAName"), "Corp !00231 CA");
	xb_props_free(&ca);
}
END_TEST

START_TEST(refuse_what_is_not_a_certificate_or_crl)
{
	static const struct {
		const char *name;
		const char *message;
	} cases[] = {
		{"RawCACertificate.0", "ca property RawCACertificate.0: not a DER certificate"},
		{"RawCRL.0", "ca property RawCRL.0: not a DER CRL"},
		{"RawDeltaCRL.3", "ca property RawDeltaCRL.3: not a DER CRL"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xb_props ca = {0};
		ck_assert_int_eq(xb_props_put_binary(&ca, cases[i].name, "\x30\x00", 2, XB_PUT_REPLACE), S_OK);
		xb_error err;
		xb_error_init(&err, NULL);
		ck_assert_int_eq(xb_ca_props_derive(&ca, "CA", &err), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
		ck_assert_str_eq(err.text, cases[i].message);
		xb_props_free(&ca);
	}
}
END_TEST

START_TEST(sanitize_names)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"Corp Issuing CA", "Corp Issuing CA"},
		{"#YourName", "!0023YourName"},
		{"a&b'c*d\\e{f}g[h]i^j:k,l=m!n`o>p<q(r)s%t|u+v?w\"x;y/z",
		 "a!0026b!0027c!002ad!005ce!007bf!007dg!005bh!005di!005ej!003ak!002cl!003dm!0021n!0060o!003ep!003cq!0028r"
		 "!0029s!0025t!007cu!002bv!003fw!0022x!003by!002fz"},
		{"Caf\xc3\xa9", "Caf!00e9"},
		{"tab\there", "tab!0009here"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = xb_sanitize_ca_name(cases[i].in);
		ck_assert_ptr_nonnull(out);
		ck_assert_str_eq(out, cases[i].out);
		free(out);
	}
}
END_TEST

Suite *suite_ca_props(void)
{
	Suite *s = suite_create("ca_props");
	const struct xb_test_case cases[] = {
		{"xb_ca_props_derive", derive_from_ca_certificates},
		{"xb_ca_props_derive_malformed", refuse_what_is_not_a_certificate_or_crl},
		{"xb_sanitize_ca_name", sanitize_names},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
