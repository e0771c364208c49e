/*
 * The trace reader (emu/trace_read.c): a valid trace read value by value,
 * and the corpus of invalid traces in tests/traces/invalid/, each with the
 * line, column and message it must be reported with (NAME.expected holds
 * "LINE:COLUMN:text").
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "check_suites.h"
#include "pem.h"
#include "trace.h"

START_TEST(read_valid)
{
	struct xb_trace *t = NULL;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_trace_open(XB_TRACES_DIR "/valid/basic.jsonl", &t, &err), S_OK);
	ck_assert_str_eq(xb_trace_config(t), "Corp Issuing CA");
	const struct xb_prop *p = xb_props_find(xb_trace_ca(t), "modulereglstrylocation");
	ck_assert_ptr_null(p);
	p = xb_props_find(xb_trace_ca(t), "ModuleRegistryLocation");
	ck_assert_str_eq(p->value.text,
			 "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Corp Issuing CA\\ExitModules\\Sample.Exit");

	struct xb_event ev;
	ck_assert_int_eq(xb_trace_next(t, &ev, &err), S_OK);
	ck_assert_int_eq(ev.kind, EXITEVENT_CERTISSUED);
	ck_assert_uint_eq(ev.line, 3); /* after the header and a blank line */
	p = xb_props_find(&ev.request, "RequestID");
	ck_assert_int_eq(p->value.type, PROPTYPE_LONG);
	ck_assert_int_eq(p->value.l, 42);
	p = xb_props_find(&ev.request, "RequestFlags");
	ck_assert_uint_eq((uint32_t)p->value.l, 0x80000004u); /* written unsigned */
	p = xb_props_find(&ev.request, "RequesterName");
	ck_assert_str_eq(p->value.text, "CORP\\alice");
	p = xb_props_find(&ev.request, "SubmittedWhen");
	ck_assert_int_eq(p->value.type, PROPTYPE_DATE);
	char text[XB_RFC3339_BUFSIZE];
	xb_date_to_rfc3339(p->value.date, text);
	ck_assert_str_eq(text, "2026-11-24T07:40:00Z");
	p = xb_props_find(&ev.cert, "RawCertificate");
	ck_assert_int_eq(p->value.type, PROPTYPE_BINARY);
	ck_assert_int_eq(p->value.bytes[0], 0x30);
	ck_assert_str_eq(xb_props_find(&ev.attrs, "ccm")->value.text, "ws01.corp.local");
	ck_assert_uint_eq(ev.exts.n, 1);
	ck_assert_int_eq(ev.exts.items[0].flags, 0x10001);
	ck_assert_uint_eq(ev.exts.items[0].len, 2);
	xb_event_free(&ev);

	ck_assert_int_eq(xb_trace_next(t, &ev, &err), S_OK);
	ck_assert_int_eq(ev.kind, EXITEVENT_CERTPENDING);
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(t, &ev, &err), S_OK);
	ck_assert_int_eq(ev.kind, EXITEVENT_CRLISSUED);
	ck_assert_uint_eq(xb_props_find(&ev.ca, "RawCRL.0")->value.len, 508); /* tests/fixtures/demo-crl.der */
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(t, &ev, &err), S_OK);
	ck_assert_int_eq(ev.kind, EXITEVENT_SHUTDOWN);
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(t, &ev, &err), S_FALSE);
	ck_assert_uint_eq(xb_trace_lines(t), 6);
	ck_assert_uint_eq(xb_trace_blank_lines(t), 1);
	ck_assert_int_eq(err.code, S_OK);
	xb_trace_close(t);
}
END_TEST

/* Reads a trace to its first error. */
static HRESULT read_all(const char *path, xb_error *err)
{
	struct xb_trace *t = NULL;
	HRESULT hr = xb_trace_open(path, &t, err);
	while (SUCCEEDED(hr)) {
		struct xb_event ev;
		hr = xb_trace_next(t, &ev, err);
		if (hr == S_OK)
			xb_event_free(&ev);
		else
			break;
	}
	xb_trace_close(t);
	return hr;
}

START_TEST(invalid_corpus)
{
	DIR *dir = opendir(XB_TRACES_DIR "/invalid");
	ck_assert_ptr_nonnull(dir);
	struct dirent *d;
	int cases = 0;
	while ((d = readdir(dir))) {
		size_t n = strlen(d->d_name);
		if (n < 7 || strcmp(d->d_name + n - 6, ".jsonl"))
			continue;
		char path[1024], expected_path[1024], expected[512];
		snprintf(path, sizeof(path), "%s/invalid/%s", XB_TRACES_DIR, d->d_name);
		snprintf(expected_path, sizeof(expected_path), "%.*s.expected", (int)(strlen(path) - 6), path);
		FILE *f = fopen(expected_path, "r");
		ck_assert_msg(f != NULL, "%s has no .expected", d->d_name);
		ck_assert(fgets(expected, sizeof(expected), f) != NULL);
		fclose(f);
		expected[strcspn(expected, "\n")] = 0;
		int line, column, at = 0;
		ck_assert_msg(sscanf(expected, "%d:%d:%n", &line, &column, &at) == 2 && at,
			      "%s: bad .expected line", d->d_name);
		xb_error err;
		xb_error_init(&err, NULL);
		HRESULT hr = read_all(path, &err);
		ck_assert_msg(hr == HRESULT_FROM_WIN32(ERROR_INVALID_DATA), "%s: read as valid (0x%08X)", d->d_name,
			      (unsigned)hr);
		ck_assert_msg(err.line == line && err.column == column && strstr(err.text, expected + at),
			      "%s: got %s:%d:%d: %s\n  expected %s", d->d_name, err.source, err.line, err.column,
			      err.text, expected);
		ck_assert_msg(strstr(err.source, d->d_name) != NULL, "%s: error does not name the file (%s)",
			      d->d_name, err.source);
		cases++;
	}
	closedir(dir);
	ck_assert_int_ge(cases, 18);
}
END_TEST

