/*
 * Windows' own outputs, from ../shared/testdata (public vectors with their
 * sources in its README): every DER Name of dn-vectors.json must print as
 * Windows printed it; every request of csr/ must give the request side
 * OpenSSL reads. Exits 77, saying why, where that folder is absent.
 */
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "name.h"
#include "request_props.h"

static json_t *vectors;

static const char *testdata_dir(void)
{
	const char *dir = getenv("XB_SHARED_TESTDATA");
	return dir && *dir ? dir : XB_SHARED_TESTDATA;
}

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

static void check_one(const char *got, const json_t *v, const char *order, int i)
{
	const char *expected = json_string_value(json_object_get(v, "expected"));
	const char *prefix = json_string_value(json_object_get(v, "expected_prefix"));
	if (expected)
		ck_assert_msg(!strcmp(got, expected), "vector %d (%s, %s order):\n  got      [%s]\n  expected [%s]", i,
			      json_string_value(json_object_get(v, "note")), order, got, expected);
	else
		ck_assert_msg(prefix && !strncmp(got, prefix, strlen(prefix)),
			      "vector %d (%s order):\n  got         [%s]\n  expected [%s...]", i, order, got,
			      prefix ? prefix : "(no expectation in the vector)");
}

START_TEST(dn_vector)
{
	const json_t *v = json_array_get(vectors, (size_t)_i);
	const char *hex = json_string_value(json_object_get(v, "der_hex"));
	const char *order = json_string_value(json_object_get(v, "order"));
	ck_assert_msg(hex && order, "vector %d lacks der_hex or order", _i);
	size_t len;
	unsigned char *der = from_hex(hex, &len);
	struct xb_name name;
	xb_error err;
	xb_error_init(&err, "dn-vectors.json");
	HRESULT hr = xb_name_parse(der, len, &name, &err);
	free(der);
	ck_assert_msg(hr == S_OK, "vector %d does not parse: %s", _i, err.text);
	if (!strcmp(order, "reversed") || !strcmp(order, "any")) {
		char *text = xb_name_format(&name, 1);
		check_one(text, v, "reversed", _i);
		free(text);
	}
	if (!strcmp(order, "forward") || !strcmp(order, "any")) {
		char *text = xb_name_format(&name, 0);
		check_one(text, v, "forward", _i);
		free(text);
	}
	xb_name_free(&name);
}
END_TEST

/*
 * csr/: Windows-made PKCS#10 requests (csr/index.json). OpenSSL, an
 * independent reader, is the oracle for every request: the RawName, each
 * requested extension and the Microsoft attributes' values must be what it
 * reads. A few subjects are also checked against the text Windows prints
 * (the rules dn-vectors.json pins down).
 */
static json_t *csrs;

static const struct {
	const char *file;
	const char *dn;          /* NULL: the subject is empty, so DistinguishedName is */
	const char *common_name; /* NULL: none */
} csr_expected[] = {
	{"eae5864a5706.pem", "CN=intranet.adcslabor.de", "intranet.adcslabor.de"},
	{"05d1e343b880.pem", "CN=intranet.adcslabor.de, C=UK, O=ADCS Labor, L=Munich", "intranet.adcslabor.de"},
	{"c674660cdf12.pem", "CN=intranet.adcslabor.de, CN=extranet.adcslabor.de",
	 "extranet.adcslabor.de\nintranet.adcslabor.de"},
	{"b1c3536c6229.pem", "OID.1.2.3.4=test", NULL},
	{"564905913ae0.pem", "CN=\"\"", ""},
	{"41de752077a8.pem", NULL, NULL},
	{"3e7aef0764e8.pem", NULL, NULL},
};

/* The DER of a PEM request file of csr/ (new: OPENSSL_free it). */
static unsigned char *read_csr(const char *file, long *len)
{
	char path[4096], *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	snprintf(path, sizeof(path), "%s/csr/%s", testdata_dir(), file);
	BIO *bio = BIO_new_file(path, "r");
	ck_assert_msg(bio != NULL, "cannot open %s", path);
	int ok = PEM_read_bio(bio, &name, &header, &der, len);
	BIO_free(bio);
	OPENSSL_free(name);
	OPENSSL_free(header);
	ck_assert_msg(ok, "%s is not PEM", path);
	return der;
}

