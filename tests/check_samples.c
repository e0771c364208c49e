/*
 * The sample modules (modules/hello, modules/filepublish,
 * modules/recorder) tested as a module author would test their own: the
 * built .so loaded through exitbench/check.h (libexitbench-check) only,
 * events built in code, configuration in a fresh mkdtemp directory, and
 * every test ending with ck_assert_no_violations after the unload. One
 * test per module injects a fault with xb_check_ca_inject: the module must
 * fail that Notify cleanly (its HRESULT, nothing half written, nothing
 * leaked). The recorder's line is read back with the engine's trace reader
 * (emu/trace.h), the one `exitbench replay` uses.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitbench/check.h"
#include "check_suites.h"
#include "trace.h"

#define FIXTURE(name) XB_FIXTURES_DIR "/" name
#define CA_NAME "Samples CA"
/* tests/fixtures/leaf.der: CN=alice.smith, serial 44...04 (as AD CS writes it: lowercase hex). */
#define LEAF_SERIAL "4400000004b742b5daba3d4deb000000000004"
#define RPC_UNAVAILABLE HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)

#define check_hr(expr, want) check_hr_at(__LINE__, #expr, (expr), (want))
static void check_hr_at(int line, const char *what, HRESULT got, HRESULT want)
{
	char g[XB_HRESULT_BUFSIZE], w[XB_HRESULT_BUFSIZE];
	ck_assert_msg(got == want, "line %d: %s gave %s, expected %s", line, what, xb_hresult_format(got, g),
		      xb_hresult_format(want, w));
}

/* ---- helpers ------------------------------------------------------------------ */

/* The kit's log, where the sample modules write their lines: "module|level|message\n"... */
static char log_text[8192];

static void on_log(void *ctx, const char *module, xb_kit_log_level level, const char *message)
{
	(void)ctx;
	size_t used = strlen(log_text);
	snprintf(log_text + used, sizeof(log_text) - used, "%s|%s|%s\n", module, xb_kit_log_level_name(level),
		 message);
}

/* A fresh directory for a module's output (remove_dir removes it again). */
static char dir[64];

static void setup(void)
{
	log_text[0] = 0;
	xb_kit_set_log_handler(on_log, NULL);
	snprintf(dir, sizeof(dir), "/tmp/xb-samples-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	xb_kit_set_log_handler(NULL, NULL);
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[512];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
				unlink(path);
			}
		}
		closedir(d);
	}
	rmdir(dir);
}

/* The names in dir, each followed by '\n', sorted by readdir's whim (the tests expect at most one). */
static void list_dir(char *out, size_t size)
{
	out[0] = 0;
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			size_t used = strlen(out);
			snprintf(out + used, size - used, "%s\n", e->d_name);
		}
	}
	closedir(d);
}

/* The bytes of a file (free() them); fails the test when it cannot be read. */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	unsigned char *buf = NULL;
	size_t used = 0, cap = 0, got;
	do {
		if (used == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		got = fread(buf + used, 1, cap - used, f);
		used += got;
	} while (got);
	ck_assert(!ferror(f));
	fclose(f);
	*len = used;
	return buf;
}

/* An issued certificate: request 42 and tests/fixtures/leaf.der, everything else derived from it. New. */
static xb_check_event *issued_event(void)
{
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	ck_assert_ptr_nonnull(ev);
	check_hr(xb_check_event_set_long(ev, XB_KIT_REQUEST, "RequestID", 42), S_OK);
	check_hr(xb_check_event_certificate_file(ev, FIXTURE("leaf.der")), S_OK);
	return ev;
}

/* Unload, then no contract violation in any call, the final Release included; frees m. */
static void unload_clean(xb_check_module *m)
{
	xb_check_module_unload(m);
	ck_assert_no_violations(m);
	xb_check_module_free(m);
}

/* The one injected fault of m's latest call names what. */
static void check_injected(xb_check_module *m, const char *what)
{
	const xb_check_result *r = xb_check_result_last(m);
	ck_assert_uint_eq(xb_check_result_injected_count(r), 1);
	ck_assert_msg(strstr(xb_check_result_injected(r, 0), what), "injected \"%s\", not %s",
		      xb_check_result_injected(r, 0), what);
}

