/*
 * Names as Windows prints them (emu/name.c), on vectors made for this
 * suite; Windows' own outputs are checked by tests/check_vectors.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "der.h"
#include "name.h"

/* C=US, O=Org, OU=a, OU=b, CN=x, "y" + DC=dc (a two-member last RDN) */
static const char *const sample_hex =
	"3056310B3009060355040613025553310C300A060355040A0C034F7267310A3008060355040B0C0161310A3008060355040B"
	"0C01623121300D06035504030C06782C202279223010060A0992268993F22C64011916026463";
/* CN=<U+1F600 U+00E9 as BMPString>, then the EV jurisdiction country (an OID Windows has no key for) */
static const char *const bmp_hex =
	"3026310F300D06035504031E06D83DDE0000E931133011060B2B0601040182373C02010313025553";

static unsigned char *from_hex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *out = malloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
	*len = n;
	return out;
}

static struct xb_name parse_ok(const char *hex)
{
	size_t len;
	unsigned char *der = from_hex(hex, &len);
	struct xb_name name;
	xb_error err;
	xb_error_init(&err, "test");
	HRESULT hr = xb_name_parse(der, len, &name, &err);
	free(der);
	ck_assert_msg(hr == S_OK, "parse failed: %s", err.text);
	return name;
}

START_TEST(format_reversed_and_forward)
{
	struct xb_name name = parse_ok(sample_hex);
	ck_assert_uint_eq(name.rdns, 5);
	char *text = xb_name_format(&name, 1);
	ck_assert_str_eq(text, "CN=\"x, \"\"y\"\"\" + DC=dc, OU=b, OU=a, O=Org, C=US");
	free(text);
	text = xb_name_format(&name, 0);
	ck_assert_str_eq(text, "C=US, O=Org, OU=a, OU=b, CN=\"x, \"\"y\"\"\" + DC=dc");
	free(text);
	xb_name_free(&name);
}
END_TEST

START_TEST(format_strings_and_oids)
{
	struct xb_name name = parse_ok(bmp_hex);
	char *text = xb_name_format(&name, 1);
	ck_assert_str_eq(text, "OID.1.3.6.1.4.1.311.60.2.1.3=US, CN=\xF0\x9F\x98\x80\xC3\xA9");
	free(text);
	xb_name_free(&name);

	name = parse_ok("3000"); /* the empty name */
	text = xb_name_format(&name, 1);
	ck_assert_str_eq(text, "");
	free(text);
	xb_name_free(&name);
}
END_TEST

START_TEST(values)
{
	struct xb_name name = parse_ok(sample_hex);
	int oom;
	char *ou = xb_name_values(&name, "2.5.4.11", &oom);
	ck_assert_str_eq(ou, "a\nb"); /* encoded order, newline-joined, unquoted */
	free(ou);
	char *cn = xb_name_values(&name, "2.5.4.3", &oom);
	ck_assert_str_eq(cn, "x, \"y\"");
	free(cn);
	ck_assert_ptr_null(xb_name_values(&name, "2.5.4.7", &oom));
	ck_assert_int_eq(oom, 0);
	xb_name_free(&name);
}
END_TEST

START_TEST(malformed)
{
	static const struct {
		const char *hex;
		size_t position;
	} bad[] = {
		{"", 0},
		{"3103300106", 0},              /* a SET, not a SEQUENCE */
		{"3005310330010", 0},            /* truncated */
		{"30033001FF", 2},               /* RDN is not a SET */
		{"300231003000", 4},             /* empty RDN, then trailing data */
		{"3007310530030603", 4},         /* ATV without a value, OID cut */
		{"30088100", 0},                 /* length beyond the input */
		{"3080", 0},                     /* indefinite length */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len;
		unsigned char *der = from_hex(bad[i].hex, &len);
		struct xb_name name;
		xb_error err;
		xb_error_init(&err, "test");
		HRESULT hr = xb_name_parse(der, len, &name, &err);
		free(der);
		ck_assert_msg(hr == HRESULT_FROM_WIN32(ERROR_INVALID_DATA), "case %zu (%s) accepted", i, bad[i].hex);
		ck_assert_msg(strstr(err.text, "malformed Name") != NULL, "case %zu: no message", i);
		ck_assert_ptr_null(name.attrs);
	}
}
END_TEST

START_TEST(oid_text)
{
	static const unsigned char cn[] = {0x55, 0x04, 0x03};
	static const unsigned char ev[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3C, 0x02, 0x01, 0x03};
	static const unsigned char big[] = {0x88, 0x37, 0x03};     /* first arc 2, second 999 */
	static const unsigned char padded[] = {0x55, 0x80, 0x04};  /* non-minimal arc */
	static const unsigned char cut[] = {0x55, 0x84};           /* last byte continues */
	char buf[64];
	ck_assert_int_eq(der_oid_text(cn, sizeof(cn), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2.5.4.3");
	ck_assert_int_eq(der_oid_text(ev, sizeof(ev), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "1.3.6.1.4.1.311.60.2.1.3");
	ck_assert_int_eq(der_oid_text(big, sizeof(big), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2.999.3");
	ck_assert_int_eq(der_oid_text(padded, sizeof(padded), buf, sizeof(buf)), -1);
	ck_assert_int_eq(der_oid_text(cut, sizeof(cut), buf, sizeof(buf)), -1);
	ck_assert_int_eq(der_oid_text(ev, sizeof(ev), buf, 8), -1);
}
END_TEST

START_TEST(keys)
{
	ck_assert_str_eq(xb_name_key("2.5.4.8"), "S");
	ck_assert_str_eq(xb_name_key("1.2.840.113549.1.9.1"), "E");
	ck_assert_str_eq(xb_name_key("0.9.2342.19200300.100.1.25"), "DC");
	ck_assert_ptr_null(xb_name_key("2.5.4.15"));
}
END_TEST

Suite *suite_name(void)
{
	Suite *s = suite_create("name");
	const struct xb_test_case cases[] = {
		{"xb_name_format", format_reversed_and_forward},
		{"xb_name_format_types", format_strings_and_oids},
		{"xb_name_values", values},
		{"xb_name_parse", malformed},
		{"der_oid_text", oid_text},
		{"xb_name_key", keys},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