START_TEST(missing_file)
{
	struct xb_trace *t = (struct xb_trace *)1;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_trace_open("/nonexistent/trace.jsonl", &t, &err),
			 HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err.text, "/nonexistent/trace.jsonl") != NULL, "%s", err.text);
}
END_TEST

START_TEST(event_kinds)
{
	ck_assert_int_eq(xb_event_kind_from_name("certimported"), EXITEVENT_CERTIMPORTED);
	ck_assert_int_eq(xb_event_kind_from_name("Issued"), 0);
	ck_assert_str_eq(xb_event_kind_name(EXITEVENT_CRLISSUED), "crlissued");
	ck_assert_ptr_null(xb_event_kind_name(0x100));
}
END_TEST

START_TEST(base64)
{
	static const struct {
		const char *bytes;
		size_t n;
		const char *text;
	} known[] = {{"", 0, ""}, {"f", 1, "Zg=="}, {"fo", 2, "Zm8="}, {"foo", 3, "Zm9v"}, {"\x30\x00", 2, "MAA="},
		     {"foobar", 6, "Zm9vYmFy"}};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char *text = xb_base64_encode((const unsigned char *)known[i].bytes, known[i].n);
		ck_assert_str_eq(text, known[i].text);
		free(text);
		unsigned char *out;
		size_t len, bad;
		ck_assert_int_eq(xb_base64_decode(known[i].text, strlen(known[i].text), &out, &len, &bad), 0);
		ck_assert_uint_eq(len, known[i].n);
		ck_assert_int_eq(memcmp(out, known[i].bytes, len), 0);
		free(out);
	}
	static const struct {
		const char *text;
		size_t bad;
	} bad[] = {{"Zg=", 3}, {"Z===", 1}, {"Zg=a", 2}, {"Zm9v*mFy", 4}, {"=Zm9", 0}, {"Zm 9", 2}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned char *out;
		size_t len, at;
		ck_assert_msg(xb_base64_decode(bad[i].text, strlen(bad[i].text), &out, &len, &at) == -1, "%s accepted",
			      bad[i].text);
		ck_assert_msg(at == bad[i].bad, "%s: bad at %zu, expected %zu", bad[i].text, at, bad[i].bad);
	}
}
END_TEST

/* A {"pem": ...} value reads as the DER of its block. */
START_TEST(pem_value)
{
	struct xb_trace *t = NULL;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_trace_open(XB_TRACES_DIR "/valid/pem.jsonl", &t, &err), S_OK);
	struct xb_event ev;
	ck_assert_int_eq(xb_trace_next(t, &ev, &err), S_OK);
	const struct xb_prop *raw = xb_props_find(&ev.cert, "RawCertificate");
	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(raw->value.type, PROPTYPE_BINARY);
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	ck_assert_uint_eq(raw->value.len, len);
	ck_assert(memcmp(raw->value.bytes, der, len) == 0);
	free(der);
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(t, &ev, &err), S_FALSE);
	xb_trace_close(t);
}
END_TEST

/* PEM blocks on their own: labels, text before the block, errors with their offsets. */
START_TEST(pem_decode)
{
	size_t len;
	unsigned char *pem = xb_read_fixture("leaf.pem", &len);
	char label[XB_PEM_LABEL_SIZE];
	unsigned char *der;
	size_t der_len;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_pem_decode((char *)pem, len, label, &der, &der_len, &err), S_OK);
	ck_assert_str_eq(label, "CERTIFICATE");
	ck_assert_uint_eq(der_len, 1069);
	free(der);
	free(pem);
	ck_assert(xb_pem_detect("\n  -----BEGIN X509 CRL-----", 27));
	ck_assert(!xb_pem_detect("MIIB", 4));
	static const char junk_first[] = "Certificate:\n-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
	ck_assert_int_eq(xb_pem_decode(junk_first, sizeof(junk_first) - 1, label, &der, &der_len, &err), S_OK);
	ck_assert_str_eq(label, "X509 CRL");
	ck_assert_uint_eq(der_len, 2);
	free(der);
	static const char mismatched[] = "-----BEGIN A-----\nMAA=\n-----END B-----\n";
	ck_assert_int_eq(xb_pem_decode(mismatched, sizeof(mismatched) - 1, label, &der, &der_len, &err),
			 HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	ck_assert_ptr_null(der);
	ck_assert_msg(strstr(err.text, "-----END A-----") != NULL, "%s", err.text);
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_pem_decode("none", 4, label, &der, &der_len, &err), HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	ck_assert_msg(strstr(err.text, "no PEM block") != NULL, "%s", err.text);
}
END_TEST

Suite *suite_trace(void)
{
	Suite *s = suite_create("trace");
	const struct xb_test_case cases[] = {
		{"pem_value", pem_value},
		{"xb_pem_decode", pem_decode},
		{"xb_trace_next", read_valid},
		{"invalid_traces", invalid_corpus},
		{"xb_trace_open", missing_file},
		{"xb_event_kind_name", event_kinds},
		{"xb_base64", base64},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