/* ---- hello ---------------------------------------------------------------------- */

/* Every event kind: Notify returns S_OK and logs the subject the kind has. */
START_TEST(test_hello_every_event)
{
	static const struct {
		LONG kind;
		char source; /* 'c' a certificate, 'r' a request, 0 nothing */
		const char *read; /* a property Notify must read, or NULL */
		const char *line; /* in the log */
	} kinds[] = {
		{EXITEVENT_CERTISSUED, 'c', "DistinguishedName", "certissued: request 42, subject "},
		{EXITEVENT_CERTPENDING, 'r', "DistinguishedName", "certpending: request 42, subject "},
		{EXITEVENT_CERTDENIED, 'r', "DistinguishedName", "certdenied: request 42, subject "},
		{EXITEVENT_CERTREVOKED, 'c', "DistinguishedName", "certrevoked: request 42, subject "},
		{EXITEVENT_CERTRETRIEVEPENDING, 'r', "DistinguishedName", "certretrievepending: request 42, subject "},
		{EXITEVENT_CRLISSUED, 0, "CertCount", "crlissued: "},
		{EXITEVENT_SHUTDOWN, 0, NULL, "|shutdown\n"},
		{EXITEVENT_STARTUP, 0, NULL, "|startup\n"},
		{EXITEVENT_CERTIMPORTED, 'c', "DistinguishedName", "certimported: request 42, subject "},
	};
	xb_check_ca *ca = xb_check_ca_new(CA_NAME);
	ck_assert_ptr_nonnull(ca);
	xb_check_module *m = xb_check_module_load(ca, XB_HELLO_MODULE_PATH, NULL);
	ck_assert_initialize_ok(m);
	ck_assert_str_eq(xb_check_module_name(m), "Hello.Exit");

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		xb_check_event *ev = xb_check_event_new(kinds[i].kind);
		ck_assert_ptr_nonnull(ev);
		if (kinds[i].source)
			check_hr(xb_check_event_set_long(ev, XB_KIT_REQUEST, "RequestID", 42), S_OK);
		if (kinds[i].source == 'c')
			check_hr(xb_check_event_certificate_file(ev, FIXTURE("leaf.der")), S_OK);
		else if (kinds[i].source == 'r')
			check_hr(xb_check_event_request_file(ev, FIXTURE("req.der")), S_OK);
		log_text[0] = 0;
		ck_assert_notify_ok(m, ev);
		check_hr(xb_check_result_hr(xb_check_result_last(m)), S_OK);
		if (kinds[i].read)
			ck_assert_property_read(m, kinds[i].read);
		ck_assert_msg(strstr(log_text, kinds[i].line), "event 0x%lX: \"%s\" not in the log:\n%s",
			      (long)kinds[i].kind, kinds[i].line, log_text);
		/* The subject read is the certificate's once there is one, else the request's. */
		if (kinds[i].source)
			ck_assert_msg(strstr(log_text, kinds[i].source == 'c' ? "CN=alice.smith" : "CN=bob.jones"),
				      "event 0x%lX: wrong subject:\n%s", (long)kinds[i].kind, log_text);
		xb_check_event_free(ev);
	}
	/* Initialize and one Notify per kind: the mask (0x2FF) selects them all. */
	ck_assert_uint_eq(xb_check_result_count(m), 1 + sizeof(kinds) / sizeof(kinds[0]));

	unload_clean(m);
	xb_check_ca_free(ca);
}
END_TEST

/* The CA's server object cannot be reached: Notify fails with the CA's HRESULT, and says so. */
START_TEST(test_hello_fault)
{
	xb_check_ca *ca = xb_check_ca_new(CA_NAME);
	xb_check_module *m = xb_check_module_load(ca, XB_HELLO_MODULE_PATH, NULL);
	ck_assert_initialize_ok(m);
	check_hr(xb_check_ca_inject(ca, "method=SetContext,error=RPC,event=certissued"), S_OK);

	xb_check_event *ev = issued_event();
	check_hr(xb_check_notify(m, ev), RPC_UNAVAILABLE);
	check_injected(m, "SetContext");
	ck_assert_msg(strstr(log_text, "Hello|error|certissued: cannot reach the CA"), "%s", log_text);

	/* Other kinds are not affected by the rule. */
	xb_check_event *pending = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_set_long(pending, XB_KIT_REQUEST, "RequestID", 43), S_OK);
	ck_assert_notify_ok(m, pending);

	unload_clean(m); /* the failed call released its server object: nothing left */
	xb_check_event_free(pending);
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