static const char *attr_text(const struct xb_props *attrs, const char *name)
{
	const struct xb_prop *p = xb_props_find(attrs, name);
	return p ? p->value.text : NULL;
}

/* The value OpenSSL reads for a Microsoft attribute: the OS version string, the CSP name in its SEQUENCE. */
static char *openssl_attribute(X509_REQ *req, const char *oid, int in_sequence)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int i = X509_REQ_get_attr_by_OBJ(req, obj, -1);
	ASN1_OBJECT_free(obj);
	if (i < 0)
		return NULL;
	ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(X509_REQ_get_attr(req, i), 0);
	ck_assert_ptr_nonnull(t);
	ASN1_SEQUENCE_ANY *seq = NULL;
	const ASN1_STRING *s = t->value.asn1_string;
	if (in_sequence) {
		const unsigned char *p = ASN1_STRING_get0_data(s);
		seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, ASN1_STRING_length(s));
		ck_assert_msg(seq && sk_ASN1_TYPE_num(seq) >= 2, "%s is not a SEQUENCE", oid);
		s = sk_ASN1_TYPE_value(seq, 1)->value.asn1_string;
	}
	unsigned char *utf8 = NULL;
	ck_assert_int_ge(ASN1_STRING_to_UTF8(&utf8, s), 0);
	char *text = strdup((const char *)utf8);
	OPENSSL_free(utf8);
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	return text;
}

static void check_csr_attribute(X509_REQ *req, const struct xb_props *attrs, const char *oid, int in_sequence,
				const char *name, const char *file)
{
	char *expected = openssl_attribute(req, oid, in_sequence);
	const char *got = attr_text(attrs, name);
	ck_assert_msg(expected ? got && !strcmp(got, expected) : !got, "%s: %s is [%s], OpenSSL reads [%s]", file, name,
		      got ? got : "(none)", expected ? expected : "(none)");
	free(expected);
}

static void check_csr_extensions(X509_REQ *req, const struct xb_exts *exts, const char *file)
{
	STACK_OF(X509_EXTENSION) *list = X509_REQ_get_extensions(req);
	int n = list ? sk_X509_EXTENSION_num(list) : 0;
	ck_assert_msg((size_t)n == exts->n, "%s: %zu extensions, OpenSSL reads %d", file, exts->n, n);
	for (int i = 0; i < n; i++) {
		X509_EXTENSION *x = sk_X509_EXTENSION_value(list, i);
		char oid[64];
		OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(x), 1);
		const struct xb_ext *e = xb_exts_find(exts, oid);
		const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(x);
		LONG flags = EXTENSION_ORIGIN_REQUEST | (X509_EXTENSION_get_critical(x) ? EXTENSION_CRITICAL_FLAG : 0);
		ck_assert_msg(e && e->flags == flags && e->len == (size_t)ASN1_STRING_length(data) &&
				      !memcmp(e->value, ASN1_STRING_get0_data(data), e->len),
			      "%s: extension %s differs from OpenSSL's reading", file, oid);
	}
	sk_X509_EXTENSION_pop_free(list, X509_EXTENSION_free);
}

static void check_csr_expected(const struct xb_props *request, const char *file)
{
	for (size_t i = 0; i < sizeof(csr_expected) / sizeof(csr_expected[0]); i++) {
		if (strcmp(file, csr_expected[i].file))
			continue;
		const struct xb_prop *dn = xb_props_find(request, "DistinguishedName");
		const struct xb_prop *cn = xb_props_find(request, "CommonName");
		ck_assert_msg(csr_expected[i].dn ? dn && !strcmp(dn->value.text, csr_expected[i].dn) : !dn,
			      "%s: DistinguishedName [%s], expected [%s]", file, dn ? dn->value.text : "(none)",
			      csr_expected[i].dn ? csr_expected[i].dn : "(none)");
		ck_assert_msg(csr_expected[i].common_name ? cn && !strcmp(cn->value.text, csr_expected[i].common_name)
							  : !cn,
			      "%s: CommonName [%s]", file, cn ? cn->value.text : "(none)");
	}
}

