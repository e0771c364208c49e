/*
 * Windows' own outputs, from ../shared/testdata (public vectors with their
 * sources in its README): every DER Name of dn-vectors.json must print as
 * Windows printed it. Exits 77, saying why, where that folder is absent.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "name.h"

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
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	json_decref(vectors);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