/* ---- filepublish ---------------------------------------------------------------- */

/* certissued: <RequestID>-<serial>.cer holding the certificate's exact bytes, and nothing else. */
START_TEST(test_filepublish_certificate)
{
	xb_check_ca *ca = xb_check_ca_new(CA_NAME);
	check_hr(xb_check_ca_set_config(ca, "FilePublish.Exit", "Directory", dir), S_OK);
	xb_check_module *m = xb_check_module_load(ca, XB_FILEPUBLISH_MODULE_PATH, NULL);
	ck_assert_initialize_ok(m);
	ck_assert_str_eq(xb_check_module_name(m), "FilePublish.Exit");

	xb_check_event *ev = issued_event();
	ck_assert_notify_ok(m, ev);
	ck_assert_property_read(m, "RequestID");
	ck_assert_property_read(m, "SerialNumber");
	ck_assert_property_read(m, "RawCertificate");

	char names[1024];
	list_dir(names, sizeof(names));
	ck_assert_str_eq(names, "42-" LEAF_SERIAL ".cer\n"); /* no temporary file left either */
	size_t want_len, got_len;
	unsigned char *want = read_file(FIXTURE("leaf.der"), &want_len);
	char path[256];
	snprintf(path, sizeof(path), "%s/42-" LEAF_SERIAL ".cer", dir);
	unsigned char *got = read_file(path, &got_len);
	ck_assert_uint_eq(got_len, want_len);
	ck_assert(memcmp(got, want, want_len) == 0);

	/* The same event again: the file is up to date, S_OK, nothing rewritten. */
	ck_assert_notify_ok(m, ev);
	list_dir(names, sizeof(names));
	ck_assert_str_eq(names, "42-" LEAF_SERIAL ".cer\n");

	unload_clean(m);
	free(got);
	free(want);
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

/* RawCertificate cannot be read (out of memory): Notify fails with it and writes nothing. */
START_TEST(test_filepublish_fault)
{
	xb_check_ca *ca = xb_check_ca_new(CA_NAME);
	check_hr(xb_check_ca_set_config(ca, "FilePublish.Exit", "Directory", dir), S_OK);
	xb_check_module *m = xb_check_module_load(ca, XB_FILEPUBLISH_MODULE_PATH, NULL);
	ck_assert_initialize_ok(m);
	check_hr(xb_check_ca_inject(ca, "error=E_OUTOFMEMORY,name=RawCertificate"), S_OK);

	xb_check_event *ev = issued_event();
	check_hr(xb_check_notify(m, ev), E_OUTOFMEMORY);
	check_injected(m, "GetCertificateProperty(RawCertificate): E_OUTOFMEMORY");
	ck_assert_msg(strstr(log_text, "FilePublish|error|"), "no error line:\n%s", log_text);
	char names[1024];
	list_dir(names, sizeof(names));
	ck_assert_str_eq(names, ""); /* no certificate, no temporary file */

	unload_clean(m); /* the serial number it had read was freed on the failing path */
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

/* ---- recorder ------------------------------------------------------------------- */

/* The recorder's Output in dir. */
static xb_check_module *load_recorder(xb_check_ca *ca, char *trace, size_t size)
{
	snprintf(trace, size, "%s/trace.jsonl", dir);
	check_hr(xb_check_ca_set_config(ca, "Recorder.Exit", "Output", trace), S_OK);
	xb_check_module *m = xb_check_module_load(ca, XB_RECORDER_MODULE_PATH, NULL);
	ck_assert_initialize_ok(m);
	ck_assert_str_eq(xb_check_module_name(m), "Recorder.Exit");
	return m;
}

/* Opens the recording with the engine's reader: its header names the CA. New. */
static struct xb_trace *open_recording(const char *trace)
{
	struct xb_trace *t = NULL;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_trace_open(trace, &t, &err) == S_OK, "%s: %s", trace, err.text);
	ck_assert_str_eq(xb_trace_config(t), CA_NAME);
	return t;
}

/* The next event of the recording, which must be one of kind with RequestID id. */
static void next_event(struct xb_trace *t, struct xb_event *ev, LONG kind, LONG id)
{
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_trace_next(t, ev, &err) == S_OK, "%s", err.text);
	ck_assert_int_eq(ev->kind, kind);
	const struct xb_prop *p = xb_props_find(&ev->request, "RequestID");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->value.l, id);
}