START_TEST(csr_vector)
{
	const json_t *v = json_array_get(csrs, (size_t)_i);
	const char *file = json_string_value(json_object_get(v, "file"));
	ck_assert_msg(file != NULL, "csr/index.json entry %d has no file", _i);
	long len = 0;
	unsigned char *der = read_csr(file, &len);
	struct xb_props request = {0}, attrs = {0};
	struct xb_exts exts = {0};
	xb_error err;
	xb_error_init(&err, file);
	HRESULT hr = xb_request_props_derive(der, (size_t)len, &request, &attrs, &exts, 0, XB_PUT_IF_ABSENT, &err);
	ck_assert_msg(hr == S_OK, "%s: 0x%08x %s", file, (unsigned)hr, err.text);

	const unsigned char *p = der;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, len);
	ck_assert_msg(req != NULL, "OpenSSL cannot read %s", file);
	unsigned char *name = NULL;
	int name_len = i2d_X509_NAME(X509_REQ_get_subject_name(req), &name);
	const struct xb_prop *raw = xb_props_find(&request, "RawName");
	ck_assert_msg(raw && raw->value.len == (size_t)name_len && !memcmp(raw->value.bytes, name, raw->value.len),
		      "%s: RawName differs from OpenSSL's", file);
	ck_assert_msg(!*json_string_value(json_object_get(v, "subject")) == !xb_props_find(&request, "DistinguishedName"),
		      "%s: a DistinguishedName exactly when the subject is not empty", file);
	check_csr_attribute(req, &attrs, "1.3.6.1.4.1.311.13.2.3", 0, "RequestOSVersion", file);
	check_csr_attribute(req, &attrs, "1.3.6.1.4.1.311.13.2.2", 1, "RequestCSPProvider", file);
	check_csr_extensions(req, &exts, file);
	check_csr_expected(&request, file);
	/* the attributes derived are those two only (the client information gives none) */
	size_t known = (attr_text(&attrs, "RequestOSVersion") != NULL) + (attr_text(&attrs, "RequestCSPProvider") != NULL);
	ck_assert_msg(attrs.n == known, "%s: %zu attributes", file, attrs.n);

	OPENSSL_free(name);
	X509_REQ_free(req);
	OPENSSL_free(der);
	xb_props_free(&request);
	xb_props_free(&attrs);
	xb_exts_free(&exts);
}
END_TEST

/* Adds the csr/ case when csr/index.json is there. */
static void add_csr_case(Suite *s, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/csr/index.json", dir);
	json_error_t jerr;
	csrs = json_load_file(path, 0, &jerr);
	if (!json_is_array(csrs)) {
		printf("NOTE: %s unreadable (%s): the csr/ vectors are skipped\n", path, jerr.text);
		return;
	}
	TCase *tc = tcase_create("csr/index.json");
	tcase_add_loop_test(tc, csr_vector, 0, (int)json_array_size(csrs));
	suite_add_tcase(s, tc);
}

int main(void)
{
	char path[4096];
	struct stat st;
	const char *dir = testdata_dir();
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		printf("SKIP: %s is absent (the shared public test vectors live beside the checkout)\n", dir);
		return 77;
	}
	snprintf(path, sizeof(path), "%s/dn-vectors.json", dir);
	json_error_t jerr;
	vectors = json_load_file(path, 0, &jerr);
	if (!json_is_array(vectors)) {
		fprintf(stderr, "%s:%d:%d: %s\n", path, jerr.line, jerr.column,
			vectors ? "not a JSON array" : jerr.text);
		return EXIT_FAILURE;
	}
	Suite *s = suite_create("vectors");
	TCase *tc = tcase_create("dn-vectors.json");
	tcase_add_loop_test(tc, dn_vector, 0, (int)json_array_size(vectors));
	suite_add_tcase(s, tc);
	add_csr_case(s, dir);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	json_decref(vectors);
	json_decref(csrs);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