/* The end of the recording. */
static void no_more_events(struct xb_trace *t)
{
	struct xb_event ev;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_trace_next(t, &ev, &err) == S_FALSE, "more in the recording: %s", err.text);
}

/* certissued: one trace line the engine reads back, with the certificate as delivered. */
START_TEST(test_recorder_line)
{
	char trace[128];
	xb_check_ca *ca = xb_check_ca_new(CA_NAME);
	xb_check_module *m = load_recorder(ca, trace, sizeof(trace));

	xb_check_event *ev = issued_event();
	check_hr(xb_check_event_attribute(ev, "CertificateTemplate", "User"), S_OK);
	ck_assert_notify_ok(m, ev);
	ck_assert_property_read(m, "RawCertificate");
	ck_assert_property_read(m, "SerialNumber");
	ck_assert_property_read(m, "DistinguishedName");
	unload_clean(m);

	size_t want_len;
	unsigned char *want = read_file(FIXTURE("leaf.der"), &want_len);
	struct xb_trace *t = open_recording(trace);
	struct xb_event got;
	next_event(t, &got, EXITEVENT_CERTISSUED, 42);
	const struct xb_prop *p = xb_props_find(&got.cert, "SerialNumber");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->value.text, LEAF_SERIAL);
	ck_assert_ptr_nonnull(p = xb_props_find(&got.cert, "RawCertificate"));
	ck_assert_uint_eq(p->value.len, want_len);
	ck_assert(memcmp(p->value.bytes, want, want_len) == 0);
	ck_assert_ptr_nonnull(p = xb_props_find(&got.attrs, "CertificateTemplate"));
	ck_assert_str_eq(p->value.text, "User");
	xb_event_free(&got);
	no_more_events(t);
	xb_trace_close(t);

	free(want);
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

/* The CA cannot give the event's context: that Notify fails, its line is not written, the next event's is. */
START_TEST(test_recorder_fault)
{
	char trace[128];
	xb_check_ca *ca = xb_check_ca_new(CA_NAME);
	xb_check_module *m = load_recorder(ca, trace, sizeof(trace));
	check_hr(xb_check_ca_inject(ca, "method=SetContext,error=RPC,event=certissued"), S_OK);

	xb_check_event *ev = issued_event();
	check_hr(xb_check_notify(m, ev), RPC_UNAVAILABLE);
	check_injected(m, "SetContext");
	ck_assert_msg(strstr(log_text, "Recorder|error|certissued: cannot reach the CA"), "%s", log_text);

	xb_check_event *pending = xb_check_event_new(EXITEVENT_CERTPENDING);
	check_hr(xb_check_event_set_long(pending, XB_KIT_REQUEST, "RequestID", 43), S_OK);
	ck_assert_notify_ok(m, pending);
	unload_clean(m);

	struct xb_trace *t = open_recording(trace);
	struct xb_event got;
	next_event(t, &got, EXITEVENT_CERTPENDING, 43); /* the failed certissued left nothing */
	xb_event_free(&got);
	no_more_events(t);
	xb_trace_close(t);

	xb_check_event_free(pending);
	xb_check_event_free(ev);
	xb_check_ca_free(ca);
}
END_TEST

Suite *suite_samples(void)
{
	Suite *s = suite_create("samples");
	const struct xb_test_case cases[] = {
		{"hello_every_event", test_hello_every_event},
		{"hello_fault", test_hello_fault},
		{"filepublish_certificate", test_filepublish_certificate},
		{"filepublish_fault", test_filepublish_fault},
		{"recorder_line", test_recorder_line},
		{"recorder_fault", test_recorder_fault},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
